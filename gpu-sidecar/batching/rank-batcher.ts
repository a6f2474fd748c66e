/**
 * The sidecar's use of the {@link DynamicBatcher}: requests carry packed feature rows and are
 * grouped by the model version they leased, so a batch always runs on one model; a batch
 * concatenates its requests' rows, runs the model's session once and hands each request its
 * slice of the scores.
 */
import type { LoadedModel } from "../model-store";
import type { SidecarMetrics } from "../sidecar-metrics";
import type { BatcherClock } from "./batcher-clock";
import { DynamicBatcher, type Batch, type BatchingConfig } from "./dynamic-batcher";

/** What one request gets back from its batch. */
export interface RankBatchResult {
  /** The request's scores, in row order. */
  scores: Float32Array;
  /** Milliseconds of the batch's `session.run`. */
  inferenceMs: number;
  /** Clock time the batch started (queue wait = this − submit time). */
  startedAt: number;
  /** Rows and requests in the batch the request ran in. */
  batchRows: number;
  batchRequests: number;
}

/** A batcher of packed feature matrices; the item group must be the request's {@link LoadedModel}. */
export type RankBatcher = DynamicBatcher<Float32Array, RankBatchResult>;

/** Options of {@link createRankBatcher}. */
export interface RankBatcherOptions {
  config?: Partial<BatchingConfig>;
  /** Receives batch, queue and inference metrics. */
  metrics?: Pick<SidecarMetrics, "batcherObserver" | "inference">;
  clock?: BatcherClock;
  /** Batches running at once (default 1); the sidecar sets it to its inference thread count. */
  concurrency?: number;
}

/**
 * Creates the batcher that runs rank requests on their model's session.
 *
 * @example
 * const batcher = createRankBatcher({ config: { maxBatchRows: 2048, maxQueueDelayMs: 2 } });
 * const lease = store.acquire()!;
 * const { scores } = await batcher.submit({ rows: 300, group: lease.model, payload: features, release: lease.release });
 */
export function createRankBatcher(options: RankBatcherOptions = {}): RankBatcher {
  const { config, metrics, clock, concurrency } = options;
  const batcher: RankBatcher = new DynamicBatcher<Float32Array, RankBatchResult>({
    ...config,
    ...(concurrency ? { concurrency } : {}),
    ...(clock ? { clock } : {}),
    ...(metrics ? { observer: metrics.batcherObserver } : {}),
    run: async (batch: Batch<Float32Array>) => {
      const model = batch.group as LoadedModel;
      // Counted before the run: a session may take the matrix (an inference thread detaches its buffer).
      const rowsPerRequest = batch.payloads.map((features) => features.length / model.featureCount);
      const startedAt = clock?.now() ?? performance.now();
      const scores = await model.session.run(concatenate(batch.payloads, batch.rows * model.featureCount), batch.rows);
      const inferenceMs = (clock?.now() ?? performance.now()) - startedAt;
      metrics?.inference.observe(inferenceMs / 1000);
      let offset = 0;
      return rowsPerRequest.map((rows) => {
        const slice = scores.subarray(offset, offset + rows);
        offset += rows;
        return { scores: slice, inferenceMs, startedAt, batchRows: batch.rows, batchRequests: batch.payloads.length };
      });
    },
  });
  return batcher;
}

function concatenate(parts: Float32Array[], length: number): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const all = new Float32Array(length);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}
