/**
 * The sidecar benchmark (`npm run bench -- sidecar`), all in one run on this machine, loopback only:
 *
 * 1. raw onnxruntime: `session.run` on pre-built batches of the batcher's limit (and of one
 *    request's size), in this process, with the sidecar's CPU session options — the ceiling;
 * 2. two sidecar child processes, batching on and off (`SIDECAR_BATCHING`), under the same
 *    closed-loop load: `concurrency` clients sending requests of `requestRows` rows; throughput
 *    is rows scored per second;
 * 3. latency of one `latencyRows`-row request at a time on the idle (batching) sidecar, p50/p99.
 *
 * 1 and 2 run in `rounds` interleaved rounds (raw, on, off, raw, on, off, …) and medians are
 * reported, so that other work on the machine weighs on every measurement alike.
 *
 * The model is written to a temporary folder: by default an MLP (6 → 64 → 64 → 1, seeded
 * weights), optionally the project's logistic ranker; the result says which.
 */
import { availableParallelism, loadavg } from "node:os";
import { createCpuProvider } from "../gpu-sidecar/providers/cpu";
import type { RankerSession } from "../gpu-sidecar/providers/execution-provider";
import { FEATURE_SPEC } from "../shared/features/feature-spec";
import { createRng } from "../shared/math/random";
import { summarizeLatencies } from "./latency-summary";
import { runLoad, type LoadResult } from "./sidecar-load";
import { writeBenchModelFolder, type BenchModelKind } from "./sidecar-model-folder";
import { startSidecarChild, type SidecarChild } from "./sidecar-process";

/** Options of {@link runSidecarBench}. */
export interface SidecarBenchOptions {
  model: BenchModelKind;
  /** Hidden widths of the MLP. */
  hidden: number[];
  /** Rows per request under load (~ candidates per recommendation request). */
  requestRows: number;
  /** Clients sending at once. */
  concurrency: number;
  /** Measured rounds per mode; the median is reported. */
  rounds: number;
  /** Requests per measured round (a round also stops after `roundSeconds`). */
  roundRequests: number;
  roundSeconds: number;
  /** The batcher's limit (`SIDECAR_MAX_BATCH_ROWS`); raw onnxruntime is measured at this size. */
  maxBatchRows: number;
  /** `SIDECAR_MAX_QUEUE_DELAY_MS`. */
  maxQueueDelayMs: number;
  /** Rows of the latency request, and how many are sent one after another. */
  latencyRows: number;
  latencyRequests: number;
  /** Progress lines go here (stderr by default). */
  log?: (line: string) => void;
}

/** Defaults of {@link SidecarBenchOptions}. */
export const SIDECAR_BENCH_DEFAULTS: Readonly<Omit<Required<SidecarBenchOptions>, "log">> = {
  model: "mlp",
  hidden: [64, 64],
  requestRows: 300,
  concurrency: 32,
  rounds: 3,
  roundRequests: 4000,
  roundSeconds: 10,
  maxBatchRows: 2048,
  maxQueueDelayMs: 2,
  latencyRows: 500,
  latencyRequests: 400,
};

/** What the benchmark measured; the first five keys are the ones the issue asks for. */
export interface SidecarBenchResult {
  batched_rows_per_s: number;
  unbatched_rows_per_s: number;
  raw_ort_rows_per_s: number;
  p50_ms: number;
  p99_ms: number;
  /** batched ÷ unbatched (goal ≥ 5) and batched ÷ raw onnxruntime at the limit (goal ≥ 0.8). */
  ratios: { batched_vs_unbatched: number; batched_vs_raw_ort: number };
  /** Which model every number is for. */
  model: string;
  config: {
    request_rows: number;
    concurrency: number;
    max_batch_rows: number;
    max_queue_delay_ms: number;
    latency_rows: number;
    provider: "cpu";
    cpus: number;
    /** 1-minute load average before and after the run: other work on the machine skews every number. */
    load_average: { start: number; end: number };
  };
  details: {
    /** Raw onnxruntime at one request's size; raw at the limit ÷ this is all batching can gain in inference. */
    raw_ort_rows_per_s_at_request_rows: number;
    raw_ort_batching_gain: number;
    raw_ort_rounds_rows_per_s: number[];
    /** Mean rows per batch the batching sidecar ran under load (from its /metrics). */
    mean_batch_rows: number;
    batched_rounds_rows_per_s: number[];
    unbatched_rounds_rows_per_s: number[];
    /** Non-200 answers across all rounds (should be empty). */
    failures: { batched: Record<string, number>; unbatched: Record<string, number> };
    /** Same latency measurement with batching off (no queue delay). */
    latency_batching_off: { p50_ms: number; p99_ms: number };
  };
}

/** Runs the benchmark; see the file header. */
export async function runSidecarBench(options: Partial<SidecarBenchOptions> = {}): Promise<SidecarBenchResult> {
  const o = { ...SIDECAR_BENCH_DEFAULTS, log: (line: string) => process.stderr.write(`${line}\n`), ...options };
  const loadAtStart = loadavg()[0]!;
  const folder = await writeBenchModelFolder({ kind: o.model, hidden: [...o.hidden] });
  o.log(`model: ${folder.description}`);
  const rows = seededRows(Math.max(o.maxBatchRows, o.requestRows, o.latencyRows), 42);
  const bodies = Array.from({ length: 16 }, (_, i) => rankBody(seededRows(o.requestRows, 1000 + i)));
  const latencyBody = rankBody(rows.slice(0, o.latencyRows));
  const sidecarEnv = (batching: "on" | "off") => ({
    SIDECAR_MODEL_DIR: folder.dir,
    SIDECAR_BATCHING: batching,
    SIDECAR_MAX_BATCH_ROWS: String(o.maxBatchRows),
    SIDECAR_MAX_QUEUE_DELAY_MS: String(o.maxQueueDelayMs),
    SIDECAR_MAX_QUEUE_ROWS: String(Math.max(16_384, 2 * o.concurrency * o.requestRows)),
  });
  const children: SidecarChild[] = [];
  const session = await createCpuProvider().createSession(folder.onnx);
  try {
    const batchedSidecar = await startSidecarChild(sidecarEnv("on"));
    children.push(batchedSidecar);
    const unbatchedSidecar = await startSidecarChild(sidecarEnv("off"));
    children.push(unbatchedSidecar);
    const load = (url: string, maxRequests: number, maxSeconds: number) =>
      runLoad({ url, bodies, rowsPerRequest: o.requestRows, concurrency: o.concurrency, maxRequests, maxSeconds });

    // Warm-up (JIT, connections, onnxruntime's thread pools), then rounds that interleave the three
    // measurements, so whatever else runs on the machine weighs on all of them alike.
    await rawOrtRowsPerSecond(session, rows, o.maxBatchRows, 0.5);
    await load(batchedSidecar.url, Math.min(500, o.roundRequests), 5);
    await load(unbatchedSidecar.url, Math.min(500, o.roundRequests), 5);
    const raw: number[] = [];
    const rawAtRequestRows: number[] = [];
    const batched: number[] = [];
    const unbatched: number[] = [];
    const failures = { batched: {} as Record<string, number>, unbatched: {} as Record<string, number> };
    for (let i = 1; i <= o.rounds; i++) {
      raw.push(await rawOrtRowsPerSecond(session, rows, o.maxBatchRows, 2));
      rawAtRequestRows.push(await rawOrtRowsPerSecond(session, rows, o.requestRows, 1));
      const on = await load(batchedSidecar.url, o.roundRequests, o.roundSeconds);
      const off = await load(unbatchedSidecar.url, o.roundRequests, o.roundSeconds);
      batched.push(on.rowsPerSecond);
      unbatched.push(off.rowsPerSecond);
      addFailures(failures.batched, on);
      addFailures(failures.unbatched, off);
      o.log(
        `round ${i}/${o.rounds}: raw onnxruntime ${fmt(raw.at(-1)!)} rows/s (${o.maxBatchRows}-row batches), ` +
          `batching on ${fmt(on.rowsPerSecond)} rows/s, off ${fmt(off.rowsPerSecond)} rows/s`,
      );
    }
    const metrics = await (await fetch(`${batchedSidecar.url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
    const meanBatchRows = metricValue(metrics, "sidecar_batch_rows_sum") / metricValue(metrics, "sidecar_batch_rows_count");
    const latency = await measureLatency(batchedSidecar.url, latencyBody, o);
    const latencyOff = await measureLatency(unbatchedSidecar.url, latencyBody, o);
    o.log(`idle latency of one ${o.latencyRows}-row request: p50 ${latency.p50_ms} ms, p99 ${latency.p99_ms} ms (batching off: ${latencyOff.p50_ms} / ${latencyOff.p99_ms} ms)`);

    const round = (x: number, digits = 0) => Number(x.toFixed(digits));
    const [rawMedian, batchedMedian, unbatchedMedian] = [median(raw), median(batched), median(unbatched)];
    return {
      batched_rows_per_s: round(batchedMedian),
      unbatched_rows_per_s: round(unbatchedMedian),
      raw_ort_rows_per_s: round(rawMedian),
      p50_ms: latency.p50_ms,
      p99_ms: latency.p99_ms,
      ratios: { batched_vs_unbatched: round(batchedMedian / unbatchedMedian, 2), batched_vs_raw_ort: round(batchedMedian / rawMedian, 3) },
      model: folder.description,
      config: {
        request_rows: o.requestRows,
        concurrency: o.concurrency,
        max_batch_rows: o.maxBatchRows,
        max_queue_delay_ms: o.maxQueueDelayMs,
        latency_rows: o.latencyRows,
        provider: "cpu",
        cpus: availableParallelism(),
        load_average: { start: round(loadAtStart, 2), end: round(loadavg()[0]!, 2) },
      },
      details: {
        raw_ort_rows_per_s_at_request_rows: round(median(rawAtRequestRows)),
        raw_ort_batching_gain: round(rawMedian / median(rawAtRequestRows), 2),
        mean_batch_rows: round(meanBatchRows, 1),
        raw_ort_rounds_rows_per_s: raw.map((x) => round(x)),
        batched_rounds_rows_per_s: batched.map((x) => round(x)),
        unbatched_rounds_rows_per_s: unbatched.map((x) => round(x)),
        failures,
        latency_batching_off: { p50_ms: latencyOff.p50_ms, p99_ms: latencyOff.p99_ms },
      },
    };
  } finally {
    await session.release();
    await Promise.all(children.map((child) => child.stop()));
    await folder.remove();
  }
}

type ResolvedOptions = Required<SidecarBenchOptions>;

function addFailures(into: Record<string, number>, result: LoadResult): void {
  for (const [status, count] of Object.entries(result.failures)) into[status] = (into[status] ?? 0) + count;
}

async function measureLatency(url: string, body: string, o: ResolvedOptions) {
  const once = (requests: number) => runLoad({ url, bodies: [body], rowsPerRequest: o.latencyRows, concurrency: 1, maxRequests: requests, maxSeconds: 30 });
  await once(30);
  const { latenciesMs } = await once(o.latencyRequests);
  return summarizeLatencies(latenciesMs);
}

/** Rows per second of `session.run` on one pre-built batch of `size` rows, for up to `seconds` (≤ 5000 runs). */
async function rawOrtRowsPerSecond(session: RankerSession, rows: number[][], size: number, seconds: number): Promise<number> {
  const features = Float32Array.from(rows.slice(0, size).flat());
  const deadline = performance.now() + seconds * 1000;
  let runs = 0;
  const started = performance.now();
  while (runs < 5000 && performance.now() < deadline) {
    await session.run(features, size);
    runs++;
  }
  return (runs * size) / ((performance.now() - started) / 1000);
}

/** Plausible feature rows (the feature spec's ranges) from a fixed seed, at full double precision like the Worker sends. */
function seededRows(count: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, rank) => [
    rng.next() * 1.5 - 0.25,
    1 / (1 + rank),
    Math.log1p(rng.int(5000)),
    rng.next() * 30,
    rng.next() < 0.05 ? 1 : 0,
    Math.log1p(rng.int(300)),
  ]);
}

function rankBody(rows: number[][]): string {
  return JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows });
}

function metricValue(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1)) : Number.NaN;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function fmt(x: number): string {
  return Math.round(x).toLocaleString("en-US");
}
