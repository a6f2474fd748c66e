/**
 * Thompson sampling over Beta arms: draw a success rate θ ~ Beta(α, β) for every arm and play the
 * arm with the highest draw. Arms with little evidence draw widely (exploration), arms with a
 * high observed rate draw high (exploitation). The random source is injected so that a request
 * (or a test) with a given seed always makes the same choices.
 */
import type { Rng } from "../math/random";
import { sampleBeta } from "../math/sample-beta";
import type { BetaPrior } from "./beta-arm";

/** An arm to sample: an id and its posterior parameters. */
export interface ThompsonArm<Id> extends BetaPrior {
  id: Id;
}

/** One arm's draw. */
export interface ThompsonDraw<Id> {
  id: Id;
  /** The sampled success rate. */
  sample: number;
}

/**
 * Draws θ for every arm and returns all arms ordered by their draw, best first (ties keep input
 * order). Take the first for one pull, or walk down the list when the best arm has nothing left
 * to offer.
 * @example
 * const [best] = thompsonSample([{ id: "Drama", alpha: 3, beta: 9 }, { id: "Horror", alpha: 1, beta: 1 }], createRng(7));
 */
export function thompsonSample<Id>(arms: readonly ThompsonArm<Id>[], rng: Rng): ThompsonDraw<Id>[] {
  return arms
    .map((arm, order) => ({ id: arm.id, sample: sampleBeta(arm.alpha, arm.beta, rng), order }))
    .sort((a, b) => b.sample - a.sample || a.order - b.order)
    .map(({ id, sample }) => ({ id, sample }));
}
