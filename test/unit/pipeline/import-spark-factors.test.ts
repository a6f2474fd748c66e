/**
 * `release publish --from-factors`: a factors folder laid out as a Spark MLlib ALS job writes it
 * (JSON-lines part files, some gzipped, Hadoop marker files, integer ids with id maps) is imported
 * into an artifacts folder like `train`'s and published through the real ReleaseClient against a
 * fake Worker. The expected vectors and rankings are computed here from the fixture's own numbers;
 * bad folders fail with the file, the line and the reason.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kvKeys, type UserRecord } from "../../../shared/artifacts/kv-keys";
import type { ModelManifest } from "../../../shared/artifacts/model-manifest";
import type { ReleasePointer, ReleaseRecord } from "../../../shared/artifacts/release";
import { FEATURE_SPEC } from "../../../shared/features/feature-spec";
import { gramMatrix } from "../../../shared/math/gram-matrix";
import { createRng } from "../../../shared/math/random";
import { foldInUserVector } from "../../../shared/realtime/fold-in-user-vector";
import { runRelease } from "../../../pipeline/commands/run-release";
import type { Dataset } from "../../../pipeline/data/dataset";
import { loadDataset } from "../../../pipeline/data/load-dataset";
import type { FoldInFit } from "../../../pipeline/export/fold-in-calibration";
import type { KvBulkEntry } from "../../../pipeline/export/write-artifacts";
import { writeDemoDataset } from "../../../pipeline/generate/write-demo-dataset";
import { type FactorsImport, importSparkFactors } from "../../../pipeline/release/import-spark-factors";
import { readSparkFactors } from "../../../pipeline/release/read-spark-factors";
import { ReleaseClient } from "../../../pipeline/release/release-client";
import { loadReleaseRecommender } from "../../../pipeline/release/release-recommender";

const D = 8;
const CREATED_AT = new Date("2025-03-01T12:00:00Z");
const META = { rank: D, regParam: 0.1, alpha: 40, maxIter: 10, dataset: "r2:edge-recs-events", metrics: { "spark_map@10": 0.125 } };

/** A JSON-lines file body. */
const lines = (records: readonly unknown[]) => `${records.map((record) => JSON.stringify(record)).join("\n")}\n`;

/** Writes `files` (relative path → text; `.gz` paths are gzipped) under `folder`. */
async function writeFiles(folder: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const full = join(folder, path);
    await mkdir(join(full, ".."), { recursive: true });
    await writeFile(full, path.endsWith(".gz") ? gzipSync(text) : text);
  }
}

/** Seeded float32 vectors, `D` long. */
function vectors(count: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => Array.from({ length: D }, () => Math.fround(rng.normal() * 0.5)));
}

/** What the fake Worker holds after a publish. */
interface FakeWorkerState {
  kv: Map<string, string>;
  vectors: Map<string, string[]>;
  indexVersion: Map<string, string>;
  pointer: ReleasePointer | null;
  releases: ReleaseRecord[];
}

/** The admin routes publishRelease calls, in memory, refusing to register what was not uploaded (as the Worker does). */
function fakeWorker(): { client: ReleaseClient; state: FakeWorkerState } {
  const state: FakeWorkerState = { kv: new Map(), vectors: new Map(), indexVersion: new Map(), pointer: null, releases: [] };
  const json = (value: unknown, status = 200) =>
    new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const path = url.pathname.replace(/^\/v1\/admin/, "");
    const method = init?.method ?? "GET";
    const body = typeof init?.body === "string" ? init.body : "";
    const release = url.searchParams.get("release") ?? "";
    const [, id = "", action = ""] = /^\/releases\/([^/]+)(?:\/(\w+))?$/.exec(path) ?? [];
    const releaseId = decodeURIComponent(id);
    if (method === "GET" && path === "/releases") return json({ pointer: state.pointer, releases: state.releases });
    if (method === "POST" && action === "kv") {
      const { entries } = JSON.parse(body) as { entries: KvBulkEntry[] };
      for (const entry of entries) state.kv.set(`rel/${releaseId}/${entry.key}`, entry.value);
      return json({ written: entries.length });
    }
    if (method === "PUT" && path === "/index") return json({ ok: true });
    if (method === "POST" && path === "/index/vectors") {
      state.vectors.set(release, [...(state.vectors.get(release) ?? []), ...body.split("\n")]);
      return json({ ok: true });
    }
    if (method === "GET" && path === "/index/vectors") {
      const uploaded = new Set((state.vectors.get(release) ?? []).map((line) => (JSON.parse(line) as { id: string }).id));
      const ids = (url.searchParams.get("ids") ?? "").split(",").filter((id) => uploaded.has(id));
      return json({ vectors: ids.map((id) => ({ id })) });
    }
    if (method === "PUT" && path === "/index/version") {
      state.indexVersion.set(release, (JSON.parse(body) as { version: string }).version);
      return json({ ok: true });
    }
    if (method === "PUT" && id && !action) {
      const manifest = JSON.parse(body) as ModelManifest;
      if (!state.kv.has(`rel/${releaseId}/manifest`) || state.indexVersion.get(releaseId) !== releaseId) {
        return json({ error: { code: "release_not_ready", message: "upload first" } }, 409);
      }
      const record: ReleaseRecord = {
        id: releaseId,
        created_at: manifest.createdAt,
        published_at: new Date(0).toISOString(),
        dataset: manifest.dataset,
        retrieval_model: manifest.retrievalModel,
        feature_spec_hash: manifest.featureSpecHash,
        dimensions: manifest.dimensions,
        counts: manifest.counts,
        metrics: manifest.metrics ?? {},
        vector_slot: null,
      };
      state.releases.push(record);
      return json({ release: record });
    }
    if (method === "POST" && action === "activate") {
      state.pointer = { current: releaseId, previous: state.pointer?.current ?? null, canary: null, vector_slots: {}, updated_at: "" };
      return json({ pointer: state.pointer, changed: true });
    }
    return json({ error: { code: "not_found", message: `${method} ${path}` } }, 404);
  };
  return { client: new ReleaseClient({ url: "http://fake-worker", key: "test", fetch }), state };
}

let root: string;
let dataset: Dataset;
/** The fixture's Spark vectors by original id. */
const userVectors = new Map<string, number[]>();
const itemVectors = new Map<string, number[]>();
/** A user with events the Spark run did not see, a user erased since it (and back), and catalogue items it has no vectors for. */
let newUser: string;
let erasedUser: string;
let itemsWithoutVectors: string[];
let output: string[];
let releaseId: string | null;
let fake: ReturnType<typeof fakeWorker>;
const out = () => join(root, "artifacts");
const readJson = async <T>(file: string): Promise<T> => JSON.parse(await readFile(join(out(), file), "utf8")) as T;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "spark-factors-"));
  await writeDemoDataset(join(root, "data"), { items: 120, users: 80, days: 20, seed: 5, name: "tiny" });
  const before = await loadDataset(join(root, "data"));
  const entries = (u: number) => before.interactions.indptr[u + 1]! - before.interactions.indptr[u]!;
  const active = before.users.ids.ids.filter((_, u) => entries(u) > 0);
  newUser = active[0]!;
  // Erased half-way through their history: the events after the erasure stay, the Spark vector must go.
  const e = before.users.ids.indexOf(active[1]!);
  erasedUser = active[1]!;
  const lastTimes = Array.from(
    before.interactions.lastTs.subarray(before.interactions.indptr[e]!, before.interactions.indptr[e + 1]!),
  ).sort((a, b) => a - b);
  expect(lastTimes.length).toBeGreaterThan(2);
  const erasedAt = lastTimes[Math.floor(lastTimes.length / 2)]! - 1;
  await writeFiles(join(root, "data"), { [`tombstones/${erasedUser}.json`]: JSON.stringify({ user_id: erasedUser, erased_at: erasedAt }) });
  dataset = await loadDataset(join(root, "data"));
  itemsWithoutVectors = dataset.items.ids.ids.slice(-2);
  const sparkUsers = [...dataset.users.ids.ids.filter((id) => id !== newUser), "ghost-user"];
  const sparkItems = [...dataset.items.ids.ids.filter((id) => !itemsWithoutVectors.includes(id)), "ghost-item"];
  for (const [i, v] of vectors(sparkUsers.length, 11).entries()) userVectors.set(sparkUsers[i]!, v);
  for (const [i, v] of vectors(sparkItems.length, 12).entries()) itemVectors.set(sparkItems[i]!, v);
  // Spark's integer ids are the id maps' business: numbered backwards from 1000, not in dataset order.
  const userIndex = (i: number) => 1000 + sparkUsers.length - i;
  const itemIndex = (i: number) => 5000 + sparkItems.length - i;
  const userRows = sparkUsers.map((id, i) => ({ id: userIndex(i), features: userVectors.get(id) }));
  const half = Math.floor(userRows.length / 2);
  await writeFiles(join(root, "factors"), {
    "meta.json": JSON.stringify(META),
    "userFactors/part-00000-4f1e-c000.json": lines(userRows.slice(0, half)),
    "userFactors/part-00001-4f1e-c000.json.gz": lines(userRows.slice(half)),
    "userFactors/_SUCCESS": "",
    "userFactors/.part-00000-4f1e-c000.json.crc": "crc",
    "itemFactors/part-00000-77aa-c000.json.gz": lines(sparkItems.map((id, i) => ({ id: itemIndex(i), features: itemVectors.get(id) }))),
    "user_ids/part-00000-9c0d-c000.json": lines(sparkUsers.slice(0, 10).map((id, i) => ({ index: userIndex(i), id }))),
    "user_ids/part-00001-9c0d-c000.json.gz": lines(sparkUsers.slice(10).map((id, i) => ({ index: userIndex(i + 10), id }))),
    "item_ids.json": lines(sparkItems.map((id, i) => ({ id, index: itemIndex(i) }))),
  });
  output = [];
  fake = fakeWorker();
  releaseId = await runRelease({
    action: "publish",
    client: fake.client,
    fromFactors: join(root, "factors"),
    data: join(root, "data"),
    out: out(),
    createdAt: CREATED_AT,
    releasesDir: join(root, "releases"),
    write: (line) => output.push(line),
  });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("release publish --from-factors", () => {
  it("writes a manifest like train's, stamped spark-als with the Spark run's dataset and metrics", async () => {
    const manifest = await readJson<ModelManifest>("manifest.json");
    const usersWithEvents = dataset.users.ids.ids.filter((_, u) => dataset.interactions.indptr[u + 1]! > dataset.interactions.indptr[u]!);
    expect(manifest.modelVersion).toMatch(/^spark-als-20250301T120000Z-[0-9a-f]{8}$/);
    expect(manifest).toMatchObject({
      createdAt: "2025-03-01T12:00:00.000Z",
      dataset: "r2:edge-recs-events",
      retrievalModel: "spark-als",
      dimensions: D,
      metric: "dot-product",
      featureSpecHash: FEATURE_SPEC.hash,
      ranker: { onnx: "ranker.onnx", json: "ranker.json", kind: "logistic" },
      files: { vectors: "item-vectors.ndjson", kvBulk: "kv-bulk.json", items: "items.json", serving: "serving.json" },
      counts: { items: 120, users: usersWithEvents.length },
    });
    expect(manifest.metrics?.["spark_map@10"]).toBe(0.125);
    const serving = await readJson<{ model: string; foldIn: FoldInFit }>("serving.json");
    expect(serving.model).toBe("spark-als");
    // The fixture's vectors are random, so the calibrated fold-in is only recorded, not good.
    expect(manifest.metrics?.fold_in_cosine).toBe(serving.foldIn.meanCosine);
  });

  it("publishes the Spark item vectors (float32-exact), zero vectors for catalogue items Spark lacks, nothing for items the catalogue lacks", async () => {
    const text = await readFile(join(out(), "item-vectors.ndjson"), "utf8");
    const records = text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { id: string; values: number[] });
    expect(records.map((record) => record.id)).toEqual(dataset.items.ids.ids);
    for (const record of records) {
      const expected = itemVectors.get(record.id) ?? new Array<number>(D).fill(0);
      expect(record.values.map(Math.fround), record.id).toEqual(expected);
    }
    expect(records.filter((record) => record.values.every((v) => v === 0)).map((record) => record.id)).toEqual(itemsWithoutVectors);
  });

  it("writes user records carrying the Spark user vectors, the fold-in for users Spark did not see or who were erased since, none for unknown users", async () => {
    const entries = await readJson<KvBulkEntry[]>("kv-bulk.json");
    const byKey = new Map(entries.map((entry) => [entry.key, entry.value]));
    const users = entries.filter((entry) => entry.key.startsWith("user:"));
    const manifest = await readJson<ModelManifest>("manifest.json");
    expect(users).toHaveLength(manifest.counts.users);
    for (const { key, value } of users) {
      const id = key.slice("user:".length);
      if (id === newUser || id === erasedUser) continue;
      const record = JSON.parse(value) as UserRecord;
      expect(record.vector.map(Math.fround), id).toEqual(userVectors.get(id));
      expect(record.modelVersion).toBe(manifest.modelVersion);
    }
    expect(byKey.has(kvKeys.user("ghost-user"))).toBe(false);

    const serving = await readJson<{ foldIn: FoldInFit }>("serving.json");
    const items = new Float32Array(dataset.items.ids.size * D);
    for (const [i, id] of dataset.items.ids.ids.entries()) items.set(itemVectors.get(id) ?? [], i * D);
    const gram = Array.from(gramMatrix(items, dataset.items.ids.size, D));
    const { indptr, indices, confidence } = dataset.interactions;
    for (const id of [newUser, erasedUser]) {
      const u = dataset.users.ids.indexOf(id);
      const history = [];
      for (let e = indptr[u]!; e < indptr[u + 1]!; e++) {
        history.push({ vector: items.subarray(indices[e]! * D, (indices[e]! + 1) * D), weight: confidence[e]! });
      }
      const expected = foldInUserVector(
        { dimensions: D, gram, regularization: serving.foldIn.regularization, alpha: serving.foldIn.alpha },
        history,
      )!;
      const record = JSON.parse(byKey.get(kvKeys.user(id))!) as UserRecord;
      expect(record.history.length, id).toBe(indptr[u + 1]! - indptr[u]!);
      record.vector.forEach((value, d) => {
        expect(value, id).toBeCloseTo(expected[d]!, 5);
      });
    }

    for (const key of [kvKeys.popularAll, kvKeys.foldIn, kvKeys.lightRanker, kvKeys.contentEncoder]) expect(byKey.has(key), key).toBe(true);
    expect(entries.at(-1)!.key).toBe(kvKeys.manifest);
  });

  it("serves recommendations in the order of the Spark dot product", async () => {
    const model = await loadReleaseRecommender(out(), dataset.users.ids, dataset.items.ids);
    const userIds = [...userVectors.keys()].filter((id) => dataset.users.ids.has(id) && id !== erasedUser).slice(0, 5);
    expect(userIds).toHaveLength(5);
    for (const id of userIds) {
      const x = userVectors.get(id)!;
      const scored = dataset.items.ids.ids.map((itemId, index) => {
        const y = itemVectors.get(itemId) ?? new Array<number>(D).fill(0);
        let score = 0;
        for (let d = 0; d < D; d++) score += x[d]! * y[d]!;
        return { index, score };
      });
      const expected = scored
        .sort((a, b) => b.score - a.score)
        .slice(0, 10)
        .map((entry) => entry.index);
      expect(
        model.recommend(dataset.users.ids.indexOf(id), 10).map((entry) => entry.index),
        id,
      ).toEqual(expected);
    }
  });

  it("records what was matched, left out and filled in factors-import.json", async () => {
    const report = await readJson<FactorsImport & { modelVersion: string }>("factors-import.json");
    expect(report).toMatchObject({
      modelVersion: releaseId,
      dimensions: D,
      meta: META,
      users: { factors: dataset.users.ids.size, matched: dataset.users.ids.size - 1, unknown: 1, erased: 1, foldedIn: 2 },
      items: { factors: 119, matched: 118, unknown: 1, zeroVectors: 2 },
    });
    expect(report.files).toContain("userFactors/part-00001-4f1e-c000.json.gz");
    expect(report.files).not.toContain("userFactors/_SUCCESS");
    const text = output.join("\n");
    expect(text).toMatch(/\[release\] read .*: 80 user and 119 item vectors of 8 dimensions from 7 files/);
    expect(text).toMatch(/left out 1 Spark items the catalogue lacks \("ghost-item"\)/);
    expect(text).toMatch(/discarded the Spark vectors of 1 users erased since \(tombstones\)/);
    expect(text).toMatch(/2 users with events but no Spark vector: the fold-in of their history/);
  });

  it("publishes the folder through publishRelease: kept, uploaded, registered and made current", async () => {
    const manifest = await readJson<ModelManifest>("manifest.json");
    expect(releaseId).toBe(manifest.modelVersion);
    expect(output.at(-1)).toBe(releaseId);
    const { state } = fake;
    expect(state.pointer?.current).toBe(releaseId);
    expect(state.releases).toEqual([expect.objectContaining({ id: releaseId, retrieval_model: "spark-als", dimensions: D })]);
    expect(JSON.parse(state.kv.get(`rel/${releaseId}/manifest`)!)).toEqual(manifest);
    expect(state.kv.has(`rel/${releaseId}/${kvKeys.user(newUser)}`)).toBe(true);
    expect(state.vectors.get(releaseId!)).toHaveLength(120);
    const kept = JSON.parse(await readFile(join(root, "releases", releaseId!, "factors-import.json"), "utf8")) as { modelVersion: string };
    expect(kept.modelVersion).toBe(releaseId);
  });

  it("refuses factors whose ids are not in the dataset, and options that do not fit together", async () => {
    const folder = join(root, "strangers");
    await writeFiles(folder, {
      "userFactors.json": lines([{ id: 0, features: vectors(1, 1)[0] }]),
      "itemFactors.json": lines([{ id: 0, features: vectors(1, 2)[0] }]),
      "user_ids.json": lines([{ index: 0, id: dataset.users.ids.ids[0] }]),
      "item_ids.json": lines([{ index: 0, id: "someone-elses-item" }]),
    });
    await expect(
      importSparkFactors({ factors: folder, data: join(root, "data"), out: join(root, "x"), seed: 1 }, () => {}),
    ).rejects.toThrow(
      /none of the 1 Spark item ids \("someone-elses-item"\) is in the catalogue of .*: is --data the dataset the Spark job trained on\?/,
    );
    const { client } = fakeWorker();
    await expect(runRelease({ action: "publish", client, fromFactors: folder, from: "artifacts/demo", write: () => {} })).rejects.toThrow(
      /--from .* or --from-factors, not both/,
    );
    await expect(runRelease({ action: "publish", client, fromFactors: folder, write: () => {} })).rejects.toThrow(/needs --data/);
    await expect(runRelease({ action: "publish", client, data: "data/demo", write: () => {} })).rejects.toThrow(
      /--data only apply with --from-factors/,
    );
  });
});

describe("readSparkFactors", () => {
  const [u0, u1, u2] = vectors(3, 21);
  const [i0, i1, i2, i3] = vectors(4, 22);
  /** A valid folder of 3 users and 4 items; `files` replaces or adds files. */
  const folderWith = async (name: string, files: Record<string, string> = {}, drop: string[] = []): Promise<string> => {
    const folder = join(root, "bad", name);
    const base: Record<string, string> = {
      "userFactors/part-00000-a-c000.json": lines([
        { id: 7, features: u0 },
        { id: 8, features: u1 },
      ]),
      "userFactors/part-00001-a-c000.json.gz": lines([{ id: 9, features: u2 }]),
      "itemFactors/part-00000-b-c000.json.gz": lines([
        { id: 0, features: i0 },
        { id: 1, features: i1 },
        { id: 2, features: i2 },
        { id: 3, features: i3 },
      ]),
      "user_ids/part-00000-c-c000.json": lines([
        { index: 7, id: "u1" },
        { index: 8, id: "u2" },
        { index: 9, id: "u3" },
      ]),
      "item_ids.json.gz": lines(["a", "b", "c", "d"].map((id, index) => ({ index, id }))),
    };
    for (const path of drop) delete base[path];
    await writeFiles(folder, { ...base, ...files });
    return folder;
  };

  it("reads Spark output folders and single files, gzipped or not, joined through the id maps", async () => {
    const factors = await readSparkFactors(await folderWith("good", { "userFactors/_SUCCESS": "" }));
    expect(factors.dimensions).toBe(D);
    expect(factors.meta).toEqual({});
    expect(factors.users.ids).toEqual(["u1", "u2", "u3"]);
    expect(factors.items.ids).toEqual(["a", "b", "c", "d"]);
    expect(Array.from(factors.users.vectors.subarray(2 * D, 3 * D))).toEqual(u2);
    expect(Array.from(factors.items.vectors.subarray(3 * D))).toEqual(i3);
  });

  it("names the file and line of a vector of the wrong length", async () => {
    const short = lines([{ id: 9, features: u2!.slice(1) }]);
    await expect(readSparkFactors(await folderWith("short", { "userFactors/part-00001-a-c000.json.gz": short }))).rejects.toThrow(
      "userFactors/part-00001-a-c000.json.gz:1: 7 features, expected 8 (as in userFactors/part-00000-a-c000.json:1)",
    );
    const items = lines([{ id: 0, features: [...i0!, 1] }]);
    await expect(readSparkFactors(await folderWith("items-longer", { "itemFactors/part-00000-b-c000.json.gz": items }))).rejects.toThrow(
      "itemFactors/part-00000-b-c000.json.gz:1: 9 features, expected 8 (as in userFactors/part-00000-a-c000.json:1)",
    );
    await expect(readSparkFactors(await folderWith("rank", { "meta.json": JSON.stringify({ rank: 16 }) }))).rejects.toThrow(
      "userFactors/part-00000-a-c000.json:1: 8 features, expected 16 (meta.json rank)",
    );
  });

  it("refuses numbers that are not finite float32 values, and lines that are not JSON", async () => {
    const cases: [string, string, string][] = [
      ["nan-string", `{"id":7,"features":[0,0,"NaN",0,0,0,0,0]}\n`, ':1: features[2] is not a finite float32 number (got "NaN")'],
      ["overflow", `{"id":7,"features":[0,0,0,1e39,0,0,0,0]}\n`, ":1: features[3] is not a finite float32 number (got 1e+39)"],
      ["bare-nan", `{"id":7,"features":[0,0,0,0,0,0,0,0]}\n\n{"id":8,"features":[NaN,0,0,0,0,0,0,0]}\n`, ":3: invalid JSON"],
      ["string-id", `{"id":"7","features":[0,0,0,0,0,0,0,0]}\n`, ':1: "id" must be an integer (ALS\'s user id), got "7"'],
    ];
    for (const [name, text, message] of cases) {
      const folder = await folderWith(name, { "userFactors/part-00000-a-c000.json": text });
      await expect(readSparkFactors(folder), name).rejects.toThrow(`userFactors/part-00000-a-c000.json${message}`);
    }
  });

  it("refuses ids missing from either side of the join, and repeated ids", async () => {
    const extraItem = lines([0, 1, 2, 3, 4].map((id) => ({ id, features: i0 })));
    await expect(readSparkFactors(await folderWith("no-map", { "itemFactors/part-00000-b-c000.json.gz": extraItem }))).rejects.toThrow(
      "itemFactors/part-00000-b-c000.json.gz:5: item factor id 4 has no entry in item_ids",
    );
    const extraUser = lines([7, 8, 9, 10].map((index) => ({ index, id: `u${index}` })));
    await expect(readSparkFactors(await folderWith("no-factors", { "user_ids/part-00000-c-c000.json": extraUser }))).rejects.toThrow(
      '1 of 4 user_ids entries have no user factors (index 10 → "u10")',
    );
    const twice = lines([{ id: 8, features: u2 }]);
    await expect(readSparkFactors(await folderWith("twice", { "userFactors/part-00001-a-c000.json.gz": twice }))).rejects.toThrow(
      "userFactors/part-00001-a-c000.json.gz:1: user factor id 8 appears twice (first at userFactors/part-00000-a-c000.json:2)",
    );
    const sameId = lines([
      { index: 7, id: "u1" },
      { index: 8, id: "u1" },
    ]);
    await expect(readSparkFactors(await folderWith("same-id", { "user_ids/part-00000-c-c000.json": sameId }))).rejects.toThrow(
      'user_ids/part-00000-c-c000.json:2: id "u1" appears twice in user_ids (first at user_ids/part-00000-c-c000.json:1)',
    );
  });

  it("says what is missing, ambiguous, unreadable or not JSON lines", async () => {
    await expect(readSparkFactors(await folderWith("missing", {}, ["item_ids.json.gz"]))).rejects.toThrow(
      /has no item_ids\/ \(nor item_ids\.json or item_ids\.json\.gz\)/,
    );
    await expect(readSparkFactors(await folderWith("both", { "userFactors.json": "" }))).rejects.toThrow(
      "has both userFactors and userFactors.json: keep one",
    );
    await expect(readSparkFactors(await folderWith("parquet", { "itemFactors/part-00001-b-c000.snappy.parquet": "PAR1" }))).rejects.toThrow(
      "itemFactors/part-00001-b-c000.snappy.parquet: not a JSON-lines part file (.json or .json.gz)",
    );
    const folder = await folderWith("corrupt");
    await writeFile(join(folder, "userFactors/part-00001-a-c000.json.gz"), "not gzip");
    await expect(readSparkFactors(folder)).rejects.toThrow(
      "userFactors/part-00001-a-c000.json.gz: cannot read after line 0 (incorrect header check)",
    );
    await expect(readSparkFactors(await folderWith("meta", { "meta.json": JSON.stringify({ rank: "eight" }) }))).rejects.toThrow(
      /^meta\.json: rank: /,
    );
    await expect(readSparkFactors(join(root, "bad", "nowhere"))).rejects.toThrow(/is not a folder/);
  });
});
