/**
 * Latency of `GET /v1/recommendations` against a running local system (`npm start`), over
 * loopback only, with a bounded number of requests and a time limit. Reports client-side
 * percentiles, the Worker's own per-stage timings (medians) and which ranker served.
 */
import { summarizeLatencies, type LatencySummary } from "./latency-summary";

/** Options of {@link runRecommendationsBench}. */
export interface RecommendationsBenchOptions {
  /** Base URL of the Worker; must be a loopback address. */
  url: string;
  /** Demo users to cycle through. */
  users: string[];
  requests: number;
  concurrency: number;
  /** Stop early after this many seconds. */
  maxSeconds: number;
  n: number;
}

/** What the benchmark measured. */
export interface RecommendationsBenchResult {
  latency: LatencySummary;
  /** Median of each `timings_ms` stage the Worker reported. */
  server_stage_p50_ms: Record<string, number>;
  rankers: Record<string, number>;
  fallbacks: number;
  errors: number;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Runs the benchmark. */
export async function runRecommendationsBench(options: RecommendationsBenchOptions): Promise<RecommendationsBenchResult> {
  const base = new URL(options.url);
  if (!LOOPBACK.has(base.hostname)) throw new Error(`refusing to load ${base.hostname}: benchmarks target loopback only`);
  const deadline = performance.now() + options.maxSeconds * 1000;
  const latencies: number[] = [];
  const stages: Record<string, number[]> = {};
  const rankers: Record<string, number> = {};
  let fallbacks = 0;
  let errors = 0;
  let next = 0;

  const worker = async () => {
    while (next < options.requests && performance.now() < deadline) {
      const i = next++;
      const user = options.users[i % options.users.length]!;
      const started = performance.now();
      try {
        const response = await fetch(new URL(`/v1/recommendations?user_id=${encodeURIComponent(user)}&n=${options.n}`, base));
        const body = (await response.json()) as { ranker?: string; fallbacks?: unknown[]; timings_ms?: Record<string, number> };
        latencies.push(performance.now() - started);
        if (!response.ok) {
          errors++;
          continue;
        }
        rankers[body.ranker ?? "unknown"] = (rankers[body.ranker ?? "unknown"] ?? 0) + 1;
        if ((body.fallbacks?.length ?? 0) > 0) fallbacks++;
        for (const [stage, ms] of Object.entries(body.timings_ms ?? {})) (stages[stage] ??= []).push(ms);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const server_stage_p50_ms = Object.fromEntries(
    Object.entries(stages).map(([stage, values]) => [stage, summarizeLatencies(values).p50_ms]),
  );
  return { latency: summarizeLatencies(latencies), server_stage_p50_ms, rankers, fallbacks, errors };
}
