/**
 * Trains the logistic ranker that re-orders retrieval candidates at serving time. Users with
 * held-out items are split (seeded) into fit and evaluation groups; the fit group's candidates,
 * with negatives subsampled, train the logistic regression; the evaluation group's full candidate
 * lists measure whether the ranker orders held-out items better than retrieval order does.
 */
import { scoreLinear, type LinearRankerModel } from "../../shared/ranking/linear-ranker";
import { createRng } from "../../shared/math/random";
import { ndcgAtK } from "../../shared/metrics/ndcg-at-k";
import { recallAtK } from "../../shared/metrics/recall-at-k";
import { rocAuc } from "../../shared/metrics/roc-auc";
import type { Recommender } from "../models/recommender";
import type { InteractionSplit } from "../split/interaction-split";
import { fitLinearRanker } from "./fit-linear-ranker";
import type { LogisticRegressionOptions } from "./logistic-regression";
import { buildRankerExamples, type RankerExampleGroup, type RankerItemInfo, type RankerUserProfiles } from "./ranker-examples";
import { type FeatureDistribution, featureDistribution } from "../../shared/features/feature-distribution";
import { FEATURE_SPEC } from "../../shared/features/feature-spec";

/** Options of {@link trainLinearRanker}. */
export interface TrainLinearRankerOptions {
  /** Retrieval candidates per user. */
  candidates: number;
  /** Share of negative candidates kept for fitting (positives are always kept). */
  negativeSampleRate: number;
  /** Share of users held back to evaluate the ranker. */
  evaluationShare: number;
  /** Cut-off of the ranking metrics. */
  k: number;
  seed: number;
  /** Stamped into the model; `writeArtifacts` replaces it with the published version. */
  modelVersion: string;
  logistic: Partial<LogisticRegressionOptions>;
}

/** Defaults: top-100 candidates, 20% of negatives, 20% of users for evaluation. */
export const TRAIN_LINEAR_RANKER_DEFAULTS = {
  candidates: 100,
  negativeSampleRate: 0.2,
  evaluationShare: 0.2,
  k: 10,
  seed: 42,
  modelVersion: "unversioned",
  logistic: {},
} as const satisfies TrainLinearRankerOptions;

/** How well one ordering of the evaluation users' candidates matches their held-out items. */
export interface RankingQuality {
  /** Mean per-user ROC AUC over users with both labels among their candidates. */
  auc: number;
  /** Mean nDCG@k over evaluation users. */
  ndcg: number;
  /** Mean recall@k over evaluation users. */
  recall: number;
}

/** What training saw and how the ranker compares with retrieval order on held-back users. */
export interface LinearRankerReport {
  fitUsers: number;
  fitRows: number;
  fitPositives: number;
  /** Fit rows labelled 0 by the user's explicit negative feedback (a hide, skip or low rating). */
  fitRejected: number;
  evaluationUsers: number;
  /** Share of held-out items that appear among the candidates (the ranker's ceiling). */
  candidateRecall: number;
  k: number;
  ranker: RankingQuality;
  retrieval: RankingQuality;
  /** Final training log-loss. */
  trainLoss: number;
  /**
   * The features' distribution over every retrieved candidate of the fit users (before negative
   * sampling: what the ranker scores at serving time); the manifest records it for drift.
   */
  featureDistribution: FeatureDistribution;
}

/** Inputs of {@link trainLinearRanker}. */
export interface TrainLinearRankerInput {
  /** Retrieval model fitted on `split.train`. */
  retrieval: Recommender;
  split: InteractionSplit;
  catalog: { items: readonly RankerItemInfo[] };
  /** User demographics (age, gender, usual device) for the feature rows. */
  profiles?: RankerUserProfiles;
}

/** Trains the logistic ranker; weights apply to raw `buildFeatureRow` rows. */
export function trainLinearRanker(
  input: TrainLinearRankerInput,
  options: Partial<TrainLinearRankerOptions> = {},
): { model: LinearRankerModel; report: LinearRankerReport } {
  const opts = { ...TRAIN_LINEAR_RANKER_DEFAULTS, ...options } satisfies TrainLinearRankerOptions;
  const rng = createRng(opts.seed);
  const users = rng.shuffle(Array.from(input.split.testUsers));
  if (users.length < 2) throw new Error("ranker training needs at least two users with held-out items");
  const evaluationCount = Math.min(users.length - 1, Math.max(1, Math.round(users.length * opts.evaluationShare)));
  const evaluationUsers = users.slice(0, evaluationCount).sort((a, b) => a - b);
  const fitUsers = users.slice(evaluationCount).sort((a, b) => a - b);
  const examples = (list: number[]) => buildRankerExamples({ ...input, users: list }, { candidates: opts.candidates });

  const fitGroups = examples(fitUsers);
  const fit = fitLinearRanker(fitGroups, {
    negativeSampleRate: opts.negativeSampleRate,
    seed: opts.seed,
    modelVersion: opts.modelVersion,
    logistic: opts.logistic,
  });
  const model = fit.model;

  const evaluationGroups = examples(evaluationUsers);
  const ranker = rankingQuality(evaluationGroups, opts.k, (group) => group.rows.map((row) => scoreLinear(model, row)));
  const retrieval = rankingQuality(evaluationGroups, opts.k, (group) => group.rows.map((_, rank) => -rank));
  let found = 0;
  let relevant = 0;
  for (const group of evaluationGroups) {
    found += group.labels.reduce((a, b) => a + b, 0);
    relevant += group.relevant.length;
  }
  return {
    model,
    report: {
      fitUsers: fitUsers.length,
      fitRows: fit.rows,
      fitPositives: fit.positives,
      fitRejected: fit.rejected,
      evaluationUsers: evaluationUsers.length,
      candidateRecall: relevant > 0 ? found / relevant : 0,
      k: opts.k,
      ranker,
      retrieval,
      trainLoss: fit.loss,
      featureDistribution: featureDistribution(
        fitGroups.flatMap((group) => group.rows),
        FEATURE_SPEC.names,
        FEATURE_SPEC.hash,
      ),
    },
  };
}

/** Orders each group's candidates by `score` (descending, stable) and averages the metrics. */
function rankingQuality(groups: RankerExampleGroup[], k: number, score: (group: RankerExampleGroup) => number[]): RankingQuality {
  let aucSum = 0;
  let aucUsers = 0;
  let ndcg = 0;
  let recall = 0;
  for (const group of groups) {
    const scores = score(group);
    const auc = rocAuc(scores, group.labels);
    if (!Number.isNaN(auc)) {
      aucSum += auc;
      aucUsers++;
    }
    const order = scores.map((_, j) => j).sort((a, b) => scores[b]! - scores[a]! || a - b);
    const ranked = order.map((j) => group.items[j]!);
    const relevant = new Set(group.relevant);
    ndcg += ndcgAtK(ranked, relevant, k);
    recall += recallAtK(ranked, relevant, k);
  }
  const n = Math.max(1, groups.length);
  return { auc: aucUsers > 0 ? aucSum / aucUsers : Number.NaN, ndcg: ndcg / n, recall: recall / n };
}
