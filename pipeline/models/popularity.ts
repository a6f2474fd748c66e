/**
 * The non-personalised baseline: every user gets the items most users interacted with. Used as the
 * retrieval baseline in evaluation and as the shape of the trending fallback.
 */
import type { InteractionMatrix } from "../data/interaction-matrix";
import type { ScoredIndex } from "../../shared/math/top-k";
import { checkIndex, topScored, type LatentFactors, type Recommender } from "./recommender";
import { savedArray, type SavedModel } from "./saved-model";

/** Ranks items by the number of distinct users with a positive interaction (ties: more events). */
export class Popularity implements Recommender {
  readonly name = "popularity";
  readonly factors: LatentFactors | null = null;
  private scores: Float64Array = new Float64Array(0);

  /** Restores a model saved by {@link Popularity.save}. */
  static load(saved: SavedModel): Popularity {
    const model = new Popularity();
    model.scores = savedArray(saved, "scores", Float64Array);
    return model;
  }

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

  scoreItems(_userIndex: number, out = new Float32Array(this.scores.length)): Float32Array {
    out.set(this.scores);
    return out;
  }

  recommend(_userIndex: number, k: number, exclude?: Iterable<number>): ScoredIndex[] {
    return topScored(this.scores, k, exclude);
  }

  /** Without item features the most similar items are simply the most popular other items. */
  similarItems(itemIndex: number, k: number): ScoredIndex[] {
    checkIndex("item", itemIndex, this.scores.length);
    return this.recommend(-1, k, [itemIndex]);
  }

  save(): SavedModel {
    return { model: this.name, options: {}, arrays: { scores: this.scores } };
  }
}
