/**
 * Writes one publishable set of artifacts for a trained model:
 *
 * - `item-vectors.ndjson` — Vectorize NDJSON (`wrangler vectorize insert --file`), one
 *   `{"id","values","metadata"}` per line, metadata = {@link ItemMetadata};
 * - `kv-bulk.json` — `[{key, value}]` for `wrangler kv bulk put`: popular lists, user records (with
 *   the trained part of `category_affinity`, shared/features/category-affinity.ts), the
 *   light ranker (`ranker:light`, = ranker.json), the fold-in model (`model:fold-in`: YᵀY, λ, α,
 *   category and segment vectors, when given λ and α) and the item fold-in model
 *   (`model:item-fold-in`: the item vectors' median norms overall and per category, XᵀX, λ, α —
 *   how `PUT /v1/items` calibrates and refreshes new items), entries from `extraKv` (the content
 *   encoder) and, last, the manifest (so a reader never sees a manifest ahead of its data);
 * - `items.json` — the catalogue with metadata (`[{id, ...ItemMetadata}]`);
 * - `ranker.json` — the logistic ranker for the in-Worker light ranker (always);
 * - `ranker.onnx` — the sidecar's ranker: the trained multi-objective MLP when one is given
 *   (`mlpRanker`), else the logistic graph; with an MLP also `ranker.fp16.onnx`, the same network
 *   with float16 weights for GPU providers (the manifest's `ranker` section says which and how);
 * - `serving.json` — which model the vectors come from and how the edge serves it (the
 *   manifest's `retrievalModel` names it too);
 * - `manifest.json` — the {@link ModelManifest} naming all of the above.
 */
import { mkdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ITEM_INDEX_METRIC, type ItemMetadata } from "../../shared/artifacts/item-metadata";
import { kvKeys, type UserRecord } from "../../shared/artifacts/kv-keys";
import type { ModelManifest } from "../../shared/artifacts/model-manifest";
import type { FeatureDistribution } from "../../shared/features/feature-distribution";
import { trainedCategoryAffinity } from "../../shared/features/category-affinity";
import { FEATURE_SPEC } from "../../shared/features/feature-spec";
import { countRecent, trainedCategoryLastSeen } from "../../shared/features/sequence-features";
import type { LinearRankerModel } from "../../shared/ranking/linear-ranker";
import { type Dataset, profileDemographics } from "../data/dataset";
import { columnEventCounts, historyEntries, itemInteractionTimes, rowEventCounts } from "../data/interaction-matrix";
import { writeNdjson } from "../data/write-ndjson";
import type { ServingDescription } from "../evaluate/evaluation-report";
import { buildFoldInModel } from "../../shared/realtime/build-fold-in-model";
import { demographicSegments } from "../../shared/realtime/demographic-segments";
import { buildItemFoldInModel } from "../../shared/realtime/item-fold-in-model";
import type { FoldInFit } from "./fold-in-calibration";
import { factorRow, type LatentFactors, type Recommender } from "../models/recommender";
import { createModelVersion } from "./model-version";
import { linearRankerToOnnx } from "./onnx-linear-ranker";
import { type MlpRankerModel, mlpRankerToOnnx } from "./onnx-mlp-ranker";
import { buildPopularLists } from "./popular-lists";
import { shortestFloat32 } from "./shortest-float32";

/** File names inside an artifacts folder. */
export const ARTIFACT_FILES = {
  vectors: "item-vectors.ndjson",
  kvBulk: "kv-bulk.json",
  items: "items.json",
  rankerOnnx: "ranker.onnx",
  /** Written only with an MLP ranker. */
  rankerOnnxFp16: "ranker.fp16.onnx",
  rankerJson: "ranker.json",
  serving: "serving.json",
  manifest: "manifest.json",
} as const;

/** What gets published. */
export interface ArtifactInput {
  /** The full dataset the retrieval model was fitted on. */
  dataset: Dataset;
  /** A model with user and item vectors, fitted on `dataset.interactions` (all data). */
  retrieval: Recommender;
  /** The logistic ranker: always the in-Worker light ranker (`ranker.json`, KV `ranker:light`). */
  ranker: LinearRankerModel;
  /**
   * The trained MLP ranker, when it earned its place (e.g. it beat the logistic ranker on held-back
   * users): the sidecar's `ranker.onnx` (plus `ranker.fp16.onnx`). Omitted: `ranker.onnx` is the
   * logistic graph.
   */
  mlpRanker?: MlpRankerModel;
  /** Which model is served and how (default: `retrieval` served directly by its vectors). */
  serving?: ServingDescription;
  /** λ and α for the edge's session fold-in (see `fold-in-calibration.ts`); omitted: no fold-in model. */
  foldIn?: FoldInFit;
  /** More KV entries made for this version (e.g. the content encoder fitted on the item vectors). */
  extraKv?: (modelVersion: string, factors: LatentFactors) => KvBulkEntry[];
  /** Offline metrics recorded in the manifest. */
  metrics?: Record<string, number>;
  /** The ranker features' training distribution, recorded in the manifest (the Worker's drift measure). */
  featureDistribution?: FeatureDistribution;
}

/** Options of {@link writeArtifacts}. */
export interface WriteArtifactsOptions {
  /** Creation time (version name, manifest, popular lists); pass a fixed date for reproducible output. */
  createdAt: Date;
  /** Version name prefix. */
  versionPrefix: string;
  /** Most recent items kept per user record. */
  historySize: number;
  popularHalfLifeDays: number;
  popularAllSize: number;
  popularCategorySize: number;
}

/** Defaults: version `als-…`, 100-item histories, 7-day trending half-life, 200/100 popular items. */
export const WRITE_ARTIFACTS_DEFAULTS = {
  versionPrefix: "als",
  historySize: 100,
  popularHalfLifeDays: 7,
  popularAllSize: 200,
  popularCategorySize: 100,
} as const satisfies Omit<WriteArtifactsOptions, "createdAt">;

/** One `wrangler kv bulk put` entry. */
export interface KvBulkEntry {
  key: string;
  /** JSON text of the stored value. */
  value: string;
}

/** The manifest and the size in bytes of every file written (`rankerOnnxFp16` only with an MLP ranker). */
export interface ArtifactSummary {
  manifest: ModelManifest;
  bytes: Record<Exclude<keyof typeof ARTIFACT_FILES, "rankerOnnxFp16">, number> & { rankerOnnxFp16?: number };
  kvEntries: number;
}

/** Writes all artifacts for `input` into `outDir` (created if missing). */
export async function writeArtifacts(
  outDir: string,
  input: ArtifactInput,
  options: Partial<WriteArtifactsOptions> = {},
): Promise<ArtifactSummary> {
  const opts = { ...WRITE_ARTIFACTS_DEFAULTS, createdAt: new Date(), ...options } satisfies WriteArtifactsOptions;
  const { dataset, retrieval } = input;
  const factors = retrieval.factors;
  if (factors === null) throw new Error(`retrieval model ${retrieval.name} has no embeddings to publish`);
  if (input.ranker.featureSpecHash !== FEATURE_SPEC.hash) {
    throw new Error(`ranker was trained with feature spec ${input.ranker.featureSpecHash}, current spec is ${FEATURE_SPEC.hash}`);
  }
  if (input.mlpRanker !== undefined && input.mlpRanker.featureSpecHash !== FEATURE_SPEC.hash) {
    throw new Error(`MLP ranker was trained with feature spec ${input.mlpRanker.featureSpecHash}, current spec is ${FEATURE_SPEC.hash}`);
  }
  const itemCount = dataset.items.items.length;
  const userCount = dataset.users.ids.size;
  if (factors.items.length !== itemCount * factors.dimensions || factors.users.length !== userCount * factors.dimensions) {
    throw new Error("retrieval model shape does not match the dataset (was it fitted on these interactions?)");
  }
  const createdAt = opts.createdAt.toISOString();
  const itemPopularity = columnEventCounts(dataset.interactions);
  // Recent popularity as of the log's last interaction: the edge serves it until the next release.
  const itemTimes = itemInteractionTimes(dataset.interactions);
  const logEndSeconds = itemTimes.reduce((latest, times) => Math.max(latest, times.at(-1) ?? 0), 0);
  const metadata: ItemMetadata[] = dataset.items.items.map((item, i) => ({
    category: item.category,
    popularity: itemPopularity[i]!,
    recent_popularity: countRecent(itemTimes[i]!, logEndSeconds),
    released_at: item.releasedAt,
    sponsored: item.sponsored,
    title: item.title,
    genres: item.genres,
  }));
  const vectorLines = dataset.items.items.map((item, i) => ({
    id: item.id,
    values: Array.from(factorRow(factors.items, factors.dimensions, i), shortestFloat32),
    metadata: metadata[i]!,
  }));
  const rankerWeights = JSON.stringify([input.ranker.weights, input.ranker.bias]);
  const modelVersion = createModelVersion(opts.versionPrefix, opts.createdAt, [
    vectorLines.map((line) => JSON.stringify(line)).join("\n"),
    rankerWeights,
    ...(input.mlpRanker ? [JSON.stringify([input.mlpRanker.layers, input.mlpRanker.heads])] : []),
  ]);
  const ranker: LinearRankerModel = { ...input.ranker, modelVersion };
  const mlpRanker: MlpRankerModel | undefined = input.mlpRanker && { ...input.mlpRanker, modelVersion };

  const popular = buildPopularLists(dataset, {
    halfLifeDays: opts.popularHalfLifeDays,
    allSize: opts.popularAllSize,
    categorySize: opts.popularCategorySize,
    generatedAt: createdAt,
  });
  const kv: KvBulkEntry[] = [{ key: kvKeys.popularAll, value: JSON.stringify(popular.all) }];
  for (const [category, list] of popular.byCategory) {
    kv.push({ key: kvKeys.popularCategory(category), value: JSON.stringify(list) });
  }
  const userActivity = rowEventCounts(dataset.interactions);
  const matrix = dataset.interactions;
  let usersWritten = 0;
  for (let u = 0; u < userCount; u++) {
    const start = matrix.indptr[u]!;
    const end = matrix.indptr[u + 1]!;
    if (start === end) continue;
    const entries = historyEntries(matrix, u);
    const record: UserRecord = {
      vector: Array.from(factorRow(factors.users, factors.dimensions, u), shortestFloat32),
      history: entries.slice(-opts.historySize).map((e) => dataset.items.items[matrix.indices[e]!]!.id),
      activity: userActivity[u]!,
      modelVersion,
      categoryAffinity: trainedCategoryAffinity(entries.map((e) => dataset.items.items[matrix.indices[e]!]!.category)),
      categoryLastSeen: trainedCategoryLastSeen(
        entries.map((e) => ({ category: dataset.items.items[matrix.indices[e]!]!.category, ts: Math.floor(matrix.lastTs[e]! / 1000) })),
      ),
    };
    const demographics = profileDemographics(dataset.users.profiles[u]);
    if (demographics) record.demographics = demographics;
    kv.push({ key: kvKeys.user(dataset.users.ids.idAt(u)), value: JSON.stringify(record) });
    usersWritten++;
  }

  kv.push({ key: kvKeys.lightRanker, value: JSON.stringify(ranker) });
  if (input.foldIn !== undefined) {
    const foldIn = buildFoldInModel({
      modelVersion,
      dimensions: factors.dimensions,
      itemFactors: factors.items,
      regularization: input.foldIn.regularization,
      alpha: input.foldIn.alpha,
      itemCategories: dataset.items.items.map((item) => item.category),
      userFactors: factors.users,
      userSegments: dataset.users.profiles.map((profile) => demographicSegments(profileDemographics(profile))),
    });
    kv.push({ key: kvKeys.foldIn, value: JSON.stringify(foldIn) });
    const itemFoldIn = buildItemFoldInModel({
      modelVersion,
      dimensions: factors.dimensions,
      itemFactors: factors.items,
      itemCategories: dataset.items.items.map((item) => item.category),
      userFactors: factors.users,
      regularization: input.foldIn.regularization,
      alpha: input.foldIn.alpha,
    });
    if (itemFoldIn) kv.push({ key: kvKeys.itemFoldIn, value: JSON.stringify(itemFoldIn) });
  }
  if (input.extraKv) kv.push(...input.extraKv(modelVersion, factors));

  let interactions = 0;
  for (let e = 0; e < matrix.counts.length; e++) interactions += matrix.counts[e]!;
  const manifest: ModelManifest = {
    modelVersion,
    createdAt,
    dataset: dataset.name,
    retrievalModel: input.serving?.model ?? retrieval.name,
    dimensions: factors.dimensions,
    metric: ITEM_INDEX_METRIC,
    featureSpecHash: ranker.featureSpecHash,
    ranker: mlpRanker
      ? {
          onnx: ARTIFACT_FILES.rankerOnnx,
          json: ARTIFACT_FILES.rankerJson,
          kind: mlpRanker.kind,
          onnxFp16: ARTIFACT_FILES.rankerOnnxFp16,
          ...(mlpRanker.heads ? { objectives: mlpRanker.heads.map((head) => ({ ...head })) } : {}),
        }
      : { onnx: ARTIFACT_FILES.rankerOnnx, json: ARTIFACT_FILES.rankerJson, kind: ranker.kind },
    files: { vectors: ARTIFACT_FILES.vectors, kvBulk: ARTIFACT_FILES.kvBulk, items: ARTIFACT_FILES.items, serving: ARTIFACT_FILES.serving },
    counts: { items: itemCount, users: usersWritten, interactions },
  };
  if (input.metrics !== undefined) manifest.metrics = input.metrics;
  if (input.featureDistribution !== undefined) manifest.featureDistribution = input.featureDistribution;
  if (dataset.eventWeights !== undefined) manifest.eventWeights = dataset.eventWeights;
  kv.push({ key: kvKeys.manifest, value: JSON.stringify(manifest) });

  await mkdir(outDir, { recursive: true });
  const path = (file: keyof typeof ARTIFACT_FILES) => join(outDir, ARTIFACT_FILES[file]);
  await writeNdjson(path("vectors"), vectorLines);
  await writeFile(path("kvBulk"), `${JSON.stringify(kv, null, 1)}\n`);
  await writeFile(path("items"), `${JSON.stringify(dataset.items.items.map((item, i) => ({ id: item.id, ...metadata[i]! })))}\n`);
  await writeFile(path("rankerOnnx"), mlpRanker ? mlpRankerToOnnx(mlpRanker) : linearRankerToOnnx(ranker));
  if (mlpRanker) await writeFile(path("rankerOnnxFp16"), mlpRankerToOnnx(mlpRanker, { precision: "float16" }));
  await writeFile(path("rankerJson"), `${JSON.stringify(ranker, null, 2)}\n`);
  const serving = input.serving ?? {
    model: retrieval.name,
    dimensions: factors.dimensions,
    how: `${retrieval.name}: user vectors in KV, item vectors in the vector index, served by dot-product ANN`,
  };
  const foldIn = input.foldIn && { foldIn: input.foldIn };
  await writeFile(path("serving"), `${JSON.stringify({ modelVersion, ...serving, ...foldIn }, null, 2)}\n`);
  await writeFile(path("manifest"), `${JSON.stringify(manifest, null, 2)}\n`);

  const bytes = {} as ArtifactSummary["bytes"];
  for (const file of Object.keys(ARTIFACT_FILES) as (keyof typeof ARTIFACT_FILES)[]) {
    if (file === "rankerOnnxFp16" && !mlpRanker) continue;
    bytes[file] = (await stat(path(file))).size;
  }
  return { manifest, bytes, kvEntries: kv.length };
}
