/**
 * What users see when the ranking sidecar dies (`npm run bench -- sidecar-outage`), against a
 * running `npm start`, loopback only: a bounded closed-loop load on `GET /v1/recommendations`
 * (demo users, `concurrency` clients, `seconds` long), and after `killAfterSeconds` the sidecar
 * process (its pid from `.wrangler/state/sidecar.pid`, written by npm start's supervisor) is sent
 * SIGKILL. Reports how many requests failed (non-200 or network error), which ranker served them
 * (the response's `ranker`), how long until the sidecar's `/healthz` answered again (the
 * supervisor's restart) and how long until the Worker's responses said `ranker: "sidecar"` again
 * (its circuit breaker's probe), plus a per-second timeline. It stops by itself after `seconds`.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { summarizeLatencies, type LatencySummary } from "./latency-summary";

/** Options of {@link runSidecarOutageBench}. */
export interface SidecarOutageBenchOptions {
  /** Base URL of the Worker (loopback only). */
  url: string;
  /** Base URL of the sidecar, for its `/healthz` (loopback only). */
  sidecarUrl: string;
  /** Credential sent to the Worker as `Authorization: Bearer <key>`; must act for every user in `users`. */
  key: string;
  /** Users to cycle through. */
  users: string[];
  concurrency: number;
  /** Length of the whole run, in seconds. */
  seconds: number;
  /** When to kill the sidecar, in seconds from the start. */
  killAfterSeconds: number;
  /** Items per response. */
  n: number;
  /** The file holding the sidecar's pid. */
  pidFile: string;
  /** Progress lines (default stderr). */
  log?: (line: string) => void;
}

/** Defaults of the CLI. */
export const SIDECAR_OUTAGE_BENCH_DEFAULTS = {
  url: "http://127.0.0.1:8787",
  sidecarUrl: "http://127.0.0.1:8788",
  concurrency: 4,
  seconds: 40,
  killAfterSeconds: 5,
  n: 10,
  pidFile: fileURLToPath(new URL("../.wrangler/state/sidecar.pid", import.meta.url)),
} as const satisfies Partial<SidecarOutageBenchOptions>;

/** One request of the run; times in seconds from the start. */
export interface OutageSample {
  sentAt: number;
  doneAt: number;
  /** HTTP status, or `null` for a network error or timeout. */
  status: number | null;
  /** The response's `ranker` (200 answers only). */
  ranker?: string;
}

/** One second of the timeline. */
export interface OutageSecond {
  second: number;
  requests: number;
  failed: number;
  rankers: Record<string, number>;
}

/** What the benchmark measured. */
export interface SidecarOutageResult {
  seconds: number;
  concurrency: number;
  users: number;
  total_requests: number;
  /** Non-200 answers and network errors. */
  failed_requests: number;
  /** Failures by HTTP status (`network` for no answer). */
  failures: Record<string, number>;
  /** 200 answers by the ranker that served them. */
  rankers: Record<string, number>;
  latency: LatencySummary;
  /** When the sidecar was killed, seconds from the start, and its pid. */
  killed_at_s: number;
  killed_pid: number;
  /** The pid of the sidecar serving at the end (from the pid file), or `null`. */
  restarted_pid: number | null;
  /** From the kill until the sidecar's /healthz answered 200 again, or `null` if it did not within the run. */
  seconds_until_sidecar_healthy: number | null;
  /** From the kill until the first answer with `ranker: "sidecar"` to a request sent after the kill, or `null`. */
  seconds_until_worker_ranks_with_sidecar: number | null;
  /** Requests, failures and rankers per second of the run. */
  timeline: OutageSecond[];
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * Counts a run's samples around a kill at `killedAt` (pure; the oracle of the unit tests).
 *
 * @example
 * summarizeOutage([{ sentAt: 0.1, doneAt: 0.2, status: 200, ranker: "sidecar" }], 5);
 * // { total_requests: 1, failed_requests: 0, failures: {}, rankers: { sidecar: 1 }, seconds_until_worker_ranks_with_sidecar: null, timeline: [...] }
 */
export function summarizeOutage(samples: readonly OutageSample[], killedAt: number) {
  const failures: Record<string, number> = {};
  const rankers: Record<string, number> = {};
  const timeline: OutageSecond[] = [];
  let backAt: number | null = null;
  for (const sample of samples) {
    const second = Math.floor(sample.doneAt);
    while (timeline.length <= second) timeline.push({ second: timeline.length, requests: 0, failed: 0, rankers: {} });
    const slot = timeline[second]!;
    slot.requests++;
    if (sample.status !== 200) {
      const key = sample.status === null ? "network" : String(sample.status);
      failures[key] = (failures[key] ?? 0) + 1;
      slot.failed++;
      continue;
    }
    const ranker = sample.ranker ?? "unknown";
    rankers[ranker] = (rankers[ranker] ?? 0) + 1;
    slot.rankers[ranker] = (slot.rankers[ranker] ?? 0) + 1;
    if (ranker === "sidecar" && sample.sentAt >= killedAt && (backAt === null || sample.doneAt < backAt)) backAt = sample.doneAt;
  }
  const failed = Object.values(failures).reduce((sum, n) => sum + n, 0);
  return {
    total_requests: samples.length,
    failed_requests: failed,
    failures,
    rankers,
    seconds_until_worker_ranks_with_sidecar: backAt === null ? null : round(backAt - killedAt),
    timeline,
  };
}

/** Runs the benchmark; see the file header. */
export async function runSidecarOutageBench(options: SidecarOutageBenchOptions): Promise<SidecarOutageResult> {
  const { log } = { log: (line: string) => process.stderr.write(`${line}\n`), ...options };
  const base = new URL(options.url);
  const sidecarBase = new URL(options.sidecarUrl);
  for (const url of [base, sidecarBase]) {
    if (!LOOPBACK.has(url.hostname)) throw new Error(`refusing to load ${url.hostname}: benchmarks target loopback only`);
  }
  if (options.killAfterSeconds >= options.seconds) throw new Error("--kill-after-seconds must be shorter than --seconds");
  if (options.users.length === 0) throw new Error("no users to request recommendations for");
  if (!(await sidecarHealthy(sidecarBase)))
    throw new Error(`the sidecar does not answer ${new URL("/healthz", sidecarBase)}: is npm start running?`);
  const pid = readPid(options.pidFile);
  if (pid === null || !alive(pid)) throw new Error(`no running sidecar pid in ${options.pidFile}: start the system with npm start`);

  const started = performance.now();
  const clock = () => (performance.now() - started) / 1000;
  const deadline = options.seconds;
  const samples: OutageSample[] = [];
  const latencies: number[] = [];
  let next = 0;

  const client = async () => {
    while (clock() < deadline) {
      const user = options.users[next++ % options.users.length]!;
      const sentAt = clock();
      let status: number | null = null;
      let ranker: string | undefined;
      try {
        const response = await fetch(new URL(`/v1/recommendations?user_id=${encodeURIComponent(user)}&n=${options.n}`, base), {
          headers: { authorization: `Bearer ${options.key}` },
          signal: AbortSignal.timeout(10_000),
        });
        const body = (await response.json().catch(() => null)) as { ranker?: string } | null;
        status = response.status;
        ranker = body?.ranker;
      } catch {
        status = null;
      }
      const doneAt = clock();
      latencies.push((doneAt - sentAt) * 1000);
      samples.push(status === 200 ? { sentAt, doneAt, status, ranker } : { sentAt, doneAt, status });
    }
  };

  const outage = async () => {
    await sleep((options.killAfterSeconds - clock()) * 1000);
    const victim = readPid(options.pidFile) ?? pid;
    const killedAt = clock();
    log(`[${killedAt.toFixed(1)}s] SIGKILL to the sidecar (pid ${victim})`);
    process.kill(victim, "SIGKILL");
    while (alive(victim) && clock() < deadline) await sleep(10);
    let healthyAt: number | null = null;
    while (clock() < deadline) {
      if (await sidecarHealthy(sidecarBase)) {
        healthyAt = clock();
        log(`[${healthyAt.toFixed(1)}s] the sidecar answers /healthz again (pid ${readPid(options.pidFile) ?? "?"})`);
        break;
      }
      await sleep(100);
    }
    return { killedAt, victim, healthyAt };
  };

  const [{ killedAt, victim, healthyAt }] = await Promise.all([outage(), ...Array.from({ length: options.concurrency }, client)]);
  const summary = summarizeOutage(samples, killedAt);
  return {
    seconds: round(clock()),
    concurrency: options.concurrency,
    users: Math.min(options.users.length, next),
    total_requests: summary.total_requests,
    failed_requests: summary.failed_requests,
    failures: summary.failures,
    rankers: summary.rankers,
    latency: summarizeLatencies(latencies),
    killed_at_s: round(killedAt),
    killed_pid: victim,
    restarted_pid: readPid(options.pidFile),
    seconds_until_sidecar_healthy: healthyAt === null ? null : round(healthyAt - killedAt),
    seconds_until_worker_ranks_with_sidecar: summary.seconds_until_worker_ranks_with_sidecar,
    timeline: summary.timeline,
  };
}

async function sidecarHealthy(base: URL): Promise<boolean> {
  try {
    const response = await fetch(new URL("/healthz", base), { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

function readPid(file: string): number | null {
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
