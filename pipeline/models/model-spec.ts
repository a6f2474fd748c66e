/**
 * Models as plain JSON data: a {@link ModelSpec} names an algorithm and its hyperparameters (or,
 * for a blend or a factorised form, its parts), so tuned choices can be written into the
 * evaluation report and read back by `train`. `createRecommender` builds the model a spec names;
 * `loadRecommender` restores a saved one. Both dispatch over every model name exhaustively.
 */
import { Cleora, type CleoraOptions } from "./cleora";
import { Ease, type EaseOptions } from "./ease";
import { FactorizedRecommender, type FactorizedRecommenderOptions } from "./factorized-recommender";
import { ImplicitAls, type ImplicitAlsOptions } from "./implicit-als";
import { ItemKnn, type ItemKnnOptions } from "./item-knn";
import { Popularity } from "./popularity";
import type { Recommender } from "./recommender";
import type { SavedModel } from "./saved-model";
import { ScoreBlend } from "./score-blend";

/** Names of the models the pipeline can build. */
export const MODEL_NAMES = ["popularity", "item-knn", "implicit-als", "ease", "cleora", "blend", "factorized"] as const;

/** One of {@link MODEL_NAMES}. */
export type ModelName = (typeof MODEL_NAMES)[number];

/** A JSON description of a model and its hyperparameters. */
export type ModelSpec =
  | { model: "popularity" }
  | { model: "item-knn"; options: Partial<ItemKnnOptions> }
  | { model: "implicit-als"; options: Partial<Omit<ImplicitAlsOptions, "onIteration">> }
  | { model: "ease"; options: Partial<Omit<EaseOptions, "onProgress">> }
  | { model: "cleora"; options: Partial<CleoraOptions> }
  | { model: "blend"; parts: ModelSpec[]; weights: number[] }
  | { model: "factorized"; source: ModelSpec; options: Partial<Omit<FactorizedRecommenderOptions, "onPass">> };

/** Progress of a long fit: `label` (e.g. `ALS iteration`), units done and total. */
export type FitProgress = (label: string, done: number, total: number) => void;

/** Builds an unfitted model from `spec`; `progress` receives the long steps of its fit. */
export function createRecommender(spec: ModelSpec, progress?: FitProgress): Recommender {
  switch (spec.model) {
    case "popularity":
      return new Popularity();
    case "item-knn":
      return new ItemKnn(spec.options);
    case "implicit-als": {
      const iterations = spec.options.iterations;
      return new ImplicitAls({
        ...spec.options,
        ...(progress ? { onIteration: (r) => progress("ALS iterations", r.iteration, iterations ?? r.iteration) } : {}),
      });
    }
    case "ease":
      return new Ease({ ...spec.options, ...(progress ? { onProgress: (d, t) => progress("EASE inverse", d, t) } : {}) });
    case "cleora":
      return new Cleora(spec.options);
    case "blend":
      if (spec.parts.length !== spec.weights.length) throw new Error("blend spec: parts and weights differ in number");
      return new ScoreBlend(spec.parts.map((part, i) => ({ model: createRecommender(part, progress), weight: spec.weights[i]! })));
    case "factorized":
      return new FactorizedRecommender(createRecommender(spec.source, progress), {
        ...spec.options,
        ...(progress ? { onPass: (d, t) => progress("SVD passes", d, t) } : {}),
      });
    default:
      return spec satisfies never;
  }
}

const LOADERS: Record<ModelName, (saved: SavedModel) => Recommender> = {
  popularity: (saved) => Popularity.load(saved),
  "item-knn": (saved) => ItemKnn.load(saved),
  "implicit-als": (saved) => ImplicitAls.load(saved),
  ease: (saved) => Ease.load(saved),
  cleora: (saved) => Cleora.load(saved),
  blend: (saved) => ScoreBlend.load(saved, loadRecommender),
  factorized: (saved) => FactorizedRecommender.load(saved),
};

/** Restores a model from its saved form (see `saved-model.ts` for the file format). */
export function loadRecommender(saved: SavedModel): Recommender {
  if (!isModelName(saved.model)) throw new Error(`unknown saved model "${saved.model}"`);
  return LOADERS[saved.model](saved);
}

/** Whether `name` is one of {@link MODEL_NAMES}. */
export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}

/** A short human description of a spec, e.g. `blend(0.5·ease, 0.5·implicit-als)`. */
export function describeSpec(spec: ModelSpec): string {
  switch (spec.model) {
    case "popularity":
      return "popularity";
    case "item-knn":
    case "implicit-als":
    case "ease":
    case "cleora": {
      const options = Object.entries(spec.options).map(([key, value]) => `${key}=${String(value)}`);
      return options.length > 0 ? `${spec.model}(${options.join(", ")})` : spec.model;
    }
    case "blend":
      return `blend(${spec.parts.map((part, i) => `${spec.weights[i]}·${describeSpec(part)}`).join(" + ")})`;
    case "factorized":
      return `factorized(rank=${spec.options.rank ?? "default"}, ${describeSpec(spec.source)})`;
    default:
      return spec satisfies never;
  }
}
