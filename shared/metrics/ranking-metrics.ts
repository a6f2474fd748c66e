/**
 * The accuracy columns of the published top-k tables, averaged the way Microsoft Recommenders
 * does: over the users present both in the ground truth and in the predictions, every held-out
 * item relevant (binary gain), a user without hits counting 0. Inputs are ranked lists and
 * relevant sets only — whichever model produced the lists is invisible here.
 */
import { averagePrecisionAtK } from "./average-precision-at-k";
import { ndcgAtK } from "./ndcg-at-k";
import { precisionAtK } from "./precision-at-k";
import { recallAtK } from "./recall-at-k";

/** Mean accuracy metrics at one cut-off. */
export interface RankingMetrics {
  /** Cut-off. */
  k: number;
  /** Users averaged over (in both truth and predictions). */
  users: number;
  precision: number;
  recall: number;
  ndcg: number;
  /** Mean average precision normalised by |relevant| (the tables' MAP). */
  map: number;
  /** Share of users with at least one hit. */
  hitRate: number;
}

/**
 * Averages precision, recall, nDCG, MAP and hit rate at `k` over the users in both maps.
 * @example
 * rankingMetrics(new Map([[7, [1, 2, 3]]]), new Map([[7, new Set([2])]]), 3);
 * // { k: 3, users: 1, precision: 1/3, recall: 1, ndcg: 1/log2(3), map: 0.5, hitRate: 1 }
 */
export function rankingMetrics(
  predictions: ReadonlyMap<number, ArrayLike<number>>,
  truth: ReadonlyMap<number, ReadonlySet<number>>,
  k: number,
): RankingMetrics {
  let users = 0;
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  let map = 0;
  let hits = 0;
  for (const [user, relevant] of truth) {
    const ranked = predictions.get(user);
    if (ranked === undefined) continue;
    users++;
    precision += precisionAtK(ranked, relevant, k);
    recall += recallAtK(ranked, relevant, k);
    ndcg += ndcgAtK(ranked, relevant, k);
    map += averagePrecisionAtK(ranked, relevant, k);
    for (let i = 0; i < Math.min(k, ranked.length); i++) {
      if (relevant.has(ranked[i]!)) {
        hits++;
        break;
      }
    }
  }
  const mean = (sum: number) => (users > 0 ? sum / users : 0);
  return { k, users, precision: mean(precision), recall: mean(recall), ndcg: mean(ndcg), map: mean(map), hitRate: mean(hits) };
}
