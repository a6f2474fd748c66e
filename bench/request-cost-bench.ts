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
 *
 * On Linux it also reads each local process's CPU time per phase (process-cpu.ts): CPU ms per
 * request in the runtime (the Worker and its objects), wrangler's proxy, wrangler's Node process
 * and the sidecar, and the runtime-only ratio. The client, the proxy and wrangler share the same
 * two cores with the runtime here, so the end-to-end ratio is bounded by local emulation.
 */
import { summarizeLatencies, type LatencySummary } from "./latency-summary";
import { cpuByRole, readCpu, type StackProcess, stackProcesses } from "./process-cpu";

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
  /** The checkout whose `npm start` serves `url` (its processes' CPU time is read from /proc); none: no CPU figures. */
  root?: string;
}

/** One throughput phase. */
export interface ThroughputPhase {
  requests: number;
  errors: number;
  requests_per_second: number;
  latency: LatencySummary;
  /** CPU milliseconds per successful request, by process of the local stack (Linux; empty elsewhere). */
  cpu_ms_per_request: Partial<Record<StackProcess["role"], number>>;
}

/** What the benchmark measured. */
export interface RequestCostBenchResult {
  concurrency: number;
  seconds: number;
  /**
   * Median over rounds of healthz / recommendations CPU per request in the runtime alone (the
   * workerd that runs the Worker and its objects) — the ratio without wrangler's local proxy and
   * Node process, which cost every request the same and do not exist in production.
   */
  runtime_cpu_ratio: number | null;
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
        let body: Sample["body"];
        if (parse) body = (await response.json()) as Sample["body"];
        else await response.arrayBuffer();
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

function phase(samples: Sample[], seconds: number, cpu: Partial<Record<StackProcess["role"], number>>): ThroughputPhase {
  const ok = samples.filter((sample) => sample.ok);
  return {
    requests: samples.length,
    errors: samples.length - ok.length,
    requests_per_second: Math.round((ok.length / seconds) * 10) / 10,
    latency: summarizeLatencies(ok.map((sample) => sample.latency)),
    cpu_ms_per_request: Object.fromEntries(
      Object.entries(cpu).map(([role, cpuSeconds]) => [
        role,
        ok.length > 0 ? Math.round((cpuSeconds * 1e6) / ok.length) / 1000 : Number.NaN,
      ]),
    ),
  };
}

/** Runs the benchmark. */
export async function runRequestCostBench(options: RequestCostBenchOptions): Promise<RequestCostBenchResult> {
  const base = new URL(options.url);
  if (!LOOPBACK.has(base.hostname)) throw new Error(`refusing to load ${base.hostname}: benchmarks target loopback only`);
  const headers = { authorization: `Bearer ${options.key}` };
  const healthz = () => fetch(new URL("/healthz", base));
  const recommendations = (i: number) =>
    fetch(new URL(`/v1/recommendations?user_id=${encodeURIComponent(options.users[i % options.users.length]!)}&n=${options.n}`, base), {
      headers,
    });
  const processes = options.root ? stackProcesses(options.root) : [];
  const timed = async (request: (i: number) => Promise<Response>): Promise<ThroughputPhase> => {
    const started = performance.now();
    const before = readCpu(processes);
    const samples = await load(
      options.concurrency,
      request,
      { deadline: started + options.seconds * 1000, limit: Number.POSITIVE_INFINITY },
      false,
    );
    return phase(
      samples,
      (performance.now() - started) / 1000,
      processes.length > 0 ? cpuByRole(processes, before, readCpu(processes)) : {},
    );
  };

  const warmUp = { deadline: performance.now() + 2000, limit: Number.POSITIVE_INFINITY };
  await load(options.concurrency, healthz, warmUp, false);
  await load(options.concurrency, recommendations, { ...warmUp, deadline: performance.now() + 2000 }, false);
  const rounds: RequestCostBenchResult["rounds"] = [];
  for (let round = 0; round < options.rounds; round++) {
    const health = await timed(healthz);
    const recs = await timed(recommendations);
    rounds.push({
      healthz: health,
      recommendations: recs,
      ratio: Math.round((recs.requests_per_second / health.requests_per_second) * 1000) / 1000,
    });
  }

  const single = await load(1, recommendations, { deadline: performance.now() + 120_000, limit: options.latencyRequests }, true);
  const ok = single.filter((sample) => sample.ok);
  const stages: Record<string, number[]> = {};
  const rankers: Record<string, number> = {};
  const fallbacks: Record<string, number> = {};
  for (const sample of ok) {
    for (const [stage, ms] of Object.entries(sample.body?.timings_ms ?? {})) {
      const series = stages[stage] ?? [];
      series.push(ms);
      stages[stage] = series;
    }
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
    runtime_cpu_ratio:
      processes.length > 0
        ? Math.round(
            median(
              rounds.map(
                (round) =>
                  (round.healthz.cpu_ms_per_request.runtime ?? Number.NaN) /
                  (round.recommendations.cpu_ms_per_request.runtime ?? Number.NaN),
              ),
            ) * 1000,
          ) / 1000
        : null,
    latency_c1: { ...summarizeLatencies(ok.map((sample) => sample.latency)), errors: single.length - ok.length },
    server_p50_ms: Object.fromEntries(Object.entries(stages).map(([stage, values]) => [stage, summarizeLatencies(values).p50_ms])),
    rankers,
    fallbacks,
  };
}
