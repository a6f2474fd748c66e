/**
 * The ExperimentStats object's RPC contract (durable-objects/experiment-stats.ts): the metrics and
 * sums it counts per arm, what the Worker adds to them after responses and attributed events, and
 * the per-arm counters the live report sums across shards. Shared by the object and the Worker.
 */

/** Counted metrics per arm. */
export const EXPERIMENT_METRICS = ["requests", "impressions", "empty_responses", "clicks", "conversions"] as const;
export type ExperimentMetric = (typeof EXPERIMENT_METRICS)[number];

/**
 * Summed quantities per arm behind the report's means (not counts of anything a user did):
 * `diversity_sum` / `diversity_lists` is the mean category diversity over responses with at least
 * two categorised items, `categories_sum` / `categorised_lists` the mean distinct categories over
 * responses with at least one (shared/experiments/list-category-diversity.ts).
 */
export const EXPERIMENT_SUMS = ["diversity_sum", "diversity_lists", "categories_sum", "categorised_lists"] as const;
export type ExperimentSum = (typeof EXPERIMENT_SUMS)[number];

/** One addition to an arm's counters or sums. */
export interface ExperimentIncrement {
  arm: string;
  metric: ExperimentMetric | ExperimentSum;
  value: number;
}

/** `count` responses (default 1) of an arm whose latency fell in `bucket` (LATENCY_BUCKET_BOUNDS_MS). */
export interface LatencyObservations {
  arm: string;
  bucket: number;
  count?: number;
}

/** Item ids served to an arm, for its coverage sketch. */
export interface ServedItems {
  arm: string;
  itemIds: readonly string[];
}

/** One arm's counters in one shard. */
export interface ArmCounters {
  counters: Record<ExperimentMetric, number>;
  /** Request counts per latency bucket (LATENCY_BUCKET_BOUNDS_MS). */
  latency: number[];
  sums: Record<ExperimentSum, number>;
  /** HyperLogLog registers (shared/experiments/hyperloglog.ts) of the served item ids; null before any. */
  sketch: Uint8Array | null;
}
