/**
 * What one recommendation costs next to the cheapest request the Worker serves, measured in one
 * run against a running `npm start` (loopback only, bounded in time):
 *
 * 1. `rounds` times, alternating: throughput of `GET /healthz` at `concurrency` connections for
 *    `seconds` (the ceiling of this machine's workerd + wrangler's proxy + loopback), then of
 *    `GET /v1/recommendations` at the same concurrency for the same time — one ratio per round;
 * 2. latency of `GET /v1/recommendations` at concurrency 1 (`latencyRequests` requests).
 *
 * Prints the median of the rounds' ratios (this machine's load varies from second to second, so
 * a ratio is measured from neighbouring phases and the median taken), each round, the percentiles
 * at concurrency 1, and the Worker's own per-stage timings and subrequest counts (medians of
 * `timings_ms`). The first round is preceded by a short warm-up that is not counted.
 */
import { summarizeLatencies, type LatencySummary } from "./latency-summary";

/** Options of {@link runRequestCostBench}. */
export interface RequestCostBenchOptions {
  /** Base URL of the Worker; must be a loopback address. */
  url: string;
  key: string;
  /** Users the recommendation requests cycle through. */
  users: string[];
  /** Connections of the throughput phases. */
  concurrency: number;
  /** Seconds each throughput phase runs. */
  seconds: number;
  /** Rounds of (healthz, recommendations) phases; the median ratio is reported. */
  rounds: number;
  /** Requests of the concurrency-1 latency phase. */
  latencyRequests: number;
  n: number;
}

/** One throughput phase. */
export interface ThroughputPhase {
  requests: number;
  errors: number;
  requests_per_second: number;
  latency: LatencySummary;
}

/** What the benchmark measured. */
export interface RequestCostBenchResult {
  concurrency: number;
  seconds: number;
  /** Each round's phases and their ratio. */
  rounds: { healthz: ThroughputPhase; recommendations: ThroughputPhase; ratio: number }[];
  /** Median over rounds of recommendations / healthz requests per second. */
  throughput_ratio: number;
  /** `GET /v1/recommendations` one at a time. */
  latency_c1: LatencySummary & { errors: number };
  /** Medians of the Worker's `timings_ms` at concurrency 1 (stages, and `subrequests`). */
  server_p50_ms: Record<string, number>;
  rankers: Record<string, number>;
  fallbacks: Record<string, number>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

interface Sample {
  latency: number;
  ok: boolean;
  body?: { ranker?: string; fallbacks?: { stage: string; reason: string }[]; timings_ms?: Record<string, number> };
}

/** Sends requests from `concurrency` loops until `deadline` or `limit` requests; returns each one's outcome. */
async function load(
  concurrency: number,
  request: (i: number) => Promise<Response>,
  stop: { deadline: number; limit: number },
  parse: boolean,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  let next = 0;
  const loop = async () => {
    while (next < stop.limit && performance.now() < stop.deadline) {
      const i = next++;
      const started = performance.now();
      try {
        const response = await request(i);
        const body = parse ? ((await response.json()) as Sample["body"]) : (await response.arrayBuffer(), undefined);
        samples.push({ latency: performance.now() - started, ok: response.ok, ...(body ? { body } : {}) });
      } catch {
        samples.push({ latency: performance.now() - started, ok: false });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  return samples;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function phase(samples: Sample[], seconds: number): ThroughputPhase {
  const ok = samples.filter((sample) => sample.ok);
  return {
    requests: samples.length,
    errors: samples.length - ok.length,
    requests_per_second: Math.round((ok.length / seconds) * 10) / 10,
    latency: summarizeLatencies(ok.map((sample) => sample.latency)),
  };
}

/** Runs the benchmark. */
export async function runRequestCostBench(options: RequestCostBenchOptions): Promise<RequestCostBenchResult> {
  const base = new URL(options.url);
  if (!LOOPBACK.has(base.hostname)) throw new Error(`refusing to load ${base.hostname}: benchmarks target loopback only`);
  const headers = { authorization: `Bearer ${options.key}` };
  const healthz = () => fetch(new URL("/healthz", base));
  const recommendations = (i: number) =>
    fetch(new URL(`/v1/recommendations?user_id=${encodeURIComponent(options.users[i % options.users.length]!)}&n=${options.n}`, base), { headers });
  const timed = async (request: (i: number) => Promise<Response>): Promise<ThroughputPhase> => {
    const started = performance.now();
    const samples = await load(options.concurrency, request, { deadline: started + options.seconds * 1000, limit: Number.POSITIVE_INFINITY }, false);
    return phase(samples, (performance.now() - started) / 1000);
  };

  const warmUp = { deadline: performance.now() + 2000, limit: Number.POSITIVE_INFINITY };
  await load(options.concurrency, healthz, warmUp, false);
  await load(options.concurrency, recommendations, { ...warmUp, deadline: performance.now() + 2000 }, false);
  const rounds: RequestCostBenchResult["rounds"] = [];
  for (let round = 0; round < options.rounds; round++) {
    const health = await timed(healthz);
    const recs = await timed(recommendations);
    rounds.push({ healthz: health, recommendations: recs, ratio: Math.round((recs.requests_per_second / health.requests_per_second) * 1000) / 1000 });
  }

  const single = await load(1, recommendations, { deadline: performance.now() + 120_000, limit: options.latencyRequests }, true);
  const ok = single.filter((sample) => sample.ok);
  const stages: Record<string, number[]> = {};
  const rankers: Record<string, number> = {};
  const fallbacks: Record<string, number> = {};
  for (const sample of ok) {
    for (const [stage, ms] of Object.entries(sample.body?.timings_ms ?? {})) (stages[stage] ??= []).push(ms);
    const ranker = sample.body?.ranker ?? "unknown";
    rankers[ranker] = (rankers[ranker] ?? 0) + 1;
    for (const fallback of sample.body?.fallbacks ?? []) {
      const name = `${fallback.stage}:${fallback.reason}`;
      fallbacks[name] = (fallbacks[name] ?? 0) + 1;
    }
  }
  return {
    concurrency: options.concurrency,
    seconds: options.seconds,
    rounds,
    throughput_ratio: median(rounds.map((round) => round.ratio)),
    latency_c1: { ...summarizeLatencies(ok.map((sample) => sample.latency)), errors: single.length - ok.length },
    server_p50_ms: Object.fromEntries(Object.entries(stages).map(([stage, values]) => [stage, summarizeLatencies(values).p50_ms])),
    rankers,
    fallbacks,
  };
}
