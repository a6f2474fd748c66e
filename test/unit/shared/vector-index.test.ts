/**
 * FlatVectorIndex in Node: the VectorIndex contract, plus what only the in-memory index promises
 * (deterministic ties, snapshot/restore, swap-remove bookkeeping, heap selection = full sort).
 */
import { describe, expect, it } from "vitest";
import { createRng, type Rng } from "../../../shared/math/random";
import { FlatVectorIndex } from "../../../shared/vector-index/flat-vector-index";
import { matchesFilter } from "../../../shared/vector-index/metadata-filter";
import { similarityFromScore } from "../../../shared/vector-index/similarity-from-score";
import type { MetadataFilter, VectorMetric, VectorRecord } from "../../../shared/vector-index/vector-index";
import { VectorIndexError } from "../../../shared/vector-index/vector-index-error";
import { describeVectorIndexContract, FIXTURE, QUERY } from "../../contracts/vector-index-contract";

describeVectorIndexContract("FlatVectorIndex", async (config) => new FlatVectorIndex(config));

const METRICS: VectorMetric[] = ["cosine", "euclidean", "dot-product"];
const GENRES = ["drama", "comedy", "horror", "documentary"];

function randomRecords(rng: Rng, count: number, dimensions: number): VectorRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const record: VectorRecord = {
      id: `item-${i}`,
      values: Array.from({ length: dimensions }, () => rng.normal()),
      metadata: { genre: GENRES[rng.int(GENRES.length)]!, year: 1950 + rng.int(70) },
    };
    if (i % 3 === 0) record.namespace = "kids";
    return record;
  });
}

/** Reference scores computed independently, in float64 from float32-rounded values. */
function referenceScore(metric: VectorMetric, query: number[], values: number[]): number {
  const q = Float32Array.from(query);
  const v = Float32Array.from(values);
  let dot = 0;
  let squared = 0;
  let qq = 0;
  let vv = 0;
  for (let j = 0; j < q.length; j++) {
    dot += q[j]! * v[j]!;
    squared += (q[j]! - v[j]!) ** 2;
    qq += q[j]! ** 2;
    vv += v[j]! ** 2;
  }
  if (metric === "cosine") return dot / Math.sqrt(qq * vv);
  if (metric === "euclidean") return Math.sqrt(squared);
  return -dot;
}

describe("FlatVectorIndex", () => {
  describe("top-k selection by bounded heap agrees with a full sort", () => {
    for (const metric of METRICS) {
      it(`${metric}: 2000×16 seeded vectors, with and without namespace and filter`, async () => {
        const rng = createRng(23);
        const records = randomRecords(rng, 2000, 16);
        const metadataIndexes = { genre: "string", year: "number" } as const;
        const index = new FlatVectorIndex({ dimensions: 16, metric, metadataIndexes }, { initialCapacity: 1 });
        for (let start = 0; start < records.length; start += 1000) {
          await index.upsert(records.slice(start, start + 1000));
        }
        const filters: (MetadataFilter | undefined)[] = [undefined, { genre: { $in: ["drama", "horror"] }, year: { $gte: 1970 } }];
        for (let q = 0; q < 5; q++) {
          const query = Array.from({ length: 16 }, () => rng.normal());
          for (const namespace of [undefined, "kids"]) {
            for (const filter of filters) {
              const expected = records
                .filter((record) => namespace === undefined || record.namespace === namespace)
                .filter((record) => filter === undefined || matchesFilter(record.metadata, filter, metadataIndexes))
                .map((record) => ({ id: record.id, score: referenceScore(metric, query, record.values) }))
                .sort((x, y) => similarityFromScore(metric, y.score) - similarityFromScore(metric, x.score))
                .slice(0, 100);
              const { matches } = await index.query(query, { topK: 100, namespace, filter });
              expect(matches.map((match) => match.id)).toEqual(expected.map((match) => match.id));
              matches.forEach((match, i) => {
                expect(match.score).toBeCloseTo(expected[i]!.score, 6);
              });
            }
          }
        }
      });
    }
  });

  it("orders equal scores by id so results do not depend on insertion order", async () => {
    const forward = new FlatVectorIndex({ dimensions: 2, metric: "dot-product", metadataIndexes: {} });
    const backward = new FlatVectorIndex({ dimensions: 2, metric: "dot-product", metadataIndexes: {} });
    const records = ["m", "c", "x", "a"].map((id) => ({ id, values: [1, 1] }));
    await forward.upsert(records);
    await backward.upsert([...records].reverse());
    for (const index of [forward, backward]) {
      expect((await index.query([1, 0], { topK: 3 })).matches.map((match) => match.id)).toEqual(["a", "c", "m"]);
    }
  });

  it("keeps slots consistent through growth and swap-removes", async () => {
    const rng = createRng(42);
    const config = { dimensions: 4, metric: "euclidean", metadataIndexes: {} } as const;
    const index = new FlatVectorIndex(config, { initialCapacity: 1 });
    const live = new Map<string, number[]>();
    for (let round = 0; round < 30; round++) {
      const batch = Array.from({ length: 20 }, () => ({
        id: `v${rng.int(200)}`,
        values: Array.from({ length: 4 }, () => Math.round(rng.normal() * 8) / 8),
      }));
      await index.upsert(batch);
      for (const record of batch) live.set(record.id, record.values);
      const doomed = Array.from({ length: 8 }, () => `v${rng.int(200)}`);
      await index.deleteByIds(doomed);
      for (const id of doomed) live.delete(id);
    }
    expect((await index.describe()).vectorCount).toBe(live.size);
    const stored = await index.getByIds([...live.keys()]);
    expect(new Map(stored.map((record) => [record.id, record.values]))).toEqual(live);
    for (const values of live.values()) {
      expect((await index.query(values, { topK: 1 })).matches[0]).toMatchObject({ score: 0 });
    }
  });

  it("restores from a snapshot with identical answers", async () => {
    const index = new FlatVectorIndex({ dimensions: 3, metric: "cosine", metadataIndexes: { genre: "string" } });
    await index.upsert([...FIXTURE, { id: "ns", values: [1, 0.2, 0.1], namespace: "kids" }]);
    const restored = FlatVectorIndex.restore(index.snapshot().config, index.snapshot().entries);
    const options = { topK: 10, returnMetadata: "all" as const, returnValues: true };
    expect(await restored.query(QUERY, options)).toEqual(await index.query(QUERY, options));
    expect(await restored.query(QUERY, { namespace: "kids", filter: { genre: { $ne: "x" } } })).toEqual(
      await index.query(QUERY, { namespace: "kids", filter: { genre: { $ne: "x" } } }),
    );
    expect(restored.config).toEqual(index.config);
  });

  it("refuses to restore vectors of another length", () => {
    const entries = [{ id: "a", values: new Float32Array([1, 2]) }];
    expect(() => FlatVectorIndex.restore({ dimensions: 3, metric: "cosine", metadataIndexes: {} }, entries)).toThrow(
      expect.objectContaining({ code: "misconfigured" }),
    );
  });

  it("does not let callers mutate stored metadata", async () => {
    const index = new FlatVectorIndex({ dimensions: 1, metric: "dot-product", metadataIndexes: { genre: "string" } });
    const metadata = { genre: "drama", tags: ["a"] };
    await index.upsert([{ id: "a", values: [1], metadata }]);
    metadata.genre = "comedy";
    metadata.tags.push("b");
    const [record] = await index.getByIds(["a"]);
    expect(record!.metadata).toEqual({ genre: "drama", tags: ["a"] });
    (record!.metadata!.tags as string[]).push("c");
    expect((await index.getByIds(["a"]))[0]!.metadata).toEqual({ genre: "drama", tags: ["a"] });
  });

  it("re-indexes stored vectors when metadata indexes change", async () => {
    const index = new FlatVectorIndex({ dimensions: 3, metric: "cosine", metadataIndexes: {} });
    await index.upsert(FIXTURE);
    await expect(index.query(QUERY, { filter: { genre: "drama" } })).rejects.toMatchObject({ code: "invalid_filter" });
    index.setMetadataIndexes({ genre: "string" });
    const { matches } = await index.query(QUERY, { filter: { genre: "drama" } });
    expect(matches.map((match) => match.id)).toEqual(["a", "c"]);
  });

  it("validates its configuration", () => {
    const bad = [
      { dimensions: 0, metric: "cosine", metadataIndexes: {} },
      { dimensions: 1537, metric: "cosine", metadataIndexes: {} },
      { dimensions: 3, metric: "manhattan", metadataIndexes: {} },
      { dimensions: 3, metric: "cosine", metadataIndexes: { "a.b": "string" } },
      { dimensions: 3, metric: "cosine", metadataIndexes: { a: "date" } },
      {
        dimensions: 3,
        metric: "cosine",
        metadataIndexes: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`p${i}`, "string"])),
      },
    ];
    for (const config of bad) {
      expect(() => new FlatVectorIndex(config as never), JSON.stringify(config)).toThrow(VectorIndexError);
    }
  });

  it("scores a zero vector 0 under cosine instead of NaN", async () => {
    const index = new FlatVectorIndex({ dimensions: 2, metric: "cosine", metadataIndexes: {} });
    await index.upsert([{ id: "zero", values: [0, 0] }]);
    expect((await index.query([1, 0])).matches).toEqual([{ id: "zero", score: 0 }]);
    expect((await index.query([0, 0])).matches).toEqual([{ id: "zero", score: 0 }]);
  });
});
