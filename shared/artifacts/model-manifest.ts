/**
 * The manifest written next to every set of published artifacts and stored in KV under
 * `kvKeys.manifest`: which model version is live, its shape and its feature-spec hash.
 */
import { DEFAULT_EVENT_WEIGHTS, type EventWeights, parseEventWeights } from "../events/event-weight";
import type { FeatureDistribution } from "../features/feature-distribution";
import type { RankingObjective } from "../ranking/ranking-objectives";

/**
 * The ranker artifacts: `json` is always the logistic light ranker (the Worker's, KV
 * `ranker:light`); `onnx` is the sidecar's ranker, of `kind` `logistic` (the same model) or `mlp`
 * (the trained multi-objective MLP, when it was chosen).
 */
export interface ManifestRanker {
  /** The sidecar's ONNX ranker (float32 weights). */
  onnx: string;
  /** The logistic light ranker as JSON. */
  json: string;
  /** What the `onnx` file holds. */
  kind: "logistic" | "mlp";
  /** The same ranker with float16 weights, for GPU providers (`mlp` only; absent in older manifests). */
  onnxFp16?: string;
  /** The MLP's heads in output order and their weights in the combined score (`mlp` only). */
  objectives?: { objective: RankingObjective; weight: number }[];
}

/** Describes one published model version. */
export interface ModelManifest {
  /** Unique per training run, e.g. `als-20261122T001500Z-3f2a9c1b`. */
  modelVersion: string;
  /** ISO 8601 time the artifacts were written. */
  createdAt: string;
  /** Where the training data came from (e.g. `demo`, `ml-100k`). */
  dataset: string;
  /** Collaborative model that produced the vectors. */
  retrievalModel: string;
  /** Embedding size of item and user vectors. */
  dimensions: number;
  /** Vector index metric the vectors are meant for. */
  metric: "dot-product";
  /** `FEATURE_SPEC.hash` the ranker was trained with. */
  featureSpecHash: string;
  /** Ranker artifacts, relative to the manifest's folder. */
  ranker: ManifestRanker;
  /** Artifact files, relative to the manifest's folder. */
  files: { vectors: string; kvBulk: string; items: string /** Which model is served and how (`serving.json`). */; serving?: string };
  counts: { items: number; users: number; interactions: number };
  /** Offline metrics of this version (name → value), when evaluated. */
  metrics?: Record<string, number>;
  /**
   * The ranker features' training distribution (quantile bins per feature), against which the
   * Worker measures drift of the rows it serves (docs/operations.md "Drift"); absent in older manifests.
   */
  featureDistribution?: FeatureDistribution;
  /**
   * The event-weight table the training data was aggregated with (shared/events/event-weight.ts)
   * and its source (`default`, `default:movielens` or the `--event-weights` file); absent in older manifests.
   */
  eventWeights?: { source: string; weights: EventWeights };
}

/**
 * The event-weight table a release serves with: its manifest's `eventWeights`, validated with
 * {@link parseEventWeights} (throws `EventWeightsError` naming each bad path), so the edge weighs
 * a session's events as training weighed them. A manifest without one (written before the table was
 * recorded; every such release trained with the default) or no manifest at all: {@link DEFAULT_EVENT_WEIGHTS}.
 * @example manifestEventWeights({ eventWeights: { source: "w.json", weights } }) // → weights
 * @example manifestEventWeights(null) // → DEFAULT_EVENT_WEIGHTS
 */
export function manifestEventWeights(manifest: Pick<ModelManifest, "eventWeights"> | null): EventWeights {
  const recorded = manifest?.eventWeights?.weights;
  return recorded === undefined ? DEFAULT_EVENT_WEIGHTS : parseEventWeights(recorded);
}
