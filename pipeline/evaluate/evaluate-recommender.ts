/**
 * The published evaluation protocol applied to any fitted recommender: for every evaluable user
 * of a split, the top k items with the user's training items removed, scored against the user's
 * held-out items by the shared metrics — accuracy (precision, recall, nDCG, MAP at k) plus
 * catalogue coverage, long-tail share and coverage, novelty and intra-list diversity. The model is only asked for ranked lists.
 */
import { rowIndices, type InteractionMatrix } from "../data/interaction-matrix";
import type { Recommender } from "../models/recommender";
import type { InteractionSplit } from "../split/interaction-split";
import { catalogCoverage } from "../../shared/metrics/catalog-coverage";
import { intraListDiversity, type ItemSimilarity } from "../../shared/metrics/intra-list-diversity";
import { longTailMetrics } from "../../shared/metrics/long-tail-metrics";
import { novelty } from "../../shared/metrics/novelty";
import { rankingMetrics, type RankingMetrics } from "../../shared/metrics/ranking-metrics";
import { itemCooccurrenceSimilarity } from "./item-cooccurrence-similarity";

/** Accuracy and beyond-accuracy metrics of one model on one split. */
export interface RecommenderQuality extends RankingMetrics {
  /** Distinct recommended items / items with at least one training interaction. */
  coverage: number;
  /** Recommended slots from outside the 20 % most popular training items / all slots. */
  longTailShare: number;
  /** Distinct recommended long-tail items / long-tail items with training interactions. */
  longTailCoverage: number;
  /** Mean −log₂ of the training popularity share of every recommended item. */
  novelty: number;
  /** Mean pairwise 1 − co-occurrence cosine inside each list. */
  diversity: number;
  /** How often each item was recommended (catalogue-sized), for long-tail plots. */
  itemCounts: Int32Array;
}

/** Options of {@link evaluateRecommender}. */
export interface EvaluateRecommenderOptions {
  /** Cut-off. */
  k: number;
  /** Skip the beyond-accuracy metrics (cheaper; used while tuning). */
  accuracyOnly: boolean;
  /** Similarity for intra-list diversity (default: co-occurrence cosine on `split.train`; share one across models). */
  similarity?: ItemSimilarity;
  /** Called every `progressEvery` users with the number done. */
  onProgress?: (done: number, total: number) => void;
  progressEvery: number;
}

/** Defaults: k = 10, every metric. */
export const EVALUATE_RECOMMENDER_DEFAULTS = {
  k: 10,
  accuracyOnly: false,
  progressEvery: 100,
} as const satisfies EvaluateRecommenderOptions;

/** Recommends for every user of `split.testUsers` and scores the lists. */
export function evaluateRecommender(
  model: Recommender,
  split: InteractionSplit,
  options: Partial<EvaluateRecommenderOptions> = {},
): RecommenderQuality {
  const opts = { ...EVALUATE_RECOMMENDER_DEFAULTS, ...options } satisfies EvaluateRecommenderOptions;
  const predictions = new Map<number, Int32Array>();
  const truth = new Map<number, Set<number>>();
  const users = split.testUsers;
  for (let t = 0; t < users.length; t++) {
    const user = users[t]!;
    const ranked = model.recommend(user, opts.k, rowIndices(split.train, user));
    predictions.set(
      user,
      Int32Array.from(ranked, (r) => r.index),
    );
    truth.set(user, new Set(rowIndices(split.test, user)));
    if (opts.onProgress && ((t + 1) % opts.progressEvery === 0 || t + 1 === users.length)) opts.onProgress(t + 1, users.length);
  }
  const accuracy = rankingMetrics(predictions, truth, opts.k);
  const lists = [...predictions.values()];
  const itemCounts = new Int32Array(split.train.cols);
  for (const list of lists) for (const item of list) itemCounts[item]!++;
  if (opts.accuracyOnly) {
    const nan = Number.NaN;
    return { ...accuracy, coverage: nan, longTailShare: nan, longTailCoverage: nan, novelty: nan, diversity: nan, itemCounts };
  }
  const { itemUsers, trainUsers, trainItems } = trainingCounts(split.train);
  const longTail = longTailMetrics(lists, itemUsers);
  return {
    ...accuracy,
    coverage: catalogCoverage(lists, trainItems),
    longTailShare: longTail.share,
    longTailCoverage: longTail.coverage,
    novelty: novelty(lists, itemUsers, trainUsers),
    diversity: intraListDiversity(lists, opts.similarity ?? itemCooccurrenceSimilarity(split.train)),
    itemCounts,
  };
}

function trainingCounts(train: InteractionMatrix): { itemUsers: Int32Array; trainUsers: number; trainItems: number } {
  const itemUsers = new Int32Array(train.cols);
  for (let e = 0; e < train.indices.length; e++) itemUsers[train.indices[e]!]!++;
  let trainUsers = 0;
  for (let u = 0; u < train.rows; u++) if (train.indptr[u + 1]! > train.indptr[u]!) trainUsers++;
  let trainItems = 0;
  for (let i = 0; i < train.cols; i++) if (itemUsers[i]! > 0) trainItems++;
  return { itemUsers, trainUsers, trainItems };
}
