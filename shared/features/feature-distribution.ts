/**
 * The distribution of the ranker's features as training saw them: per feature, quantile bin edges
 * and the share of training rows in each bin. `train` records it in the release manifest
 * (`featureDistribution`); the Worker bins the rows it serves with the same edges
 * (workers/metrics/served-features.ts) and the metrics report compares the two with the population
 * stability index (shared/metrics/population-stability.ts) — drift between what the ranker was
 * trained on and what it scores now.
 *
 * Bin `i` holds values `v ≤ edges[i]` (and above `edges[i-1]`); the last bin, `edges.length`, holds
 * everything above the last edge. Edges are the deciles of the training values, without repeats, so
 * a binary feature has one edge (0) and two bins.
 */

/** One feature's training histogram. */
export interface FeatureHistogram {
  feature: string;
  /** Ascending, distinct upper bounds; `counts` has one more entry. */
  edges: number[];
  /** Training rows per bin. */
  counts: number[];
}

/** The training distribution of every feature of one feature spec. */
export interface FeatureDistribution {
  /** `FEATURE_SPEC.hash` of the rows. */
  featureSpecHash: string;
  /** Training rows counted (after sampling, see {@link featureDistribution}). */
  rows: number;
  /** One histogram per feature, in row order. */
  features: FeatureHistogram[];
}

/** Options of {@link featureDistribution}. */
export interface FeatureDistributionOptions {
  /** Quantile bins per feature (fewer when values repeat). */
  bins: number;
  /** Most rows read: beyond it every k-th row is taken (deterministic). */
  maxRows: number;
}

/** Defaults: deciles over at most 200 000 rows. */
export const FEATURE_DISTRIBUTION_DEFAULTS = { bins: 10, maxRows: 200_000 } as const satisfies FeatureDistributionOptions;

/** The bin of `value` for `edges` (binary search; NaN goes to the last bin). */
export function featureBin(edges: readonly number[], value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (value <= edges[middle]!) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * The distribution of `rows` (one number per feature of `names`, in order).
 *
 * @example
 * featureDistribution([[0], [1], [1], [1]], ["sponsored"], "h", { bins: 4 }).features[0]
 * // { feature: "sponsored", edges: [0, 1], counts: [1, 3, 0] }
 */
export function featureDistribution(
  rows: readonly (readonly number[])[],
  names: readonly string[],
  featureSpecHash: string,
  options: Partial<FeatureDistributionOptions> = {},
): FeatureDistribution {
  const { bins, maxRows } = { ...FEATURE_DISTRIBUTION_DEFAULTS, ...options } satisfies FeatureDistributionOptions;
  const stride = Math.max(1, Math.ceil(rows.length / maxRows));
  const sampled = stride === 1 ? rows : rows.filter((_, i) => i % stride === 0);
  const features = names.map((feature, f) => {
    const values = Float64Array.from(sampled, (row) => row[f] ?? 0).sort();
    const edges: number[] = [];
    for (let q = 1; q < bins; q++) {
      if (values.length === 0) break;
      const edge = values[Math.min(values.length - 1, Math.ceil((q / bins) * values.length) - 1)]!;
      if (edges.length === 0 || edge > edges.at(-1)!) edges.push(edge);
    }
    const counts = new Array<number>(edges.length + 1).fill(0);
    for (const value of values) counts[featureBin(edges, value)]!++;
    return { feature, edges, counts };
  });
  return { featureSpecHash, rows: sampled.length, features };
}
