/**
 * The sidecar benchmark (`npm run bench -- sidecar`), all in one run on this machine, loopback only:
 *
 * 1. raw onnxruntime: `session.run` on pre-built batches of the batcher's limit (and of one
 *    request's size), in this process, with the sidecar's CPU session options — the ceiling;
 * 2. two sidecar child processes, batching on and off (`SIDECAR_BATCHING`), under the same
 *    closed-loop load: `concurrency` clients sending requests of `requestRows` rows; throughput
 *    is rows scored per second — in each request encoding (`encodings`): `json` (the
 *    `{feature_spec_hash, rows}` body and JSON answer) and `binary` (the float32 matrix as an
 *    `application/octet-stream` body, `x-feature-spec-hash` header, float32 scores back: what the
 *    Worker sends);
 * 3. latency of one `latencyRows`-row request at a time on the idle (batching) sidecar, p50/p99,
 *    in each encoding.
 *
 * 1 and 2 run in `rounds` interleaved rounds (raw, json on, json off, binary on, binary off, raw,
 * …) and medians are reported, so that other work on the machine weighs on every measurement
 * alike. The top-level numbers are those of the binary encoding when it was measured.
 *
 * The model is written to a temporary folder: by default an MLP (6 → 64 → 64 → 1, seeded
 * weights), optionally the project's logistic ranker; the result says which.
 */
import { availableParallelism, loadavg } from "node:os";
import { createCpuProvider } from "../gpu-sidecar/providers/cpu";
import type { RankerSession } from "../gpu-sidecar/providers/execution-provider";
import { buildFeatureRow, FEATURE_SPEC } from "../shared/features/feature-spec";
import { createRng } from "../shared/math/random";
import { summarizeLatencies } from "./latency-summary";
import { runLoad, type LoadResult } from "./sidecar-load";
import { writeBenchModelFolder, type BenchModelKind } from "./sidecar-model-folder";
import { randomSidecarToken, startSidecarChild, type SidecarChild } from "./sidecar-process";

/** Encodings of `POST /v1/rank` the benchmark can send. */
export const SIDECAR_BENCH_ENCODINGS = ["json", "binary"] as const;
export type SidecarBenchEncoding = (typeof SIDECAR_BENCH_ENCODINGS)[number];

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
  /** Request encodings measured, each under the same load (default both). */
  encodings: SidecarBenchEncoding[];
  /** `SIDECAR_INFERENCE_THREADS` of both sidecars (0 = inference inline on the event loop). */
  inferenceThreads: number;
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
  encodings: [...SIDECAR_BENCH_ENCODINGS],
  inferenceThreads: 0,
};

/** What one encoding measured. */
export interface SidecarEncodingResult {
  batched_rows_per_s: number;
  unbatched_rows_per_s: number;
  /** Idle latency of one `latency_rows`-row request, batching on. */
  p50_ms: number;
  p99_ms: number;
  ratios: { batched_vs_unbatched: number; batched_vs_raw_ort: number; unbatched_vs_raw_ort: number };
  /** Bytes of one `request_rows`-row request body. */
  request_body_bytes: number;
  batched_rounds_rows_per_s: number[];
  unbatched_rounds_rows_per_s: number[];
  /** Mean rows per batch the batching sidecar ran under this encoding's load (from its /metrics). */
  mean_batch_rows: number;
  /** Non-200 answers across all rounds (should be empty). */
  failures: { batched: Record<string, number>; unbatched: Record<string, number> };
  latency_batching_off: { p50_ms: number; p99_ms: number };
}

/**
 * What the benchmark measured; the first five keys are the ones the issue asks for, in the binary
 * encoding (the Worker's) when it was measured, else JSON; `encodings` has each one.
 */
export interface SidecarBenchResult {
  batched_rows_per_s: number;
  unbatched_rows_per_s: number;
  raw_ort_rows_per_s: number;
  p50_ms: number;
  p99_ms: number;
  /** batched ÷ unbatched (goal ≥ 5) and batched ÷ raw onnxruntime at the limit (goal ≥ 0.8). */
  ratios: { batched_vs_unbatched: number; batched_vs_raw_ort: number };
  /** Which encoding the top-level numbers are for. */
  encoding: SidecarBenchEncoding;
  encodings: Partial<Record<SidecarBenchEncoding, SidecarEncodingResult>>;
  /** Which model every number is for. */
  model: string;
  config: {
    request_rows: number;
    concurrency: number;
    max_batch_rows: number;
    max_queue_delay_ms: number;
    latency_rows: number;
    /** `SIDECAR_INFERENCE_THREADS` of the sidecars (0 = inline). */
    inference_threads: number;
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
  const encodings = SIDECAR_BENCH_ENCODINGS.filter((encoding) => o.encodings.includes(encoding));
  if (encodings.length === 0) throw new Error(`no encoding to measure; expected some of ${SIDECAR_BENCH_ENCODINGS.join(", ")}`);
  const primary: SidecarBenchEncoding = encodings.includes("binary") ? "binary" : "json";
  const loadAtStart = loadavg()[0]!;
  const folder = await writeBenchModelFolder({ kind: o.model, hidden: [...o.hidden] });
  o.log(`model: ${folder.description}`);
  const rows = seededRows(Math.max(o.maxBatchRows, o.requestRows, o.latencyRows), 42);
  const loadRows = Array.from({ length: 16 }, (_, i) => seededRows(o.requestRows, 1000 + i));
  // Both sidecars require the same random token; every request sends it, as the Worker does.
  const authToken = randomSidecarToken();
  const wire = Object.fromEntries(
    encodings.map((encoding) => [
      encoding,
      {
        headers: requestHeaders(encoding, authToken),
        bodies: loadRows.map((r) => rankBody(encoding, r)),
        latencyBody: rankBody(encoding, rows.slice(0, o.latencyRows)),
      },
    ]),
  ) as Record<SidecarBenchEncoding, { headers: Record<string, string>; bodies: (string | Uint8Array)[]; latencyBody: string | Uint8Array }>;
  const sidecarEnv = (batching: "on" | "off") => ({
    SIDECAR_MODEL_DIR: folder.dir,
    SIDECAR_AUTH_TOKEN: authToken,
    SIDECAR_BATCHING: batching,
    SIDECAR_MAX_BATCH_ROWS: String(o.maxBatchRows),
    SIDECAR_MAX_QUEUE_DELAY_MS: String(o.maxQueueDelayMs),
    SIDECAR_MAX_QUEUE_ROWS: String(Math.max(16_384, 2 * o.concurrency * o.requestRows)),
    SIDECAR_INFERENCE_THREADS: String(o.inferenceThreads),
  });
  const children: SidecarChild[] = [];
  const session = await createCpuProvider().createSession(folder.onnx);
  try {
    const batchedSidecar = await startSidecarChild(sidecarEnv("on"));
    children.push(batchedSidecar);
    const unbatchedSidecar = await startSidecarChild(sidecarEnv("off"));
    children.push(unbatchedSidecar);
    const load = (url: string, encoding: SidecarBenchEncoding, maxRequests: number, maxSeconds: number) =>
      runLoad({ url, ...wire[encoding], rowsPerRequest: o.requestRows, concurrency: o.concurrency, maxRequests, maxSeconds });

    // Warm-up (JIT, connections, onnxruntime's thread pools), then rounds that interleave the
    // measurements, so whatever else runs on the machine weighs on all of them alike.
    await rawOrtRowsPerSecond(session, rows, o.maxBatchRows, 0.5);
    for (const encoding of encodings) {
      await load(batchedSidecar.url, encoding, Math.min(500, o.roundRequests), 5);
      await load(unbatchedSidecar.url, encoding, Math.min(500, o.roundRequests), 5);
    }
    const raw: number[] = [];
    const rawAtRequestRows: number[] = [];
    const perEncoding = Object.fromEntries(
      encodings.map((encoding) => [
        encoding,
        {
          batched: [] as number[],
          unbatched: [] as number[],
          failures: { batched: {} as Record<string, number>, unbatched: {} as Record<string, number> },
          batchRows: { sum: 0, count: 0 },
        },
      ]),
    ) as Record<
      SidecarBenchEncoding,
      { batched: number[]; unbatched: number[]; failures: SidecarEncodingResult["failures"]; batchRows: { sum: number; count: number } }
    >;
    for (let i = 1; i <= o.rounds; i++) {
      raw.push(await rawOrtRowsPerSecond(session, rows, o.maxBatchRows, 2));
      rawAtRequestRows.push(await rawOrtRowsPerSecond(session, rows, o.requestRows, 1));
      const parts = [`round ${i}/${o.rounds}: raw onnxruntime ${fmt(raw.at(-1)!)} rows/s (${o.maxBatchRows}-row batches)`];
      for (const encoding of encodings) {
        const m = perEncoding[encoding];
        const before = await batchRowMetrics(batchedSidecar);
        const on = await load(batchedSidecar.url, encoding, o.roundRequests, o.roundSeconds);
        const after = await batchRowMetrics(batchedSidecar);
        m.batchRows.sum += after.sum - before.sum;
        m.batchRows.count += after.count - before.count;
        const off = await load(unbatchedSidecar.url, encoding, o.roundRequests, o.roundSeconds);
        m.batched.push(on.rowsPerSecond);
        m.unbatched.push(off.rowsPerSecond);
        addFailures(m.failures.batched, on);
        addFailures(m.failures.unbatched, off);
        parts.push(`${encoding}: batching on ${fmt(on.rowsPerSecond)}, off ${fmt(off.rowsPerSecond)} rows/s`);
      }
      o.log(parts.join("; "));
    }

    const round = (x: number, digits = 0) => Number(x.toFixed(digits));
    const rawMedian = median(raw);
    const results: Partial<Record<SidecarBenchEncoding, SidecarEncodingResult>> = {};
    for (const encoding of encodings) {
      const m = perEncoding[encoding];
      const latency = await measureLatency(batchedSidecar.url, wire[encoding], o);
      const latencyOff = await measureLatency(unbatchedSidecar.url, wire[encoding], o);
      o.log(
        `${encoding}: idle latency of one ${o.latencyRows}-row request: p50 ${latency.p50_ms} ms, p99 ${latency.p99_ms} ms ` +
          `(batching off: ${latencyOff.p50_ms} / ${latencyOff.p99_ms} ms)`,
      );
      const [batchedMedian, unbatchedMedian] = [median(m.batched), median(m.unbatched)];
      const body = wire[encoding].bodies[0]!;
      results[encoding] = {
        batched_rows_per_s: round(batchedMedian),
        unbatched_rows_per_s: round(unbatchedMedian),
        p50_ms: latency.p50_ms,
        p99_ms: latency.p99_ms,
        ratios: {
          batched_vs_unbatched: round(batchedMedian / unbatchedMedian, 2),
          batched_vs_raw_ort: round(batchedMedian / rawMedian, 3),
          unbatched_vs_raw_ort: round(unbatchedMedian / rawMedian, 3),
        },
        request_body_bytes: typeof body === "string" ? Buffer.byteLength(body) : body.byteLength,
        batched_rounds_rows_per_s: m.batched.map((x) => round(x)),
        unbatched_rounds_rows_per_s: m.unbatched.map((x) => round(x)),
        mean_batch_rows: round(m.batchRows.sum / m.batchRows.count, 1),
        failures: m.failures,
        latency_batching_off: { p50_ms: latencyOff.p50_ms, p99_ms: latencyOff.p99_ms },
      };
    }
    const top = results[primary]!;
    return {
      batched_rows_per_s: top.batched_rows_per_s,
      unbatched_rows_per_s: top.unbatched_rows_per_s,
      raw_ort_rows_per_s: round(rawMedian),
      p50_ms: top.p50_ms,
      p99_ms: top.p99_ms,
      ratios: { batched_vs_unbatched: top.ratios.batched_vs_unbatched, batched_vs_raw_ort: top.ratios.batched_vs_raw_ort },
      encoding: primary,
      encodings: results,
      model: folder.description,
      config: {
        request_rows: o.requestRows,
        concurrency: o.concurrency,
        max_batch_rows: o.maxBatchRows,
        max_queue_delay_ms: o.maxQueueDelayMs,
        latency_rows: o.latencyRows,
        inference_threads: o.inferenceThreads,
        provider: "cpu",
        cpus: availableParallelism(),
        load_average: { start: round(loadAtStart, 2), end: round(loadavg()[0]!, 2) },
      },
      details: {
        raw_ort_rows_per_s_at_request_rows: round(median(rawAtRequestRows)),
        raw_ort_batching_gain: round(rawMedian / median(rawAtRequestRows), 2),
        mean_batch_rows: top.mean_batch_rows,
        raw_ort_rounds_rows_per_s: raw.map((x) => round(x)),
        batched_rounds_rows_per_s: top.batched_rounds_rows_per_s,
        unbatched_rounds_rows_per_s: top.unbatched_rounds_rows_per_s,
        failures: top.failures,
        latency_batching_off: top.latency_batching_off,
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

async function measureLatency(
  url: string,
  wire: { headers: Record<string, string>; latencyBody: string | Uint8Array },
  o: ResolvedOptions,
) {
  const once = (requests: number) =>
    runLoad({
      url,
      headers: wire.headers,
      bodies: [wire.latencyBody],
      rowsPerRequest: o.latencyRows,
      concurrency: 1,
      maxRequests: requests,
      maxSeconds: 30,
    });
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

/**
 * Plausible feature rows from a fixed seed, built by the feature spec itself (so they always have
 * its width), at full double precision like the Worker builds them.
 */
function seededRows(count: number, seed: number): number[][] {
  const rng = createRng(seed);
  const nowSeconds = 1.76e9;
  const surfaces = ["home", "more_like_this", "email"] as const;
  return Array.from({ length: count }, (_, rank) =>
    buildFeatureRow({
      retrievalScore: rng.next() * 1.5 - 0.25,
      retrievalRank: rank,
      itemPopularity: rng.int(5000),
      itemReleasedAt: nowSeconds - rng.next() * 30 * 365.25 * 86_400,
      itemSponsored: rng.next() < 0.05,
      userActivity: rng.int(300),
      nowSeconds: nowSeconds + rng.int(86_400),
      categoryAffinity: rng.next(),
      surface: surfaces[rng.int(surfaces.length)],
    }),
  );
}

/** A request body in `encoding`: JSON text, or the rows as a row-major little-endian float32 matrix. */
function rankBody(encoding: SidecarBenchEncoding, rows: number[][]): string | Uint8Array {
  if (encoding === "json") return JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows });
  const matrix = Float32Array.from(rows.flat());
  return new Uint8Array(matrix.buffer);
}

/** The headers of `encoding` (plus the sidecar's token): binary sends the hash in a header and asks for float32 scores back, as the Worker does. */
function requestHeaders(encoding: SidecarBenchEncoding, token: string): Record<string, string> {
  const authorization = `Bearer ${token}`;
  if (encoding === "json") return { authorization, "content-type": "application/json" };
  return {
    authorization,
    "content-type": "application/octet-stream",
    accept: "application/octet-stream",
    "x-feature-spec-hash": FEATURE_SPEC.hash,
  };
}

/** The batching sidecar's batch-size histogram sum and count, from its /metrics. */
async function batchRowMetrics(sidecar: SidecarChild): Promise<{ sum: number; count: number }> {
  const response = await fetch(`${sidecar.url}/metrics`, {
    headers: { authorization: `Bearer ${sidecar.token}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const text = await response.text();
  return { sum: metricValue(text, "sidecar_batch_rows_sum"), count: metricValue(text, "sidecar_batch_rows_count") };
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
