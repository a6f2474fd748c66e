/**
 * The non-personalised baseline: every user gets the items most users interacted with. Used as the
 * retrieval baseline in diagnostics and as the shape of the trending fallback.
 */
import type { InteractionMatrix } from "../data/interaction-matrix";
import { topK, type ScoredIndex } from "../../shared/math/top-k";
import { exclusionMask, type LatentFactors, type Recommender } from "./recommender";

/** Ranks items by the number of distinct users with a positive interaction (ties: more events). */
export class Popularity implements Recommender {
  readonly name = "popularity";
  readonly factors: LatentFactors | null = null;
  private scores = new Float64Array(0);

  /** Counts each item's users (and, as a tie-breaker, events). */
  fit(interactions: InteractionMatrix): void {
    const totalEvents = interactions.counts.reduce((a, b) => a + b, 0);
    this.scores = new Float64Array(interactions.cols);
    for (let e = 0; e < interactions.indices.length; e++) {
      this.scores[interactions.indices[e]!]! += 1 + interactions.counts[e]! / (totalEvents + 1);
    }
  }

  /** Item scores (users per item, plus a fractional event tie-breaker). */
  get itemScores(): Float64Array {
    return this.scores;
  }

  recommend(_userIndex: number, k: number, exclude?: Iterable<number>): ScoredIndex[] {
    const excludeMask = exclusionMask(this.scores.length, exclude);
    return topK(this.scores, k, excludeMask ? { excludeMask } : {});
  }

  /** Without item features the most similar items are simply the most popular other items. */
  similarItems(itemIndex: number, k: number): ScoredIndex[] {
    return this.recommend(-1, k, [itemIndex]);
  }
}
