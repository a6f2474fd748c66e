/**
 * Layer rules, run by `npm run lint:layers` (part of `npm test`). Imports point down:
 *
 *   shared/                      platform-neutral contracts and logic
 *     ← edge infrastructure      workers/{config,store,vector-index,event-log,errors,logger,metrics}/
 *       ← durable-objects/ and the Worker's features (the rest of workers/)
 *   pipeline/, bench/, gpu-sidecar/, scripts/ import shared/ only.
 *   console/ (the operator console's browser code) imports shared/ only, and only types in practice.
 *
 * docs/architecture.md ("Layers") explains each folder. Tests (test/) may import any layer and
 * are not cruised. TypeScript 7 has no JS API dependency-cruiser can use, so .ts files are
 * parsed with swc (@swc/core); type-only imports count like any other.
 */

/** The Worker's edge-infrastructure folders: env and config parsing, KV stores, index selection, event log, API errors, logger, metrics. */
const INFRASTRUCTURE = "^workers/(config|store|vector-index|event-log|errors|logger|metrics|releases)/";

/** @type {import("dependency-cruiser").IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "shared-is-platform-neutral",
      comment:
        "shared/ is used by the edge, the sidecar and training alike: it imports no other layer and no platform modules (cloudflare:*, node:*).",
      severity: "error",
      from: { path: "^shared/" },
      to: { path: "^(workers|durable-objects|pipeline|gpu-sidecar|scripts|bench|test|console)/|^(cloudflare|node):" },
    },
    {
      name: "shared-imports-no-node-builtins",
      comment: "shared/ runs in workerd too: no Node built-ins, with or without the node: prefix.",
      severity: "error",
      from: { path: "^shared/" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "offline-code-imports-shared-only",
      comment:
        "The pipeline, benchmarks, sidecar and scripts share code with the edge through shared/, never by importing the Worker or its Durable Objects.",
      severity: "error",
      from: { path: "^(pipeline|bench|gpu-sidecar|scripts)/" },
      to: { path: "^(workers|durable-objects)/" },
    },
    {
      name: "edge-imports-no-offline-code",
      comment: "The Worker and its Durable Objects never import offline code (pipeline, benchmarks, sidecar, scripts).",
      severity: "error",
      from: { path: "^(workers|durable-objects)/" },
      to: { path: "^(pipeline|bench|gpu-sidecar|scripts|test|console)/" },
    },
    {
      name: "durable-objects-import-shared-and-infrastructure-only",
      comment:
        "A Durable Object is a thin shell over shared/ modules and edge infrastructure; it never imports the Worker's features (routes, recommend, catalog, …).",
      severity: "error",
      from: { path: "^durable-objects/" },
      to: { path: "^workers/", pathNot: INFRASTRUCTURE },
    },
    {
      name: "infrastructure-imports-shared-only",
      comment: "Edge infrastructure imports shared/ and other infrastructure folders, never the Worker's features or the Durable Objects.",
      severity: "error",
      from: { path: INFRASTRUCTURE },
      to: { path: "^(workers|durable-objects)/", pathNot: INFRASTRUCTURE },
    },
    {
      name: "worker-features-do-not-import-durable-objects",
      comment:
        "The Worker's features reach Durable Objects through their bindings (typed by the generated Env) and share their contracts through shared/. " +
        "Only the entry point, workers/index.ts, exports the object classes for the runtime.",
      severity: "error",
      from: { path: "^workers/", pathNot: "^workers/index\\.ts$" },
      to: { path: "^durable-objects/" },
    },
    {
      name: "console-imports-shared-only",
      comment:
        "The operator console runs in the browser and talks to the Worker only through its JSON API: it imports shared/ (contracts) and npm packages, never the Worker, its Durable Objects, offline code or platform modules.",
      severity: "error",
      from: { path: "^console/" },
      to: { path: "^(workers|durable-objects|pipeline|bench|gpu-sidecar|scripts|test)/|^(cloudflare|node):" },
    },
    {
      name: "console-imports-no-node-builtins",
      comment: "The console is bundled for the browser: no Node built-ins, with or without the node: prefix.",
      severity: "error",
      from: { path: "^console/" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "no-circular",
      comment: "No import cycles, within a layer or across layers.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    parser: "swc",
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)node_modules/|^test/" },
    combinedDependencies: false,
    reporterOptions: { text: { highlightFocused: true } },
  },
};
