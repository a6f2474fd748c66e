/**
 * Fixed log-spaced latency buckets, so per-arm latency can be counted in a few integers (and
 * summed across shards) and a tail percentile read back as the bucket's upper bound.
 */

/** Upper bounds of the buckets, in milliseconds (the last one catches everything above). */
export const LATENCY_BUCKET_BOUNDS_MS = [2, 5, 10, 15, 20, 30, 50, 75, 100, 150, 250, 500, 1000, 2500, Infinity] as const;

/** The bucket index of a latency. */
export function latencyBucket(ms: number): number {
  const index = LATENCY_BUCKET_BOUNDS_MS.findIndex((bound) => ms <= bound);
  return index < 0 ? LATENCY_BUCKET_BOUNDS_MS.length - 1 : index;
}

/** The upper bound of the bucket holding quantile q (0..1) of the counted latencies, or null when empty. */
export function latencyQuantile(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i] ?? 0;
    if (seen >= rank) return LATENCY_BUCKET_BOUNDS_MS[i]!;
  }
  return LATENCY_BUCKET_BOUNDS_MS.at(-1)!;
}
