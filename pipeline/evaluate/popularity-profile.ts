/**
 * The long-tail view of recommendations: items are ranked by training popularity and cut into
 * equal-sized buckets (deciles by default, most popular first); for the data and for each model
 * we report the share of interactions (or of recommended slots) that falls into each bucket.
 */

/** Share per popularity bucket, most popular bucket first. */
export interface PopularityProfile {
  buckets: number;
  /** Share of training interactions per bucket. */
  interactions: number[];
  /** Share of recommended slots per bucket, per model. */
  models: Record<string, number[]>;
}

/** Builds the profile from per-item training counts and per-model recommendation counts. */
export function popularityProfile(
  itemInteractions: ArrayLike<number>,
  recommendationCounts: Record<string, ArrayLike<number>>,
  buckets = 10,
): PopularityProfile {
  const n = itemInteractions.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => itemInteractions[b]! - itemInteractions[a]! || a - b);
  const bucketOf = new Int32Array(n);
  order.forEach((item, rank) => {
    bucketOf[item] = Math.min(buckets - 1, Math.floor((rank * buckets) / Math.max(1, n)));
  });
  const shares = (counts: ArrayLike<number>): number[] => {
    const sums = new Array<number>(buckets).fill(0);
    let total = 0;
    for (let i = 0; i < n; i++) {
      sums[bucketOf[i]!]! += counts[i]!;
      total += counts[i]!;
    }
    return sums.map((s) => (total > 0 ? s / total : 0));
  };
  return {
    buckets,
    interactions: shares(itemInteractions),
    models: Object.fromEntries(Object.entries(recommendationCounts).map(([key, counts]) => [key, shares(counts)])),
  };
}
