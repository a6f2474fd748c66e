/**
 * The local and console metrics sink: low-cardinality counters and histograms in the
 * MetricsAggregate objects (durable-objects/metrics-aggregate.ts), exported by
 * `GET /v1/admin/metrics`. As with the live A/B counters (experiments/experiment-counters.ts), a
 * request pays no round trip: its increments are summed in the isolate and the isolate sends the
 * window's sum to one shard (METRICS_SHARDS objects, taken in turn from a random start, so no object
 * is hot) at most {@link METRICS_BATCH_MS} later, from the `waitUntil` of the request that opened
 * the window.
 */
import { MetricsAccumulator } from "../../shared/metrics/metrics-aggregate-contract";
import type { Metrics, RequestObservation } from "../../shared/metrics/metrics";
import { observationIncrements } from "../../shared/metrics/observation-increments";
import { positiveIntegerVar } from "../config/env-vars";

/** How long increments wait in the isolate before they are sent (the aggregates lag by at most this much). */
export const METRICS_BATCH_MS = 1_000;

/** The bindings the sink uses. */
export type AggregateMetricsEnv = Pick<Env, "METRICS_AGGREGATE" | "METRICS_SHARDS">;

/** Number of MetricsAggregate shards. */
export function metricsShards(env: Pick<Env, "METRICS_SHARDS">): number {
  return positiveIntegerVar(env.METRICS_SHARDS, 4);
}

/** The name of shard `index`. */
export function metricsShardName(index: number): string {
  return `metrics#${index}`;
}

/** Increments of this isolate not sent yet. */
let pending = new MetricsAccumulator();
/** The window's flush, while one is scheduled. */
let scheduled: Promise<void> | null = null;
/** The shard the next flush goes to (random start per isolate, then in turn). */
let nextShard: number | null = null;

/** Sends this isolate's pending increments to one shard now (nothing when none are pending). */
export async function flushMetrics(env: AggregateMetricsEnv): Promise<void> {
  if (pending.empty) return;
  const batch = pending.batch();
  pending = new MetricsAccumulator();
  const shards = metricsShards(env);
  nextShard ??= Math.floor(Math.random() * shards);
  const shard = nextShard % shards;
  nextShard = shard + 1;
  await env.METRICS_AGGREGATE.getByName(metricsShardName(shard)).record(batch);
}

/** Adds each request to the isolate's window; the request that opens a window carries its flush. */
export class AggregateMetrics implements Metrics {
  constructor(
    private readonly env: AggregateMetricsEnv,
    private readonly batchMs: number = METRICS_BATCH_MS,
  ) {}

  /**
   * Adds `observation` to the window. Returns the window's flush when this request opened it (pass
   * it to `waitUntil`), else undefined: a later request never waits on I/O another one started. A
   * failed flush loses that window's increments (the caller logs it).
   */
  record(observation: RequestObservation): Promise<void> | undefined {
    pending.add(observationIncrements(observation));
    if (scheduled) return undefined;
    const env = this.env;
    scheduled = new Promise<void>((resolve) => setTimeout(resolve, this.batchMs)).then(() => {
      scheduled = null;
      return flushMetrics(env);
    });
    return scheduled;
  }
}
