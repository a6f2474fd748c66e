/**
 * Runs the whole system locally on the built-in demo data (what `npm start` does):
 *
 * 1. generates the demo data set (deterministic) unless `data/demo` exists;
 * 2. trains and exports artifacts unless `artifacts/demo` holds them;
 * 3. writes `.dev.vars` with fresh random ADMIN_TOKEN, RANKER_TOKEN and USER_TOKEN_SECRET, or
 *    appends whichever of them an older file lacks (existing values are never rewritten);
 * 4. (after wrangler dev is up) publishes the demo artifacts as a release when it is not the one
 *    serving: KV records and item vectors through the Worker's admin API, then the pointer flip;
 * 5. builds the operator console into build/assets (scripts/build-console.ts; served at /console/),
 *    starts the ranking sidecar (SIDECAR_AUTH_TOKEN = RANKER_TOKEN) and `wrangler dev`, both on
 *    127.0.0.1. The sidecar is supervised: if it crashes or is killed it is restarted with
 *    exponential backoff (0.5 s doubling to 10 s, reset after 60 s up; `process-supervisor.ts`),
 *    each exit and restart logged, its pid kept in `.wrangler/state/sidecar.pid`; meanwhile the
 *    Worker serves with its light ranker (circuit breaker) and returns to the sidecar after the
 *    breaker's probe. `wrangler dev` exiting stops everything (it reloads code by itself; an exit
 *    means something a restart would not fix);
 * 6. warms what the first requests would pay for (the release's KV records and index object, the
 *    sidecar's model, the code paths of each route) with a few requests of its own;
 * 7. prints example requests with a real demo user (credentials read from .dev.vars by the shell,
 *    never printed), and stops everything on Ctrl-C, a sidecar waiting to restart included.
 *
 * A second run reuses every step's output. Ports: PORT (8787), SIDECAR_PORT (8788).
 *
 * `npm start -- --serving-config config/serving-config.example.json` serves with that SERVING_CONFIG
 * (surfaces, re-ranking rules, experiments; validated before wrangler starts): wrangler.toml declares
 * the Worker's secrets, so wrangler reads only those from .dev.vars, and a SERVING_CONFIG put there is
 * ignored. SERVING_CONFIG_FILE in the environment does the same.
 *
 * `npm start -- --inspect` keeps wrangler's DevTools relay on (attach Chrome DevTools to the
 * inspector wrangler prints, 127.0.0.1:9229 by default); by default it is off, see {@link wranglerEnv}.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ModelManifest } from "../shared/artifacts/model-manifest";
import { FEATURE_SPEC } from "../shared/features/feature-spec";
import { parseServingConfig } from "../shared/serving/serving-config";
import { DEFAULT_RELEASES_DIR } from "../pipeline/commands/run-release";
import { publishRelease } from "../pipeline/release/publish-release";
import { ReleaseClient } from "../pipeline/release/release-client";
import { buildConsole } from "./build-console";
import { completeDevVars } from "./dev-vars";
import { describeSupervisorEvent, superviseProcess, type ChildExit, type SupervisedChild, type Supervisor } from "./process-supervisor";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = join(root, "data", "demo");
const artifactsDir = join(root, "artifacts", "demo");
const releasesDir = join(root, DEFAULT_RELEASES_DIR);
const devVarsPath = join(root, ".dev.vars");
/** Where the running sidecar's pid is kept (absent while it is down), for tools such as `npm run bench -- sidecar-outage`. */
const sidecarPidFile = join(root, ".wrangler", "state", "sidecar.pid");
const port = Number(process.env.PORT ?? 8787);
const sidecarPort = Number(process.env.SIDECAR_PORT ?? 8788);
const host = "127.0.0.1";
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const quietEnv = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
const { values: flags } = parseArgs({
  options: { inspect: { type: "boolean", default: false }, "serving-config": { type: "string" } },
});
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

/**
 * Spawns a service in its own process group (so Ctrl-C in the terminal reaches only this script,
 * which then stops each group in order) and adapts it for the supervisor.
 */
function spawnService(command: string, args: string[], env: NodeJS.ProcessEnv): SupervisedChild & { child: ChildProcess } {
  const child = spawn(command, args, { cwd: root, stdio: "inherit", env, detached: true });
  const exited = new Promise<ChildExit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
    child.once("error", (error) => {
      if (child.pid === undefined) resolve({ code: null, signal: null, error: error.message });
    });
  });
  const kill = (signal: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  };
  return { child, pid: child.pid, kill, exited };
}

let sidecar: Supervisor | undefined;
let wrangler: (SupervisedChild & { child: ChildProcess }) | undefined;
let stopping = false;

/**
 * How long Ctrl-C lets wrangler dev run on so the event queue delivers what it holds: the local
 * queue lives in wrangler's memory, and its consumer waits up to max_batch_timeout (5 s,
 * wrangler.toml) before writing a batch to the lake (docs/data-loop.md).
 */
const QUEUE_DRAIN_MS = 6_000;

/**
 * Stops the sidecar (cancelling a pending restart) and wrangler dev, then exits with `code`. With
 * `drain`, wrangler dev first gets {@link QUEUE_DRAIN_MS} to deliver queued events (a second Ctrl-C
 * stops at once).
 */
function stop(code: number, drain = false): void {
  if (stopping) {
    if (drain) process.exit(code);
    return;
  }
  stopping = true;
  const drainMs = drain && wrangler ? QUEUE_DRAIN_MS : 0;
  if (drainMs > 0)
    console.log(`[start] stopping: letting the event queue deliver what it holds (${drainMs / 1000} s; Ctrl-C again stops now)`);
  setTimeout(() => process.exit(code), drainMs + 8000).unref();
  const stopWrangler = async () => {
    if (!wrangler) return;
    await new Promise((resolve) => setTimeout(resolve, drainMs));
    const { exited } = wrangler;
    wrangler.kill("SIGTERM");
    const timer = setTimeout(() => wrangler?.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  void Promise.allSettled([sidecar?.stop(), stopWrangler()]).then(() => {
    rmSync(sidecarPidFile, { force: true });
    process.exit(code);
  });
}
process.on("SIGINT", () => stop(0, true));
process.on("SIGTERM", () => stop(0, true));

function startSidecar(ranker: string): Supervisor {
  const env = {
    ...quietEnv,
    SIDECAR_HOST: host,
    SIDECAR_PORT: String(sidecarPort),
    SIDECAR_MODEL_DIR: artifactsDir,
    // Releases the edge may ask for by model version (pipeline release publish keeps them here).
    SIDECAR_RELEASES_DIR: releasesDir,
    SIDECAR_AUTH_TOKEN: ranker,
  };
  // `node --import tsx` rather than the tsx CLI: the pid is then the sidecar itself, not a wrapper
  // whose death would leave an orphan holding the port.
  return superviseProcess({
    start: () => spawnService(process.execPath, ["--import", "tsx", "gpu-sidecar/main.ts"], env),
    onEvent: (event) => {
      if (event.type === "stopped") return;
      log(describeSupervisorEvent("sidecar", event));
      if (event.type === "started" && event.pid !== undefined) {
        mkdirSync(dirname(sidecarPidFile), { recursive: true });
        writeFileSync(sidecarPidFile, `${event.pid}\n`);
      }
      if (event.type === "exited") rmSync(sidecarPidFile, { force: true });
    },
  });
}

/**
 * The environment `wrangler dev` runs in. Without `--inspect`, wrangler's DevTools relay is off:
 * wrangler dev attaches to the runtime's inspector and enables its Network domain, and its proxy
 * forwards every inspector message to wrangler's Node process as an HTTP request — four or more
 * for each outbound fetch the Worker makes (the sidecar call of every recommendation), whether or
 * not DevTools is open, and buffers them until one is. Measured with `npm run bench --
 * request-cost` (docs/architecture.md "Request cost"): ~2 ms of Node and ~1 ms of proxy CPU per
 * recommendation, and the proxy's memory growth under load. None of it exists in production.
 * wrangler 4.86 has no flag for this; its own switch is the VS Code debug-terminal check
 * (`VSCODE_INSPECTOR_OPTIONS` set: no inspector proxy, no DevTools hotkey), which changes nothing
 * else here (miniflare reads the variable's value only to start VS Code's debug watchdog, and only
 * when NODE_OPTIONS loads VS Code's bootloader). Worker logs still reach the terminal, through the
 * runtime's stdout.
 */
function wranglerEnv(inspect: boolean): NodeJS.ProcessEnv {
  return inspect ? quietEnv : { ...quietEnv, VSCODE_INSPECTOR_OPTIONS: "{}" };
}

function startWrangler(): void {
  // Local overrides of wrangler.toml [vars]: the embedded index (Vectorize cannot run locally) and this sidecar.
  // Secrets (ADMIN_TOKEN, RANKER_TOKEN, USER_TOKEN_SECRET) come from .dev.vars.
  const devVars = [`VECTOR_INDEX_BACKEND:embedded`, `RANKER_URL:http://${host}:${sidecarPort}`, ...servingConfigVar()].flatMap((v) => [
    "--var",
    v,
  ]);
  wrangler = spawnService(
    bin("wrangler"),
    ["dev", "--ip", host, "--port", String(port), "--show-interactive-dev-session=false", ...devVars],
    wranglerEnv(flags.inspect),
  );
  void wrangler.exited.then(({ code, signal, error }) => {
    if (stopping) return;
    console.error(`[start] wrangler dev exited (${error ?? signal ?? `code ${code}`}); stopping everything`);
    stop(1);
  });
}

/**
 * `SERVING_CONFIG:<json>` from `--serving-config <file>` (or SERVING_CONFIG_FILE), checked here so a
 * mistake stops `npm start` with the problems listed instead of failing every request.
 */
function servingConfigVar(): string[] {
  const file = flags["serving-config"] ?? process.env.SERVING_CONFIG_FILE;
  if (!file) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`--serving-config ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  parseServingConfig(raw);
  log(`serving with SERVING_CONFIG from ${file}`);
  return [`SERVING_CONFIG:${JSON.stringify(raw)}`];
}

/**
 * A few requests of our own before "ready", so the first ones a person sends do not pay for loading
 * the release's records and index, compiling each route's code and the sidecar's first batch
 * (~170 ms for the first recommendation otherwise, a few ms after). Failures are only logged.
 */
async function warmUp(base: string, token: string, users: string[]): Promise<void> {
  const headers = { authorization: `Bearer ${token}` };
  const started = Date.now();
  let requests = 0;
  const get = async (path: string): Promise<unknown> => {
    requests++;
    try {
      const response = await fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(10_000) });
      return await response.json();
    } catch (error) {
      log(`warm-up request ${path} failed: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  };
  for (const user of users) {
    const list = (await get(`/v1/recommendations?user_id=${user}&n=10`)) as { items?: { item_id: string }[] } | null;
    const item = list?.items?.[0]?.item_id;
    if (item) {
      await get(`/v1/recommendations?user_id=${user}&n=10&surface=more_like_this&item_id=${item}`);
      await get(`/v1/items/${item}/similar?n=5`);
    }
  }
  await get("/v1/trending?n=10");
  log(`warmed up (${requests} requests, ${Date.now() - started} ms)`);
}

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

/** `.dev.vars` with every secret npm start needs (written or completed; values are never logged). */
function readDevVars(): Record<string, string> {
  const existing = existsSync(devVarsPath) ? readFileSync(devVarsPath, "utf8") : undefined;
  const { text, vars, added } = completeDevVars(existing);
  if (added.length > 0) {
    writeFileSync(devVarsPath, text, { mode: 0o600 });
    log(`${existing === undefined ? "wrote" : "added to"} .dev.vars: fresh local ${added.join(", ")}`);
  }
  return vars;
}

/**
 * Publishes the demo artifacts as a release through the Worker's admin API (the same code as
 * `npm run pipeline -- release publish --local`) unless that release already serves: its KV records
 * under `rel/<id>/`, its item vectors in its own embedded index, then the pointer flip.
 */
async function publishDemoRelease(manifest: ModelManifest, token: string): Promise<void> {
  const client = new ReleaseClient({ url: `http://${host}:${port}`, key: token });
  const { pointer } = await client.list();
  if (pointer?.current === manifest.modelVersion) {
    log(`release ${manifest.modelVersion} already serves`);
    return;
  }
  log(`publishing ${manifest.modelVersion} as a release (KV records, item vectors, pointer)`);
  await publishRelease({ from: artifactsDir, releasesDir, client, mode: { kind: "activate" }, log: (line) => log(line) });
}

/** A trained demo user: the `index`-th (41st: the one the README's examples use) of the artifacts. */
function demoUser(manifest: ModelManifest, index = 41): string {
  const bulk = JSON.parse(readFileSync(join(artifactsDir, manifest.files.kvBulk), "utf8")) as { key: string }[];
  const users = bulk.filter((entry) => entry.key.startsWith("user:")).map((entry) => entry.key.slice(5));
  return users[Math.min(index, users.length - 1)] ?? "u00001";
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
  const rankerToken = vars.RANKER_TOKEN;
  if (!token || !rankerToken) throw new Error(".dev.vars has no ADMIN_TOKEN or RANKER_TOKEN; delete the file to have it written again");

  const consoleBuild = await buildConsole();
  log(`built the operator console (${consoleBuild.files.length} files in build/assets; served at /console/)`);

  log(`starting the ranking sidecar on ${host}:${sidecarPort} (supervised; pid in ${sidecarPidFile.slice(root.length + 1)})`);
  sidecar = startSidecar(rankerToken);
  log(
    `starting wrangler dev on ${host}:${port}${flags.inspect ? " with its DevTools inspector" : " (DevTools relay off; npm start -- --inspect turns it on)"}`,
  );
  startWrangler();

  await Promise.all([
    waitFor(`http://${host}:${sidecarPort}/healthz`, "sidecar", 60_000),
    waitFor(`http://${host}:${port}/healthz`, "wrangler dev", 120_000),
  ]);
  await publishDemoRelease(manifest, token);

  const user = demoUser(manifest);
  const base = `http://${host}:${port}`;
  // Another trained user and a stranger: the printed examples' user is not warmed (its own record is
  // read on its first request, as any user's is), everything shared is.
  await warmUp(base, token, [demoUser(manifest, 7), "warm-up-stranger"]);
  log(`ready: model ${manifest.modelVersion}, ${manifest.counts.items} items, ${manifest.counts.users} users`);
  console.log(`
  Try it (Ctrl-C stops everything). Every route but /healthz needs a credential; these read
  them from .dev.vars (run from ${root}):

    # the admin key: every scope, acts for any user
    export ADMIN_KEY=$(grep ^ADMIN_TOKEN= .dev.vars | cut -d= -f2)
    curl -H "authorization: Bearer $ADMIN_KEY" '${base}/v1/recommendations?user_id=${user}&n=10'
    curl -H "authorization: Bearer $ADMIN_KEY" '${base}/v1/recommendations?user_id=new-visitor-1&n=10'
    curl -H "authorization: Bearer $ADMIN_KEY" '${base}/v1/trending?n=5'

    # a user token (HS256 JWT, 1 hour) acts for its user only
    export USER_TOKEN=$(npm run -s token -- --user ${user})
    curl -H "authorization: Bearer $USER_TOKEN" '${base}/v1/recommendations?user_id=${user}&n=10'
    curl -X POST ${base}/v1/events -H "authorization: Bearer $USER_TOKEN" -H 'content-type: application/json' \\
      -d '{"event_id":"demo-${Date.now()}","user_id":"${user}","item_id":"i00001","type":"click"}'

    # a server key for your backend (the answer holds the key, shown once)
    curl -X POST ${base}/v1/admin/keys -H "authorization: Bearer $ADMIN_KEY" -H 'content-type: application/json' \\
      -d '{"name":"my-backend","scopes":["recommendations:read","events:write"]}'

    curl -H "authorization: Bearer $ADMIN_KEY" ${base}/v1/admin/users/${user}/session

    # the operator console: sign in with the admin key (grep ^ADMIN_TOKEN= .dev.vars)
    ${base}/console/
`);
}

main().catch((error: unknown) => {
  console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
  stop(1);
});
