/**
 * Factors trained elsewhere (Spark MLlib ALS; docs/spark-als.md) as a {@link Recommender} over a
 * dataset's index space, so the export code that publishes a `train` run (writeArtifacts, the
 * ranker's candidates, fold-in calibration) publishes them unchanged: score = user · item.
 * Nothing is fitted here; the vectors are what the other engine trained.
 */
import type { ScoredIndex } from "../../shared/math/top-k";
import { dot } from "../../shared/math/vector";
import type { InteractionMatrix } from "../data/interaction-matrix";
import { checkIndex, factorRow, factorScores, topScored, type LatentFactors, type Recommender } from "../models/recommender";
import type { SavedModel } from "../models/saved-model";

/** See the file header. */
export class ImportedFactorsRecommender implements Recommender {
  private readonly userCount: number;
  private readonly itemCount: number;

  /** `factors` rows follow the dataset's user and item indices. */
  constructor(
    readonly name: string,
    readonly factors: LatentFactors,
  ) {
    this.userCount = factors.users.length / factors.dimensions;
    this.itemCount = factors.items.length / factors.dimensions;
  }

  fit(_interactions: InteractionMatrix): void {
    // Imported factors are fixed: they were fitted by the engine that trained them.
  }

  scoreItems(userIndex: number, out = new Float32Array(this.itemCount)): Float32Array {
    const { users, items, dimensions } = this.factors;
    return factorScores(users, items, dimensions, checkIndex("user", userIndex, this.userCount), out);
  }

  recommend(userIndex: number, k: number, exclude?: Iterable<number>): ScoredIndex[] {
    return topScored(this.scoreItems(userIndex), k, exclude);
  }

  /** Items by cosine similarity of their vectors. */
  similarItems(itemIndex: number, k: number): ScoredIndex[] {
    const { items, dimensions: d } = this.factors;
    const y = factorRow(items, d, checkIndex("item", itemIndex, this.itemCount));
    const ny = Math.sqrt(dot(y, y, d));
    const scores = new Float32Array(this.itemCount);
    for (let i = 0; i < this.itemCount; i++) {
      const row = factorRow(items, d, i);
      const denominator = ny * Math.sqrt(dot(row, row, d));
      scores[i] = denominator > 0 ? dot(y, row, d) / denominator : 0;
    }
    return topScored(scores, k, [itemIndex]);
  }

  save(): SavedModel {
    throw new Error("imported factors are kept as their factors folder and the artifacts written from it");
  }
}
