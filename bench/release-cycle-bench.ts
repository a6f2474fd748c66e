/**
 * The loop closed, measured against a running `npm start` (loopback only): events for users the
 * serving release has never seen are posted, reach the lake, and `npm run pipeline -- retrain
 * --local --force` trains on them and publishes a new release; then `release rollback --local`
 * returns to the previous one. Throughout, a request loop asks for recommendations (demo users and
 * the new ones) and counts every answer that is not a 200, and which release each came from.
 *
 * Reports: how long the retrain and the rollback commands took, when `/healthz` named the new
 * release (seen from the loop: the first response served by it), failed requests (target 0), and
 * whether the new users get trained vectors from the new release (`user_vector.source`).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Options of {@link runReleaseCycleBench}. */
export interface ReleaseCycleBenchOptions {
  url: string;
  key: string;
  /** Trained demo users the loop asks for. */
  users: string[];
  /** Catalogue items the new users' events refer to. */
  items: string[];
  /** New users (never in a release) and events each. */
  newUsers: number;
  eventsPerUser: number;
  /** Concurrent requests in the loop. */
  concurrency: number;
  /** How long to wait for the event queue to deliver to the lake before retraining. */
  lakeWaitSeconds: number;
}

/** What the benchmark measured. */
export interface ReleaseCycleBenchResult {
  before: string | null;
  retrained: string | null;
  rolled_back_to: string | null;
  retrain_seconds: number;
  rollback_seconds: number;
  /** From the retrain command's start, the first loop response served by the new release; from the rollback's start, the first served by the old one again. */
  retrain_flip_seen_at_seconds: number | null;
  rollback_flip_seen_at_seconds: number | null;
  requests: number;
  failed_requests: number;
  failures: Record<string, number>;
  responses_by_release: Record<string, number>;
  /** The new users' `user_vector.source` under the retrained release (before: under the old one). */
  new_users_before: Record<string, number>;
  new_users_after: Record<string, number>;
}

interface RecommendationBody {
  model_version?: string;
  user_vector?: { source: string | null };
}

/** Runs `npm run pipeline -- <args>` from the repository; resolves with its exit code and last lines. */
function pipeline(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; tail: string }> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "-s", "pipeline", "--", ...args], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.once("exit", (code) => resolve({ code, tail: output }));
  });
}

/** Posts events for new users, retrains and rolls back under a request loop; see the module comment. */
export async function runReleaseCycleBench(options: ReleaseCycleBenchOptions): Promise<ReleaseCycleBenchResult> {
  const headers = { authorization: `Bearer ${options.key}` };
  const run = Date.now().toString(36);
  const newUsers = Array.from({ length: options.newUsers }, (_, u) => `cycle-${run}-u${u}`);
  const current = async () => ((await (await fetch(`${options.url}/healthz`)).json()) as { model_version?: string }).model_version ?? null;
  const recommend = async (user: string) => {
    const response = await fetch(`${options.url}/v1/recommendations?user_id=${encodeURIComponent(user)}&n=10`, { headers });
    return { status: response.status, body: (await response.json().catch(() => null)) as RecommendationBody | null };
  };
  const sources = async () => {
    const counts: Record<string, number> = {};
    for (const user of newUsers) {
      const { body } = await recommend(user);
      const source = body?.user_vector?.source ?? "none";
      counts[source] = (counts[source] ?? 0) + 1;
    }
    return counts;
  };

  // Events for users no release knows: each likes a run of items of one region of the catalogue.
  for (const [u, user] of newUsers.entries()) {
    const events = Array.from({ length: options.eventsPerUser }, (_, e) => ({
      event_id: `cycle-${run}-${u}-${e}`,
      user_id: user,
      item_id: options.items[(u * 37 + e * 3) % options.items.length]!,
      type: e % 3 === 0 ? "like" : "click",
      ts: Date.now() - (options.eventsPerUser - e) * 1000,
    }));
    const response = await fetch(`${options.url}/v1/events`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ events }),
    });
    if (!response.ok) throw new Error(`events for ${user}: HTTP ${response.status} ${await response.text()}`);
  }
  await new Promise((resolve) => setTimeout(resolve, options.lakeWaitSeconds * 1000));
  const before = await current();
  const newUsersBefore = await sources();

  // The request loop.
  let stop = false;
  let requests = 0;
  const failures: Record<string, number> = {};
  const byRelease: Record<string, number> = {};
  const served: { at: number; version: string }[] = [];
  const pool = [...options.users, ...newUsers];
  const loop = async (worker: number) => {
    for (let i = worker; !stop; i += options.concurrency) {
      try {
        const { status, body } = await recommend(pool[i % pool.length]!);
        requests++;
        if (status !== 200) failures[`http_${status}`] = (failures[`http_${status}`] ?? 0) + 1;
        const version = body?.model_version ?? "none";
        byRelease[version] = (byRelease[version] ?? 0) + 1;
        served.push({ at: performance.now(), version });
      } catch (error) {
        requests++;
        const code = error instanceof Error ? error.message : "error";
        failures[code] = (failures[code] ?? 0) + 1;
      }
    }
  };
  const loops = Promise.all(Array.from({ length: options.concurrency }, (_, worker) => loop(worker)));

  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
  const retrainStarted = performance.now();
  const retrain = await pipeline(["retrain", "--local", "--force"], env);
  const retrainEnded = performance.now();
  if (retrain.code !== 0) {
    stop = true;
    await loops;
    throw new Error(`retrain exited with ${retrain.code}:\n${retrain.tail}`);
  }
  const retrained = await current();
  await new Promise((resolve) => setTimeout(resolve, 6000)); // past the isolates' 5 s pointer cache
  const newUsersAfter = await sources();

  const rollbackStarted = performance.now();
  const rollback = await pipeline(["release", "rollback", "--local"], env);
  const rollbackEnded = performance.now();
  const rolledBackTo = await current();
  await new Promise((resolve) => setTimeout(resolve, 6000));
  stop = true;
  await loops;
  if (rollback.code !== 0) throw new Error(`rollback exited with ${rollback.code}:\n${rollback.tail}`);

  const firstServed = (version: string | null, from: number) => {
    const hit = served.find((response) => response.version === version && response.at >= from);
    return hit ? Math.round((hit.at - from) / 10) / 100 : null;
  };
  return {
    before,
    retrained,
    rolled_back_to: rolledBackTo,
    retrain_seconds: Math.round((retrainEnded - retrainStarted) / 100) / 10,
    rollback_seconds: Math.round((rollbackEnded - rollbackStarted) / 100) / 10,
    retrain_flip_seen_at_seconds: firstServed(retrained, retrainStarted),
    rollback_flip_seen_at_seconds: firstServed(rolledBackTo, rollbackStarted),
    requests,
    failed_requests: Object.values(failures).reduce((sum, count) => sum + count, 0),
    failures,
    responses_by_release: byRelease,
    new_users_before: newUsersBefore,
    new_users_after: newUsersAfter,
  };
}
