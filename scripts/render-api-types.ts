/**
 * `npx tsx scripts/render-api-types.ts [--check]`: rewrites client/api-types.ts from the committed
 * OpenAPI document client/openapi.json (which test/workers/openapi.test.ts keeps equal to what the
 * Worker serves at /openapi.json; refresh it with `npx vitest run test/workers/openapi.test.ts -u`).
 * With `--check` it changes nothing and exits 1 when the types differ
 * (test/unit/scripts/openapi-types.test.ts makes the same comparison in `npm test`).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderOpenApiTypes } from "./openapi-types";

const client = join(dirname(fileURLToPath(import.meta.url)), "..", "client");
const typesPath = join(client, "api-types.ts");
const rendered = renderOpenApiTypes(JSON.parse(readFileSync(join(client, "openapi.json"), "utf8")));
let current = "";
try {
  current = readFileSync(typesPath, "utf8");
} catch {
  // Not written yet.
}
if (process.argv.includes("--check")) {
  if (rendered !== current) {
    process.stderr.write("client/api-types.ts differs from client/openapi.json; run npx tsx scripts/render-api-types.ts\n");
    process.exit(1);
  }
} else if (rendered !== current) {
  writeFileSync(typesPath, rendered);
  process.stdout.write("client/api-types.ts rewritten\n");
}
