/**
 * Test fixture for the sidecar: a known logistic ranker written as a real published model folder
 * (`manifest.json` + `ranker.onnx`, exported with the pipeline's ONNX exporter), and seeded
 * feature rows to score with it.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { linearRankerToOnnx } from "../../pipeline/export/onnx-linear-ranker";
import type { ModelManifest } from "../../shared/artifacts/model-manifest";
import { SURFACES } from "../../shared/events/interaction-event";
import { buildFeatureRow, FEATURE_SPEC } from "../../shared/features/feature-spec";
import type { LinearRankerModel } from "../../shared/ranking/linear-ranker";
import { createRng } from "../../shared/math/random";

/**
 * Fixed weights, one per feature of the current spec: the v1 features keep their original weights,
 * later features cycle through small known values, so the fixture follows `FEATURE_SPEC.size`.
 */
const FIXTURE_WEIGHTS: readonly number[] = Array.from(
  { length: FEATURE_SPEC.size },
  (_, i) => [0.8, 1.5, 0.3, -0.2, -0.6, 0.1][i] ?? [0.4, -0.3, 0.2, 0.1][(i - 6) % 4]!,
);

/** The fixture ranker with fixed weights; `modelVersion` varies per written version. */
export function fixtureRanker(modelVersion = "fixture-v1"): LinearRankerModel {
  return {
    kind: "logistic",
    weights: FIXTURE_WEIGHTS.slice(),
    bias: -1.2,
    featureNames: FEATURE_SPEC.names,
    featureSpecHash: FEATURE_SPEC.hash,
    modelVersion,
  };
}

/** Options of {@link writeModelFolder}. */
export interface ModelFolderOptions {
  model?: LinearRankerModel;
  /** Manifest fields to override (e.g. an empty `featureSpecHash`). */
  manifest?: Partial<ModelManifest>;
}

/** Writes (or overwrites) a published model version into `dir`. */
export async function writeModelFolder(dir: string, options: ModelFolderOptions = {}): Promise<LinearRankerModel> {
  const model = options.model ?? fixtureRanker();
  await mkdir(dir, { recursive: true });
  const onnxFile = `ranker-${model.modelVersion}.onnx`;
  await writeFile(join(dir, onnxFile), linearRankerToOnnx(model));
  await writeFixtureManifest(dir, model, { onnx: onnxFile, json: "ranker.json", kind: "logistic" }, options.manifest);
  return model;
}

/** Writes the manifest of a fixture model version: `ranker` names its files, `overrides` replace fields. */
export async function writeFixtureManifest(
  dir: string,
  model: { modelVersion: string; featureSpecHash: string },
  ranker: ModelManifest["ranker"],
  overrides: Partial<ModelManifest> = {},
): Promise<void> {
  const manifest: ModelManifest = {
    modelVersion: model.modelVersion,
    createdAt: "2026-01-01T00:00:00.000Z",
    dataset: "demo",
    retrievalModel: "fixture",
    dimensions: 8,
    metric: "dot-product",
    featureSpecHash: model.featureSpecHash,
    ranker,
    files: { vectors: "vectors.ndjson", kvBulk: "kv.json", items: "items.json" },
    counts: { items: 0, users: 0, interactions: 0 },
    ...overrides,
  };
  await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
}

/** A fresh temporary folder; `remove()` deletes it. */
export async function tempFolder(prefix = "sidecar-test-"): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * `count` feature rows of plausible values, from a fixed seed: built with the shared
 * `buildFeatureRow`, so they have `FEATURE_SPEC.size` columns whatever the spec version.
 */
export function fixtureRows(count: number, seed = 23): number[][] {
  const rng = createRng(seed);
  const nowSeconds = 1_767_225_600;
  return Array.from({ length: count }, () =>
    buildFeatureRow({
      retrievalScore: rng.next() * 2 - 0.5,
      retrievalRank: rng.int(100),
      itemPopularity: rng.int(5000),
      itemReleasedAt: nowSeconds - Math.floor(rng.next() * 30 * 365.25 * 86_400),
      itemSponsored: rng.next() < 0.1,
      userActivity: rng.int(300),
      nowSeconds: nowSeconds + rng.int(86_400),
      categoryAffinity: rng.next(),
      surface: SURFACES[rng.int(SURFACES.length)]!,
    }),
  );
}
