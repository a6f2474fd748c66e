/**
 * Latency of `GET /v1/recommendations` against a running local system (`npm start`), over
 * loopback only, with a bounded number of requests and a time limit. Reports client-side
 * percentiles, the Worker's own per-stage timings (medians) and which ranker served — overall and
 * split by whether the request was the user's first of the run: a first request creates or wakes
 * the user's session object (locally a SQLite file of its own; on Cloudflare a cold Durable
 * Object), which dominates its session read, while returning users hit a warm object. Every
 * request carries `Authorization: Bearer <key>` (see `scripts/worker-credential.ts`).
 */
import { summarizeLatencies, type LatencySummary } from "./latency-summary";

/** Options of {@link runRecommendationsBench}. */
export interface RecommendationsBenchOptions {
  /** Base URL of the Worker; must be a loopback address. */
  url: string;
  /** The credential sent as `Authorization: Bearer <key>` (admin key, server key or user token). */
  key: string;
  /** Demo users to cycle through. */
  users: string[];
  requests: number;
  concurrency: number;
  /** Stop early after this many seconds. */
  maxSeconds: number;
  n: number;
}

/** Latency of one group of requests. */
export interface LatencyGroup {
  latency: LatencySummary;
  /** Median of each `timings_ms` stage the Worker reported. */
  server_stage_p50_ms: Record<string, number>;
}

/** What the benchmark measured. */
export interface RecommendationsBenchResult extends LatencyGroup {
  /** Distinct users the requests cycled through. */
  users: number;
  /** Requests that were their user's first of the run (session object created or woken). */
  first_request_of_user: LatencyGroup;
  /** Requests of users already served in this run (warm session object). */
  returning_user: LatencyGroup;
  rankers: Record<string, number>;
  fallbacks: number;
  errors: number;
}

/** Latencies and stage timings collected for one group. */
class GroupTimings {
  readonly latencies: number[] = [];
  readonly stages: Record<string, number[]> = {};

  add(latency: number, timings: Record<string, number>): void {
    this.latencies.push(latency);
    for (const [stage, ms] of Object.entries(timings)) {
      const series = this.stages[stage] ?? [];
      series.push(ms);
      this.stages[stage] = series;
    }
  }

  summary(): LatencyGroup {
    return {
      latency: summarizeLatencies(this.latencies),
      server_stage_p50_ms: Object.fromEntries(
        Object.entries(this.stages).map(([stage, values]) => [stage, summarizeLatencies(values).p50_ms]),
      ),
    };
  }
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Runs the benchmark. */
export async function runRecommendationsBench(options: RecommendationsBenchOptions): Promise<RecommendationsBenchResult> {
  const base = new URL(options.url);
  if (!LOOPBACK.has(base.hostname)) throw new Error(`refusing to load ${base.hostname}: benchmarks target loopback only`);
  const deadline = performance.now() + options.maxSeconds * 1000;
  const all = new GroupTimings();
  const first = new GroupTimings();
  const returning = new GroupTimings();
  const served = new Set<string>();
  const rankers: Record<string, number> = {};
  let fallbacks = 0;
  let errors = 0;
  let next = 0;

  const worker = async () => {
    while (next < options.requests && performance.now() < deadline) {
      const i = next++;
      const user = options.users[i % options.users.length]!;
      const isFirst = !served.has(user);
      served.add(user);
      const started = performance.now();
      try {
        const response = await fetch(new URL(`/v1/recommendations?user_id=${encodeURIComponent(user)}&n=${options.n}`, base), {
          headers: { authorization: `Bearer ${options.key}` },
        });
        const body = (await response.json()) as { ranker?: string; fallbacks?: unknown[]; timings_ms?: Record<string, number> };
        const latency = performance.now() - started;
        if (!response.ok) {
          all.add(latency, {});
          errors++;
          continue;
        }
        rankers[body.ranker ?? "unknown"] = (rankers[body.ranker ?? "unknown"] ?? 0) + 1;
        if ((body.fallbacks?.length ?? 0) > 0) fallbacks++;
        all.add(latency, body.timings_ms ?? {});
        (isFirst ? first : returning).add(latency, body.timings_ms ?? {});
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return {
    ...all.summary(),
    users: served.size,
    first_request_of_user: first.summary(),
    returning_user: returning.summary(),
    rankers,
    fallbacks,
    errors,
  };
}
