/**
 * The objectives a multi-objective ranker predicts and how their probabilities become one score.
 * A trained MLP ranker has one logistic head per objective present in its training data; the
 * reference scorer (pipeline/export/onnx-mlp-ranker.ts `scoreMlp`) combines the heads with
 * {@link combineObjectives} and the exported ONNX graph computes the same weighted mean.
 */

/**
 * What a candidate may lead to, shallow to deep: `click` (the user opened it), `engage` (liked or
 * completed it), `purchase` (bought it). A dataset without an objective simply trains no head for
 * it (MovieLens has clicks and engagement, no purchases).
 */
export const RANKING_OBJECTIVES = ["click", "engage", "purchase"] as const;

/** One of {@link RANKING_OBJECTIVES}. */
export type RankingObjective = (typeof RANKING_OBJECTIVES)[number];

/**
 * Business value of one event of each objective, in clicks: an engagement (a like or a completed
 * view) is worth two clicks, a purchase four. The deeper an event lies in the funnel the rarer and
 * the more valuable it is, so the combined score is the expected value of showing the candidate,
 * in click units, divided by the total weight (which keeps it in (0, 1) like a probability). The
 * values are a starting point to tune per product, not a measured exchange rate.
 */
export const DEFAULT_OBJECTIVE_WEIGHTS = { click: 1, engage: 2, purchase: 4 } as const satisfies Record<RankingObjective, number>;

/**
 * The combined score Σ w_o·p_o / Σ w_o over the objectives present in `probabilities` (the heads a
 * model has). Throws a RangeError when a present objective has no finite, non-negative weight, or
 * when the weights of the present objectives sum to 0.
 *
 * @example
 * combineObjectives({ click: 0.5, engage: 0.2 }); // (1·0.5 + 2·0.2) / 3 = 0.3
 */
export function combineObjectives(
  probabilities: Partial<Record<RankingObjective, number>>,
  weights: Partial<Record<RankingObjective, number>> = DEFAULT_OBJECTIVE_WEIGHTS,
): number {
  let weighted = 0;
  let total = 0;
  for (const objective of RANKING_OBJECTIVES) {
    const probability = probabilities[objective];
    if (probability === undefined) continue;
    const weight = weights[objective];
    if (weight === undefined || !Number.isFinite(weight) || weight < 0) {
      throw new RangeError(`objective "${objective}" needs a finite, non-negative weight, got ${weight}`);
    }
    weighted += weight * probability;
    total += weight;
  }
  if (total === 0) throw new RangeError("the objectives to combine have no positive weight");
  return weighted / total;
}
