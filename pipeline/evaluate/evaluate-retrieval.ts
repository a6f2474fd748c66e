/**
 * Scores any recommender on a train/test split: for every test user, recommend k items excluding
 * the user's training items and compare with the held-out items. Sees only `recommend`.
 */
import { rowIndices } from "../data/interaction-matrix";
import type { Recommender } from "../models/recommender";
import type { InteractionSplit } from "../split/interaction-split";
import { ndcgAtK } from "../../shared/metrics/ndcg-at-k";
import { recallAtK } from "../../shared/metrics/recall-at-k";

/** Averages over test users. */
export interface RetrievalQuality {
  k: number;
  users: number;
  ndcg: number;
  recall: number;
  /** Share of users with at least one held-out item in the top k. */
  hitRate: number;
}

/** Evaluates `model` (fitted on `split.train`) against `split.test` at cutoff `k`. */
export function evaluateRetrieval(model: Recommender, split: InteractionSplit, k = 10): RetrievalQuality {
  let ndcg = 0;
  let recall = 0;
  let hits = 0;
  for (const user of split.testUsers) {
    const relevant = new Set(rowIndices(split.test, user));
    const ranked = model.recommend(user, k, rowIndices(split.train, user)).map((r) => r.index);
    ndcg += ndcgAtK(ranked, relevant, k);
    recall += recallAtK(ranked, relevant, k);
    if (ranked.some((item) => relevant.has(item))) hits++;
  }
  const users = split.testUsers.length;
  const mean = (sum: number) => (users > 0 ? sum / users : 0);
  return { k, users, ndcg: mean(ndcg), recall: mean(recall), hitRate: mean(hits) };
}
