import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ITEM_METADATA_INDEXES, type ItemMetadata } from "../../../shared/artifacts/item-metadata";
import { kvKeys, type PopularList, type UserRecord } from "../../../shared/artifacts/kv-keys";
import type { ModelManifest } from "../../../shared/artifacts/model-manifest";
import { FEATURE_SPEC } from "../../../shared/features/feature-spec";
import { scoreLinear, type LinearRankerModel } from "../../../shared/ranking/linear-ranker";
import type { Dataset } from "../../../pipeline/data/dataset";
import { columnEventCounts } from "../../../pipeline/data/interaction-matrix";
import { loadDataset } from "../../../pipeline/data/load-dataset";
import { RANKER_IO } from "../../../pipeline/export/onnx-linear-ranker";
import { writeArtifacts, type ArtifactSummary, type KvBulkEntry } from "../../../pipeline/export/write-artifacts";
import { foldInFidelity, type FoldInFit } from "../../../pipeline/export/fold-in-calibration";
import { foldInModelSchema } from "../../../shared/realtime/fold-in-model";
import { itemFoldInModelSchema } from "../../../shared/realtime/item-fold-in-model";
import { writeDemoDataset } from "../../../pipeline/generate/write-demo-dataset";
import { ImplicitAls } from "../../../pipeline/models/implicit-als";
import { buildRankerExamples, CandidateRowBuilder } from "../../../pipeline/ranking/ranker-examples";
import type { VectorIndex } from "../../../shared/vector-index/vector-index";
import { dot } from "../../../shared/math/vector";
import { FallbackLog } from "../../../workers/fallbacks/fallback-log";
import { featureRows } from "../../../workers/ranking/feature-rows";
import { trainLinearRanker, type LinearRankerReport } from "../../../pipeline/ranking/train-linear-ranker";
import { chronologicalSplit } from "../../../pipeline/split/chronological-split";

const ALS = { factors: 8, iterations: 6, seed: 3 };
const CREATED_AT = new Date("2025-01-01T00:00:00Z");

let root: string;
let dataset: Dataset;
let ranker: LinearRankerModel;
let report: LinearRankerReport;
let rankerRows: number[][];
let servingAls: ImplicitAls;
let summary: ArtifactSummary;
let foldIn: FoldInFit;
const out = () => join(root, "artifacts");
const readJson = async <T>(file: string): Promise<T> => JSON.parse(await readFile(join(out(), file), "utf8")) as T;
const readNdjson = async <T>(file: string): Promise<T[]> =>
  (await readFile(join(out(), file), "utf8"))
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as T);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "write-artifacts-"));
  await writeDemoDataset(join(root, "data"), { items: 300, users: 150, days: 30, name: "tiny" });
  dataset = await loadDataset(join(root, "data"));
  const split = chronologicalSplit(dataset.interactions);
  const splitAls = new ImplicitAls(ALS);
  splitAls.fit(split.train);
  ({ model: ranker, report } = trainLinearRanker({ retrieval: splitAls, split, catalog: dataset.items }));
  rankerRows = buildRankerExamples({ retrieval: splitAls, split, catalog: dataset.items, users: [split.testUsers[0]!] })[0]!.rows;
  servingAls = new ImplicitAls(ALS);
  servingAls.fit(dataset.interactions);
  foldIn = foldInFidelity(servingAls.factors!, dataset.interactions, { regularization: 10, alpha: 2 });
  summary = await writeArtifacts(out(), { dataset, retrieval: servingAls, ranker, foldIn, metrics: { m: 1 } }, { createdAt: CREATED_AT });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("trainLinearRanker", () => {
  it("trains on the shared feature spec and reports quality on held-back users", () => {
    expect(ranker.featureSpecHash).toBe(FEATURE_SPEC.hash);
    expect(ranker.featureNames).toEqual(FEATURE_SPEC.names);
    expect(ranker.weights).toHaveLength(FEATURE_SPEC.size);
    expect(report.fitPositives).toBeGreaterThan(0);
    expect(report.fitRows).toBeGreaterThan(report.fitPositives);
    expect(report.evaluationUsers).toBeGreaterThan(0);
    expect(report.ranker.auc).toBeGreaterThan(0.5);
    expect(report.candidateRecall).toBeGreaterThan(0);
  });
});

describe("writeArtifacts", () => {
  it("writes a manifest naming every file, with a versioned name and the feature-spec hash", async () => {
    const manifest = await readJson<ModelManifest>("manifest.json");
    expect(manifest).toEqual(summary.manifest);
    expect(manifest.modelVersion).toMatch(/^als-20250101T000000Z-[0-9a-f]{8}$/);
    expect(manifest).toMatchObject({
      createdAt: "2025-01-01T00:00:00.000Z",
      dataset: "tiny",
      retrievalModel: "implicit-als",
      dimensions: 8,
      metric: "dot-product",
      featureSpecHash: FEATURE_SPEC.hash,
      ranker: { onnx: "ranker.onnx", json: "ranker.json", kind: "logistic" },
      files: { vectors: "item-vectors.ndjson", kvBulk: "kv-bulk.json", items: "items.json" },
      counts: { items: 300 },
      metrics: { m: 1 },
    });
  });

  it("writes Vectorize NDJSON: one {id, values, metadata} per item", async () => {
    const lines = (await readFile(join(out(), "item-vectors.ndjson"), "utf8")).trimEnd().split("\n");
    expect(lines).toHaveLength(300);
    const popularity = columnEventCounts(dataset.interactions);
    lines.forEach((line, i) => {
      const record = JSON.parse(line) as { id: string; values: number[]; metadata: ItemMetadata };
      expect(Object.keys(record)).toEqual(["id", "values", "metadata"]);
      expect(record.id).toBe(dataset.items.items[i]!.id);
      expect(record.values).toHaveLength(8);
      record.values.forEach((v, d) => {
        expect(Math.fround(v)).toBe(servingAls.factors!.items[i * 8 + d]);
      });
      for (const [key, type] of Object.entries(ITEM_METADATA_INDEXES)) {
        expect(typeof record.metadata[key as keyof ItemMetadata]).toBe(type);
      }
      expect(record.metadata.popularity).toBe(popularity[i]);
      expect(Array.isArray(record.metadata.genres)).toBe(true);
    });
  });

  it("writes KV bulk JSON with popular lists, user records and the manifest last", async () => {
    const entries = await readJson<KvBulkEntry[]>("kv-bulk.json");
    expect(entries).toHaveLength(summary.kvEntries);
    for (const entry of entries) {
      expect(Object.keys(entry)).toEqual(["key", "value"]);
      expect(typeof entry.value).toBe("string");
    }
    const byKey = new Map(entries.map((e) => [e.key, JSON.parse(e.value) as unknown]));
    expect(entries.at(-1)!.key).toBe(kvKeys.manifest);
    expect(byKey.get(kvKeys.manifest)).toEqual(summary.manifest);

    const all = byKey.get(kvKeys.popularAll) as PopularList;
    expect(all.items.length).toBeGreaterThan(10);
    expect(all.items.length).toBeLessThanOrEqual(200);
    for (let i = 1; i < all.items.length; i++) expect(all.items[i]!.score).toBeLessThanOrEqual(all.items[i - 1]!.score);
    const top = all.items[0]!;
    const category = byKey.get(kvKeys.popularCategory(top.category)) as PopularList;
    expect(category.items[0]).toEqual(top);
    expect(category.items.every((item) => item.category === top.category)).toBe(true);
    expect(category.items.length).toBeLessThanOrEqual(100);

    const user = byKey.get(kvKeys.user("u00000")) as UserRecord;
    expect(user.vector).toHaveLength(8);
    expect(user.modelVersion).toBe(summary.manifest.modelVersion);
    expect(user.history.length).toBeGreaterThan(0);
    expect(user.history.length).toBeLessThanOrEqual(100);
    expect(user.history.every((id) => dataset.items.ids.has(id))).toBe(true);
    expect(user.activity).toBeGreaterThanOrEqual(user.history.length);

    expect(byKey.get(kvKeys.lightRanker)).toEqual({ ...ranker, modelVersion: summary.manifest.modelVersion });
    const foldInModel = foldInModelSchema.parse(byKey.get(kvKeys.foldIn));
    expect(foldInModel).toMatchObject({ modelVersion: summary.manifest.modelVersion, dimensions: 8, regularization: 10, alpha: 2 });
    expect(Object.keys(foldInModel.categoryVectors ?? {})).toContain(top.category);
    const itemFoldIn = itemFoldInModelSchema.parse(byKey.get(kvKeys.itemFoldIn));
    expect(itemFoldIn).toMatchObject({ modelVersion: summary.manifest.modelVersion, dimensions: 8, regularization: 10, alpha: 2 });
    // The overall median norm, recomputed from the published item vectors.
    const norms = (await readNdjson<{ values: number[] }>("item-vectors.ndjson"))
      .map((line) => Math.hypot(...line.values))
      .filter((n) => n > 0)
      .sort((a, b) => a - b);
    const middle = norms.length / 2;
    const median = norms.length % 2 === 1 ? norms[Math.floor(middle)]! : (norms[middle - 1]! + norms[middle]!) / 2;
    expect(itemFoldIn.norms.overall).toBeCloseTo(median, 4);
    expect(Object.keys(itemFoldIn.norms.categories)).toContain(top.category);
  });

  it("writes each user's trained category affinity, which the edge's rows read as the pipeline's rows do", async () => {
    const bulk = await readJson<KvBulkEntry[]>("kv-bulk.json");
    const matrix = dataset.interactions;
    const u = Array.from({ length: dataset.users.ids.size }, (_, user) => user).find(
      (user) => matrix.indptr[user + 1]! > matrix.indptr[user]!,
    )!;
    const record = JSON.parse(bulk.find((entry) => entry.key === kvKeys.user(dataset.users.ids.idAt(u)))!.value) as UserRecord;
    const counted: Record<string, number> = {};
    for (let e = matrix.indptr[u]!; e < matrix.indptr[u + 1]!; e++) {
      const category = dataset.items.items[matrix.indices[e]!]!.category;
      counted[category] = (counted[category] ?? 0) + 1;
    }
    expect(record.categoryAffinity).toEqual(counted);
  });

  it("builds the same feature row through the pipeline and through the Worker from the same user state", async () => {
    // The state: the user's KV record and the item vectors and metadata as exported, a returning
    // user with no new session events, one request context (time, surface, device) given to both.
    const bulk = await readJson<KvBulkEntry[]>("kv-bulk.json");
    const vectors = await readNdjson<{ id: string; values: number[]; metadata: ItemMetadata }>("item-vectors.ndjson");
    const byId = new Map(vectors.map((line) => [line.id, line]));
    const matrix = dataset.interactions;
    const activeUsers = Array.from({ length: dataset.users.ids.size }, (_, user) => user).filter(
      (user) => matrix.indptr[user + 1]! - matrix.indptr[user]! >= 3,
    );
    expect(activeUsers.length).toBeGreaterThan(0);
    // The export's "now" for recent popularity is the log's last interaction; the request is then.
    const nowSeconds = Math.floor(Math.max(...matrix.lastTs) / 1000);
    const context = { nowSeconds, surface: "email" as const, device: "tv" };
    const index = {
      getByIds: async (ids: string[]) => ids.flatMap((id) => (byId.has(id) ? [{ ...byId.get(id)!, id }] : [])),
    } as unknown as VectorIndex;
    const exported = {
      dimensions: 8,
      items: Float32Array.from(dataset.items.items.flatMap((item) => byId.get(item.id)!.values)),
    };
    const offlineBuilder = new CandidateRowBuilder(matrix, dataset.items.items, dataset.users.profiles, exported);
    let compared = 0;
    for (const u of activeUsers.slice(0, 5)) {
      const record = JSON.parse(bulk.find((entry) => entry.key === kvKeys.user(dataset.users.ids.idAt(u)))!.value) as UserRecord;
      const candidates = dataset.items.items
        .slice(0, 60)
        .map((item, index) => ({ index, score: dot(record.vector, byId.get(item.id)!.values) }));
      const offline = offlineBuilder.rows(u, candidates, context);
      const edge = await featureRows({
        candidates: candidates.map(({ index, score }) => {
          const line = byId.get(dataset.items.items[index]!.id)!;
          return {
            itemId: line.id,
            source: "ann" as const,
            retrievalScore: score,
            category: line.metadata.category,
            popularity: line.metadata.popularity,
            recentPopularity: line.metadata.recent_popularity,
            releasedAt: line.metadata.released_at,
            sponsored: line.metadata.sponsored,
          };
        }),
        userVector: record.vector,
        userRecord: record,
        session: { recent: [], seen: [], hidden: [], interactionCount: 0 },
        surface: context.surface,
        device: context.device,
        nowSeconds,
        index,
        fallbacks: new FallbackLog(),
      });
      expect(edge.rows).toHaveLength(offline.length);
      offline.forEach((row, i) => {
        row.forEach((value, j) => {
          // Exported vectors are the shortest decimals of the float32 values: equal to ~1e-7.
          expect(edge.rows[i]![j], `${FEATURE_SPEC.names[j]} of candidate ${i}`).toBeCloseTo(value, 6);
        });
      });
      compared += offline.length;
      // Every sequence column is live in these rows, not trivially 0 on both sides.
      for (const name of ["recent_similarity_max", "category_recency_7d", "category_affinity", "surface_email", "device_tv"]) {
        const column = FEATURE_SPEC.names.indexOf(name as (typeof FEATURE_SPEC.names)[number]);
        expect(
          offline.some((row) => row[column]! !== 0),
          name,
        ).toBe(true);
      }
    }
    expect(compared).toBeGreaterThan(0);
    const recentPopularity = FEATURE_SPEC.names.indexOf("item_log_recent_popularity");
    expect(vectors.some((line) => (line.metadata.recent_popularity ?? 0) > 0)).toBe(true);
    expect(recentPopularity).toBeGreaterThan(0);
  });

  it("writes serving.json naming the served model and the fold-in's fidelity", async () => {
    const serving = await readJson<{ modelVersion: string; model: string; dimensions: number; foldIn: FoldInFit }>("serving.json");
    expect(serving).toMatchObject({ modelVersion: summary.manifest.modelVersion, model: "implicit-als", dimensions: 8 });
    // The trained λ, α make the edge's fold-in reproduce the ALS user vectors (the ALS update itself).
    expect(serving.foldIn.meanCosine).toBeGreaterThan(0.98);
  });

  it("writes an ONNX ranker that onnxruntime-node loads and that scores like scoreLinear", async () => {
    const json = await readJson<LinearRankerModel>("ranker.json");
    expect(json).toEqual({ ...ranker, modelVersion: summary.manifest.modelVersion });
    const session = await ort.InferenceSession.create(await readFile(join(out(), "ranker.onnx")));
    const rows = rankerRows.slice(0, 20);
    const features = Float32Array.from(rows.flat());
    const result = await session.run({
      [RANKER_IO.input]: new ort.Tensor("float32", features, [rows.length, FEATURE_SPEC.size]),
    });
    const scores = result[RANKER_IO.output]!.data as Float32Array;
    expect(scores).toHaveLength(rows.length);
    rows.forEach((row, i) => {
      expect(scores[i]!).toBeCloseTo(scoreLinear(json, row), 5);
    });
  });

  it("writes identical artifacts for the same inputs and creation time", async () => {
    const again = join(root, "again");
    const second = await writeArtifacts(
      again,
      { dataset, retrieval: servingAls, ranker, foldIn, metrics: { m: 1 } },
      { createdAt: CREATED_AT },
    );
    expect(second.manifest.modelVersion).toBe(summary.manifest.modelVersion);
    for (const file of [
      "item-vectors.ndjson",
      "kv-bulk.json",
      "items.json",
      "ranker.onnx",
      "ranker.json",
      "serving.json",
      "manifest.json",
    ]) {
      expect((await readFile(join(again, file))).equals(await readFile(join(out(), file))), file).toBe(true);
    }
  });

  it("refuses a ranker trained with another feature spec", async () => {
    const stale = { ...ranker, featureSpecHash: "00000000" };
    await expect(writeArtifacts(join(root, "stale"), { dataset, retrieval: servingAls, ranker: stale })).rejects.toThrow(/feature spec/);
  });
});
