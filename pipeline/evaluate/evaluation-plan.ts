/**
 * The list of models one evaluation fits and compares, in fitting order. Each entry names a model
 * spec; blends and factorised forms are composed from entries fitted before them (reused, not
 * refitted). The plan also names the serving model: the best servable entry on validation.
 */
import type { InteractionMatrix } from "../data/interaction-matrix";
import { FactorizedRecommender } from "../models/factorized-recommender";
import { createRecommender, type FitProgress, type ModelSpec } from "../models/model-spec";
import type { Recommender } from "../models/recommender";
import { ScoreBlend } from "../models/score-blend";

/** One model of a plan. */
export interface PlanEntry {
  /** Report key, e.g. `ease`, `ease+implicit-als`, `ease+implicit-als@32d`. */
  key: string;
  /** The full spec (what `train` rebuilds for the serving model). */
  spec: ModelSpec;
  /** Whether the model has user and item vectors the edge's dot-product ANN can serve. */
  servable: boolean;
  /** Earlier entries this one is composed from (a blend's parts, a factorisation's source). */
  from?: string[];
}

/** The models of one evaluation and the one that would be served. */
export interface EvaluationPlan {
  entries: PlanEntry[];
  /** Key of the serving model. */
  serving: string;
}

/** A fitted entry. */
export interface FittedEntry {
  model: Recommender;
  /** Wall time of this entry's own fitting work (a composed entry excludes its parts). */
  fitSeconds: number;
}

/** Sets `seed` on every seeded model of `spec` (ALS initialisation, SVD sampling). */
export function withSeed(spec: ModelSpec, seed: number): ModelSpec {
  switch (spec.model) {
    case "implicit-als":
    case "cleora":
      return { ...spec, options: { ...spec.options, seed } };
    case "factorized":
      return { ...spec, source: withSeed(spec.source, seed), options: { ...spec.options, seed } };
    case "blend":
      return { ...spec, parts: spec.parts.map((part) => withSeed(part, seed)) };
    case "popularity":
    case "item-knn":
    case "ease":
      return spec;
    default:
      return spec satisfies never;
  }
}

/**
 * Fits one entry on `train` (and the negative evidence `negatives`, for the models that use it),
 * reusing the fitted entries it is composed from.
 */
export function fitEntry(
  entry: PlanEntry,
  train: InteractionMatrix,
  fitted: ReadonlyMap<string, FittedEntry>,
  progress?: FitProgress,
  negatives?: InteractionMatrix,
): FittedEntry {
  const start = performance.now();
  const part = (key: string): Recommender => {
    const found = fitted.get(key);
    if (!found) throw new Error(`plan entry ${entry.key} needs ${key}, which is not fitted yet`);
    return found.model;
  };
  let model: Recommender;
  if (entry.from !== undefined && entry.spec.model === "blend") {
    const weights = entry.spec.weights;
    model = ScoreBlend.ofFitted(
      entry.from.map((key, i) => ({ model: part(key), weight: weights[i]! })),
      train.cols,
    );
  } else if (entry.from !== undefined && entry.spec.model === "factorized") {
    const factorized = new FactorizedRecommender(part(entry.from[0]!), {
      ...entry.spec.options,
      ...(progress ? { onPass: (d, t) => progress("SVD passes", d, t) } : {}),
    });
    factorized.factorize(train);
    model = factorized;
  } else {
    model = createRecommender(entry.spec, progress);
    model.fit(train, negatives);
  }
  return { model, fitSeconds: (performance.now() - start) / 1000 };
}

/** The entry `key` of `plan`; throws when absent. */
export function planEntry(plan: EvaluationPlan, key: string): PlanEntry {
  const entry = plan.entries.find((e) => e.key === key);
  if (!entry) throw new Error(`the evaluation plan has no model "${key}"`);
  return entry;
}
