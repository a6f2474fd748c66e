/**
 * Runs the whole system locally on the built-in demo data (what `npm start` does):
 *
 * 1. generates the demo data set (deterministic) unless `data/demo` exists;
 * 2. trains and exports artifacts unless `artifacts/demo` holds them;
 * 3. writes `.dev.vars` (admin token, embedded vector index, sidecar URL) unless it exists;
 * 4. publishes the KV bulk file into wrangler's local KV when the model version changed;
 * 5. starts the ranking sidecar and `wrangler dev` on 127.0.0.1;
 * 6. loads the item vectors into the embedded vector index when its version differs;
 * 7. prints example requests with a real demo user, and stops both services on Ctrl-C.
 *
 * A second run reuses every step's output. Ports: PORT (8787), SIDECAR_PORT (8788).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { ModelManifest } from "../shared/artifacts/model-manifest";
import { FEATURE_SPEC } from "../shared/features/feature-spec";
import { ITEM_METADATA_INDEXES } from "../shared/artifacts/item-metadata";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = join(root, "data", "demo");
const artifactsDir = join(root, "artifacts", "demo");
const devVarsPath = join(root, ".dev.vars");
const publishedMarker = join(root, ".wrangler", "state", "edge-recs-kv-published.json");
const port = Number(process.env.PORT ?? 8787);
const sidecarPort = Number(process.env.SIDECAR_PORT ?? 8788);
const host = "127.0.0.1";
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const children: ChildProcess[] = [];
const started = performance.now();

function log(message: string): void {
  console.log(`[start ${((performance.now() - started) / 1000).toFixed(1)}s] ${message}`);
}

function run(command: string, args: string[], what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit", env: quietEnv });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed (exit ${code})`))));
  });
}

function startService(command: string, args: string[], env: NodeJS.ProcessEnv, name: string): ChildProcess {
  const child = spawn(command, args, { cwd: root, stdio: "inherit", env, detached: true });
  children.push(child);
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal ?? `code ${code}`}); stopping everything`);
      stop(1);
    }
  });
  return child;
}

let stopping = false;
function stop(code: number): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    if (child.pid && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        child.kill("SIGTERM");
      }
    }
  }
  setTimeout(() => process.exit(code), 1500).unref();
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

async function waitFor(url: string, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (stopping) throw new Error(`${what} stopped while starting`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not become healthy at ${url} within ${timeoutMs / 1000}s`);
}

function readDevVars(): Record<string, string> {
  if (!existsSync(devVarsPath)) {
    const token = randomBytes(24).toString("hex");
    writeFileSync(
      devVarsPath,
      [
        "# Local secrets for wrangler dev (written by npm start; not committed).",
        `ADMIN_TOKEN=${token}`,
        "",
      ].join("\n"),
    );
    log("wrote .dev.vars (a fresh local ADMIN_TOKEN)");
  }
  const vars: Record<string, string> = {};
  for (const line of readFileSync(devVarsPath, "utf8").split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (match) vars[match[1]!] = match[2]!.replace(/^"(.*)"$/, "$1");
  }
  return vars;
}

async function publishKv(manifest: ModelManifest): Promise<void> {
  const bulkPath = join(artifactsDir, manifest.files.kvBulk);
  const digest = createHash("sha256").update(readFileSync(bulkPath)).digest("hex");
  const published = existsSync(publishedMarker) ? JSON.parse(readFileSync(publishedMarker, "utf8")) : null;
  if (published?.modelVersion === manifest.modelVersion && published?.digest === digest) {
    log(`local KV already holds ${manifest.modelVersion}`);
    return;
  }
  log(`publishing ${manifest.files.kvBulk} to local KV (wrangler kv bulk put --local)`);
  await run(bin("wrangler"), ["kv", "bulk", "put", bulkPath, "--binding", "KV", "--local"], "KV publish");
  mkdirSync(dirname(publishedMarker), { recursive: true });
  writeFileSync(publishedMarker, JSON.stringify({ modelVersion: manifest.modelVersion, digest, at: new Date().toISOString() }));
}

async function admin(path: string, token: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(`http://${host}:${port}/v1/admin${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(`admin ${init.method ?? "GET"} ${path} → ${response.status} ${JSON.stringify(body)}`);
  return body;
}

async function seedVectorIndex(manifest: ModelManifest, token: string): Promise<void> {
  const info = (await admin("/index", token)) as { version?: string | null; vectorCount: number };
  if (info.version === manifest.modelVersion) {
    log(`embedded vector index already holds ${manifest.modelVersion} (${info.vectorCount} vectors)`);
    return;
  }
  log(`loading ${manifest.counts.items} item vectors into the embedded vector index`);
  await admin("/index", token, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      dimensions: manifest.dimensions,
      metric: manifest.metric,
      metadata_indexes: ITEM_METADATA_INDEXES,
    }),
  });
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await admin("/index/vectors", token, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body: batch.join("\n"),
    });
    batch = [];
  };
  const lines = createInterface({ input: createReadStream(join(artifactsDir, manifest.files.vectors)) });
  for await (const line of lines) {
    if (!line.trim()) continue;
    batch.push(line);
    if (batch.length === 1000) await flush();
  }
  await flush();
  await admin("/index/version", token, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ version: manifest.modelVersion }),
  });
}

function demoUser(manifest: ModelManifest): string {
  const bulk = JSON.parse(readFileSync(join(artifactsDir, manifest.files.kvBulk), "utf8")) as { key: string }[];
  const users = bulk.filter((entry) => entry.key.startsWith("user:")).map((entry) => entry.key.slice(5));
  return users[Math.min(41, users.length - 1)] ?? "u00001";
}

async function main(): Promise<void> {
  if (!existsSync(join(dataDir, "dataset.json"))) {
    log("generating the demo data set (data/demo)");
    await run(bin("tsx"), ["pipeline/cli.ts", "generate", "--out", dataDir], "demo data generation");
  } else log("demo data present (data/demo)");

  const builtFor = existsSync(join(artifactsDir, "manifest.json"))
    ? (JSON.parse(readFileSync(join(artifactsDir, "manifest.json"), "utf8")) as ModelManifest).featureSpecHash
    : null;
  if (builtFor !== FEATURE_SPEC.hash) {
    log(
      builtFor === null
        ? "training and exporting artifacts (artifacts/demo)"
        : `artifacts/demo was built for feature spec ${builtFor}, this code builds ${FEATURE_SPEC.hash}: training again`,
    );
    await run(bin("tsx"), ["pipeline/cli.ts", "train", "--data", dataDir, "--out", artifactsDir], "training");
  } else log("artifacts present (artifacts/demo)");
  const manifest = JSON.parse(readFileSync(join(artifactsDir, "manifest.json"), "utf8")) as ModelManifest;

  const vars = readDevVars();
  const token = vars.ADMIN_TOKEN;
  if (!token) throw new Error(".dev.vars has no ADMIN_TOKEN; delete the file to have it written again");
  await publishKv(manifest);

  log(`starting the ranking sidecar on ${host}:${sidecarPort}`);
  startService(bin("tsx"), ["gpu-sidecar/main.ts"], {
    ...quietEnv,
    SIDECAR_HOST: host,
    SIDECAR_PORT: String(sidecarPort),
    SIDECAR_MODEL_DIR: artifactsDir,
  }, "sidecar");
  log(`starting wrangler dev on ${host}:${port}`);
  // Local overrides of wrangler.toml [vars]: the embedded index (Vectorize cannot run locally) and this sidecar.
  const devVars = [`VECTOR_INDEX_BACKEND:embedded`, `RANKER_URL:http://${host}:${sidecarPort}`].flatMap((v) => ["--var", v]);
  startService(
    bin("wrangler"),
    ["dev", "--ip", host, "--port", String(port), "--show-interactive-dev-session=false", ...devVars],
    quietEnv,
    "wrangler dev",
  );

  await Promise.all([
    waitFor(`http://${host}:${sidecarPort}/healthz`, "sidecar", 60_000),
    waitFor(`http://${host}:${port}/healthz`, "wrangler dev", 120_000),
  ]);
  await seedVectorIndex(manifest, token);

  const user = demoUser(manifest);
  const base = `http://${host}:${port}`;
  log(`ready: model ${manifest.modelVersion}, ${manifest.counts.items} items, ${manifest.counts.users} users`);
  console.log(`
  Try it (Ctrl-C stops everything):

    curl '${base}/v1/recommendations?user_id=${user}&n=10'
    curl '${base}/v1/recommendations?user_id=new-visitor-1&n=10'
    curl '${base}/v1/trending?n=5'
    curl -X POST ${base}/v1/events -H 'content-type: application/json' \\
      -d '{"event_id":"demo-${Date.now()}","user_id":"${user}","item_id":"i00001","type":"click"}'
    curl -H "authorization: Bearer $(grep ADMIN_TOKEN .dev.vars | cut -d= -f2)" ${base}/v1/admin/users/${user}/session
`);
}

main().catch((error: unknown) => {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  stop(1);
  setTimeout(() => process.exit(1), 2000).unref();
});
