/**
 * Trains the rankers that re-order retrieval candidates at serving time. Users with held-out items
 * are split (seeded) into fit and evaluation groups; the fit group's candidates, with negatives
 * subsampled, train the logistic regression and the multi-objective MLP (choose-ranker.ts); the
 * evaluation group's full candidate lists measure whether each orders held-out items better than
 * retrieval order does, and choose the sidecar's ranker.
 */
import type { LinearRankerModel } from "../../shared/ranking/linear-ranker";
import { createRng } from "../../shared/math/random";
import type { Recommender } from "../models/recommender";
import type { InteractionSplit } from "../split/interaction-split";
import type { RankingObjective } from "../../shared/ranking/ranking-objectives";
import type { MlpRankerModel } from "../export/onnx-mlp-ranker";
import { CHOOSE_RANKER_DEFAULTS, fitAndChooseRanker, type RankingQuality } from "./choose-ranker";
import type { FitMlpRankerOptions } from "./fit-mlp-ranker";
import type { ObjectiveLabels } from "./objective-labels";
import type { LogisticRegressionOptions } from "./logistic-regression";
import { buildRankerExamples, type RankerItemInfo, type RankerUserProfiles } from "./ranker-examples";
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
  /** MLP options; `false` trains the logistic ranker only. */
  mlp: Partial<FitMlpRankerOptions> | false;
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
  mlp: CHOOSE_RANKER_DEFAULTS.mlp,
} as const satisfies TrainLinearRankerOptions;

export type { RankingQuality };

/** What training saw and how the rankers compare with retrieval order on held-back users. */
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
  /** The logistic ranker's quality (the light ranker; the sidecar's too unless the MLP is chosen). */
  ranker: RankingQuality;
  retrieval: RankingQuality;
  /** The multi-objective MLP's quality, null when it was not trained (`mlpSkipped` says why). */
  mlp: RankingQuality | null;
  mlpSkipped?: string;
  /** The sidecar's ranker: the MLP when it beats the logistic ranker by MLP_MIN_GAIN. */
  chosen: "logistic" | "mlp";
  /** The MLP's heads (objectives present in the data). */
  objectives: RankingObjective[];
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
  /** What each pair reached (engagement, purchase): the MLP's heads. */
  objectives?: ObjectiveLabels;
}

/**
 * Trains the logistic ranker and the multi-objective MLP on the fit users and compares them on the
 * evaluation users; weights apply to raw `buildFeatureRow` rows. `mlp` is returned when chosen.
 */
export function trainLinearRanker(
  input: TrainLinearRankerInput,
  options: Partial<TrainLinearRankerOptions> = {},
): { model: LinearRankerModel; mlp: MlpRankerModel | null; report: LinearRankerReport } {
  const opts = { ...TRAIN_LINEAR_RANKER_DEFAULTS, ...options } satisfies TrainLinearRankerOptions;
  const rng = createRng(opts.seed);
  const users = rng.shuffle(Array.from(input.split.testUsers));
  if (users.length < 2) throw new Error("ranker training needs at least two users with held-out items");
  const evaluationCount = Math.min(users.length - 1, Math.max(1, Math.round(users.length * opts.evaluationShare)));
  const evaluationUsers = users.slice(0, evaluationCount).sort((a, b) => a - b);
  const fitUsers = users.slice(evaluationCount).sort((a, b) => a - b);
  const examples = (list: number[]) => buildRankerExamples({ ...input, users: list }, { candidates: opts.candidates });

  const fitGroups = examples(fitUsers);
  const evaluationGroups = examples(evaluationUsers);
  const choice = fitAndChooseRanker(fitGroups, evaluationGroups, {
    negativeSampleRate: opts.negativeSampleRate,
    seed: opts.seed,
    modelVersion: opts.modelVersion,
    k: opts.k,
    mlp: opts.mlp,
  });
  const fit = choice.logistic;
  let found = 0;
  let relevant = 0;
  for (const group of evaluationGroups) {
    found += group.labels.reduce((a, b) => a + b, 0);
    relevant += group.relevant.length;
  }
  return {
    model: fit.model,
    mlp: choice.chosen === "mlp" ? choice.mlp!.model : null,
    report: {
      fitUsers: fitUsers.length,
      fitRows: fit.rows,
      fitPositives: fit.positives,
      fitRejected: fit.rejected,
      evaluationUsers: evaluationUsers.length,
      candidateRecall: relevant > 0 ? found / relevant : 0,
      k: opts.k,
      ranker: choice.quality.logistic,
      retrieval: choice.quality.retrieval,
      mlp: choice.quality.mlp,
      ...(choice.mlpSkipped ? { mlpSkipped: choice.mlpSkipped } : {}),
      chosen: choice.chosen,
      objectives: choice.mlp?.objectives ?? ["click"],
      trainLoss: fit.loss,
      featureDistribution: featureDistribution(
        fitGroups.flatMap((group) => group.rows),
        FEATURE_SPEC.names,
        FEATURE_SPEC.hash,
      ),
    },
  };
}
