/**
 * What "serving a model" means at the edge: the Worker scores items by the dot product of a user
 * vector (KV) and item vectors (vector index), so only models with embeddings are servable —
 * implicit ALS and the Cleora graph embedding directly, anything else through its factorised
 * (truncated-SVD) form.
 */
import { CLEORA_DEFAULTS } from "../models/cleora";
import { IMPLICIT_ALS_DEFAULTS } from "../models/implicit-als";
import { FACTORIZED_RECOMMENDER_DEFAULTS } from "../models/factorized-recommender";
import { describeSpec, type ModelSpec } from "../models/model-spec";
import type { ServingDescription } from "./evaluation-report";

/** Whether the edge can serve `spec` as it is (it yields user and item vectors). */
export function isServable(spec: ModelSpec): boolean {
  return spec.model === "implicit-als" || spec.model === "cleora" || spec.model === "factorized";
}

/** Size of the vectors a servable spec publishes. */
export function servingDimensions(spec: ModelSpec): number {
  switch (spec.model) {
    case "implicit-als":
      return spec.options.factors ?? IMPLICIT_ALS_DEFAULTS.factors;
    case "factorized":
      return spec.options.rank ?? FACTORIZED_RECOMMENDER_DEFAULTS.rank;
    case "cleora":
      return spec.options.dimensions ?? CLEORA_DEFAULTS.dimensions;
    case "popularity":
    case "item-knn":
    case "ease":
    case "blend":
      throw new Error(`${spec.model} has no vectors to serve; serve its factorized form`);
    default:
      return spec satisfies never;
  }
}

/** How the serving model `key` (spec `spec`) reaches the edge, for the report and manifest. */
export function describeServing(key: string, spec: ModelSpec): ServingDescription {
  const dimensions = servingDimensions(spec);
  const how =
    spec.model === "factorized"
      ? `rank-${dimensions} truncated SVD of the ${describeSpec(spec.source)} score matrix: ` +
        `user vectors U√Σ in KV, item vectors V√Σ in the vector index, served by dot-product ANN`
      : `${describeSpec(spec)}: user vectors in KV, item vectors in the vector index, served by dot-product ANN`;
  return { model: key, spec, dimensions, how };
}
