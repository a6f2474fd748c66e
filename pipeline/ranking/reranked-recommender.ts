/**
 * The offline form of the serving funnel as a recommender: the retrieval model's top-N
 * candidates (excluded items removed), turned into feature rows by the shared spec and re-ordered
 * by a ranker's scores. Lets the evaluation protocol score "candidates → ranker" like any model.
 */
import type { ScoredIndex } from "../../shared/math/top-k";
import type { InteractionMatrix } from "../data/interaction-matrix";
import type { Recommender } from "../models/recommender";
import type { SavedModel } from "../models/saved-model";
import { CandidateRowBuilder, type RankerItemInfo, type RankerUserProfiles } from "./ranker-examples";

/** Scores one feature row (higher is better). */
export type RowScorer = (row: ArrayLike<number>) => number;

/** Retrieval candidates re-ranked by a feature-row scorer; `fit` is a no-op (parts come fitted). */
export class RerankedRecommender implements Recommender {
  readonly name = "funnel";
  readonly factors = null;
  private readonly builder: CandidateRowBuilder;

  /**
   * @param retrieval candidate source, fitted on `train`
   * @param train the training log the feature rows are built from
   * @param candidates how many retrieval candidates the ranker sees
   * @param profiles user demographics for the feature rows
   */
  constructor(
    private readonly retrieval: Recommender,
    train: InteractionMatrix,
    items: readonly RankerItemInfo[],
    private readonly score: RowScorer,
    private readonly candidates = 100,
    profiles: RankerUserProfiles = [],
  ) {
    this.builder = new CandidateRowBuilder(train, items, profiles, retrieval.factors);
  }

  fit(): void {}

  /** The retrieval model's scores (the ranker only re-orders its top candidates). */
  scoreItems(userIndex: number, out?: Float32Array): Float32Array {
    return this.retrieval.scoreItems(userIndex, out);
  }

  recommend(userIndex: number, k: number, exclude?: Iterable<number>): ScoredIndex[] {
    const candidates = this.retrieval.recommend(userIndex, Math.max(k, this.candidates), exclude);
    const rows = this.builder.rows(userIndex, candidates);
    const scores = rows.map((row) => this.score(row));
    return candidates
      .map((c, j) => ({ index: c.index, score: scores[j]!, j }))
      .sort((a, b) => b.score - a.score || a.j - b.j)
      .slice(0, k)
      .map(({ index, score }) => ({ index, score }));
  }

  similarItems(itemIndex: number, k: number): ScoredIndex[] {
    return this.retrieval.similarItems(itemIndex, k);
  }

  save(): SavedModel {
    throw new Error("a re-ranked funnel is not saved as a model; export its ranker instead");
  }
}
