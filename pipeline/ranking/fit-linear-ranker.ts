/**
 * Fits the logistic ranker on example groups: every positive candidate, every candidate the user
 * explicitly rejected (label 0 from a hide, skip or low rating: never sampled away) and a seeded
 * sample of the other negatives (retrieved items the user did not pick) become rows of a logistic
 * regression whose weights apply to raw `buildFeatureRow` rows.
 */
import { FEATURE_SPEC } from "../../shared/features/feature-spec";
import { createRng } from "../../shared/math/random";
import type { LinearRankerModel } from "../../shared/ranking/linear-ranker";
import { fitLogisticRegression, type LogisticRegressionOptions } from "./logistic-regression";
import type { RankerExampleGroup } from "./ranker-examples";

/** The example groups hold only hits or only misses, so there is nothing to learn from. */
export class RankerTrainingDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RankerTrainingDataError";
  }
}

/** Options of {@link fitLinearRanker}. */
export interface FitLinearRankerOptions {
  /** Share of unpicked candidates kept (positives and explicitly rejected candidates are always kept). */
  negativeSampleRate: number;
  seed: number;
  modelVersion: string;
  logistic: Partial<LogisticRegressionOptions>;
}

/** Defaults: 20% of negatives. */
export const FIT_LINEAR_RANKER_DEFAULTS = {
  negativeSampleRate: 0.2,
  seed: 42,
  modelVersion: "unversioned",
  logistic: {},
} as const satisfies FitLinearRankerOptions;

/** The fitted model and what it was fitted on. */
export interface LinearRankerFit {
  model: LinearRankerModel;
  rows: number;
  positives: number;
  /** Rows labelled 0 by explicit negative feedback. */
  rejected: number;
  /** Final training log-loss. */
  loss: number;
}

/** The training rows drawn from example groups, and where each came from. */
export interface SampledRankerRows {
  rows: number[][];
  labels: number[];
  /** Per row: its group's position in `groups` and the candidate's index in that group. */
  origin: { group: number; candidate: number }[];
  /** Rows labelled 0 by explicit negative feedback. */
  rejected: number;
}

/**
 * Every positive candidate, every explicitly rejected one and a seeded `negativeSampleRate` share
 * of the others: the rows both rankers (logistic and MLP) are fitted on.
 */
export function sampleRankerRows(groups: readonly RankerExampleGroup[], negativeSampleRate: number, seed: number): SampledRankerRows {
  const rng = createRng(seed);
  const sampled: SampledRankerRows = { rows: [], labels: [], origin: [], rejected: 0 };
  groups.forEach((group, g) => {
    group.labels.forEach((label, j) => {
      const isRejected = label === 0 && group.rejected?.[j] === 1;
      if (label === 1 || isRejected || rng.next() < negativeSampleRate) {
        if (isRejected) sampled.rejected++;
        sampled.rows.push(group.rows[j]!);
        sampled.labels.push(label);
        sampled.origin.push({ group: g, candidate: j });
      }
    });
  });
  return sampled;
}

/** Fits the logistic ranker on `groups`; throws {@link RankerTrainingDataError} when they hold only hits or only misses. */
export function fitLinearRanker(groups: readonly RankerExampleGroup[], options: Partial<FitLinearRankerOptions> = {}): LinearRankerFit {
  const opts = { ...FIT_LINEAR_RANKER_DEFAULTS, ...options } satisfies FitLinearRankerOptions;
  const { rows, labels, rejected } = sampleRankerRows(groups, opts.negativeSampleRate, opts.seed);
  const positives = labels.reduce((a, b) => a + b, 0);
  if (positives === 0 || positives === labels.length) {
    throw new RankerTrainingDataError("ranker training needs both held-out hits and misses among the candidates");
  }
  const fit = fitLogisticRegression(rows, labels, { seed: opts.seed, ...opts.logistic });
  return {
    model: {
      kind: "logistic",
      weights: fit.weights,
      bias: fit.bias,
      featureNames: [...FEATURE_SPEC.names],
      featureSpecHash: FEATURE_SPEC.hash,
      modelVersion: opts.modelVersion,
    },
    rows: rows.length,
    positives,
    rejected,
    loss: fit.lossHistory.at(-1) ?? Number.NaN,
  };
}
