/**
 * Popularity bias correction by inverse propensity weighting of the training pairs: in implicit
 * feedback a popular item is more likely to have been seen at all, so its positives stand for
 * fewer "liked" pairs of an unbiased log than a rare item's. The item propensity grows with
 * popularity as a power law, pᵢ = (nᵢ / maxⱼ nⱼ)^γ with nᵢ the item's training users (Yang et al.,
 * "Unbiased offline recommender evaluation for missing-not-at-random implicit feedback", RecSys
 * 2018; Steck's popularity-stratified recall, RecSys 2011, weights hits the same way), and every
 * positive pair's weight r_ui is multiplied by min(maxWeight, 1/pᵢ), then all of them by one factor
 * so that the mean positive weight stays what it was (ALS's α keeps its meaning).
 *
 * Position IPS (`inverse-propensity.ts`) needs logged positions; this one needs only the matrix, so
 * it applies to MovieLens too. γ = 0 leaves the matrix untouched.
 */
import type { InteractionMatrix } from "../data/interaction-matrix";

/** Options of {@link popularityInversePropensity}. */
export interface PopularityPropensityOptions {
  /** Exponent γ of the power-law propensity (0: no correction; 0.5 is typical). */
  gamma: number;
  /** Cap on an item's weight 1/pᵢ, so a handful of one-user items cannot dominate the fit. */
  maxWeight: number;
}

/** Defaults: off (γ = 0), weights capped at 20 as for position IPS. */
export const POPULARITY_PROPENSITY_DEFAULTS = { gamma: 0, maxWeight: 20 } as const satisfies PopularityPropensityOptions;

/**
 * One weight per item (column) of `matrix`: min(maxWeight, (maxⱼ nⱼ / nᵢ)^γ), nᵢ = the item's
 * positive users; 1 for an item without any (it has no pair to weight).
 * @example popularityInversePropensity(m, { gamma: 0.5, maxWeight: 20 }) // items seen by 100 and 25 users → 1, 2
 */
export function popularityInversePropensity(matrix: InteractionMatrix, options: Partial<PopularityPropensityOptions> = {}): Float64Array {
  const { gamma, maxWeight } = { ...POPULARITY_PROPENSITY_DEFAULTS, ...options } satisfies PopularityPropensityOptions;
  if (!(gamma >= 0)) throw new RangeError(`popularity propensity exponent must be ≥ 0, got ${gamma}`);
  if (!(maxWeight >= 1)) throw new RangeError(`popularity propensity maxWeight must be ≥ 1, got ${maxWeight}`);
  const users = new Float64Array(matrix.cols);
  for (let e = 0; e < matrix.indices.length; e++) users[matrix.indices[e]!]!++;
  let most = 0;
  for (const n of users) most = Math.max(most, n);
  return users.map((n) => (n > 0 ? Math.min(maxWeight, (most / n) ** gamma) : 1));
}

/**
 * `matrix` with each entry's confidence r_ui multiplied by its item's
 * {@link popularityInversePropensity} weight, then all by Σ r / Σ r·w so the mean (and total)
 * positive weight is unchanged. γ = 0 (or an empty matrix) returns `matrix` itself.
 */
export function withPopularityInversePropensity(
  matrix: InteractionMatrix,
  options: Partial<PopularityPropensityOptions> = {},
): InteractionMatrix {
  const gamma = options.gamma ?? POPULARITY_PROPENSITY_DEFAULTS.gamma;
  if (gamma === 0 || matrix.indices.length === 0) return matrix;
  const weights = popularityInversePropensity(matrix, options);
  let before = 0;
  let after = 0;
  for (let e = 0; e < matrix.indices.length; e++) {
    const r = matrix.confidence[e]!;
    before += r;
    after += r * weights[matrix.indices[e]!]!;
  }
  const scale = before / after;
  const confidence = matrix.confidence.map((r, e) => r * weights[matrix.indices[e]!]! * scale);
  return { ...matrix, confidence };
}
