/**
 * The `VectorIndex` contract: one suite run against every implementation (FlatVectorIndex in
 * Node, the EmbeddedVectorIndex Durable Object in workerd; Vectorize is described but skipped, as
 * it needs the Cloudflare network). Known answers on a 5-vector fixture where each metric ranks
 * differently, Vectorize's limits with their error codes, every filter operator, metadata
 * retrieval levels, namespaces, and write semantics.
 */
import { describe, expect, it } from "vitest";
import type { VectorIndex, VectorMatches, VectorRecord } from "../../shared/vector-index/vector-index";
import type { VectorIndexConfig } from "../../shared/vector-index/vector-index-config";
import { VectorIndexError, type VectorIndexErrorCode } from "../../shared/vector-index/vector-index-error";

/** Builds a fresh, empty index with the given configuration (one per test). */
export type MakeVectorIndex = (config: VectorIndexConfig) => Promise<VectorIndex>;

/** 80 bytes of UTF-8 (2 bytes per "é"); indexed as its first 64 bytes, i.e. 32 "é". */
const LONG_BLURB = "é".repeat(40);

/**
 * Five vectors in 3-d. For the query [1, 0.2, 0]:
 * cosine:      a .9806, d .8321, b .1961, c 0, e −.9806
 * euclidean:   a .2, d .8, b 1.2806, e 2.0100, c 2.2450
 * dot-product: d −1.2, a −1, b −.2, c 0, e 1  (Vectorize reports the negative dot product)
 */
export const FIXTURE: VectorRecord[] = [
  {
    id: "a",
    values: [1, 0, 0],
    metadata: { genre: "drama", year: 1994, sponsored: false, blurb: LONG_BLURB, title: "Alpha", tags: ["x", "y"] },
  },
  { id: "b", values: [0, 1, 0], metadata: { genre: "comedy", year: 2001, sponsored: true, title: "Bravo" } },
  { id: "c", values: [0, 0, 2], metadata: { genre: "drama", year: 2010, sponsored: false, title: "Charlie" } },
  { id: "d", values: [1, 1, 0], metadata: { genre: "horror", year: 1980, sponsored: true, title: "Delta" } },
  { id: "e", values: [-1, 0, 0], metadata: { genre: "comedy", year: 2020, sponsored: false, title: "Echo" } },
];

export const QUERY = [1, 0.2, 0];

const METADATA_INDEXES = { genre: "string", year: "number", sponsored: "boolean", blurb: "string" } as const;

const EXPECTED: Record<VectorIndexConfig["metric"], [string, number][]> = {
  cosine: [
    ["a", 1 / Math.sqrt(1.04)],
    ["d", 1.2 / (Math.sqrt(1.04) * Math.SQRT2)],
    ["b", 0.2 / Math.sqrt(1.04)],
    ["c", 0],
    ["e", -1 / Math.sqrt(1.04)],
  ],
  euclidean: [
    ["a", 0.2],
    ["d", 0.8],
    ["b", Math.sqrt(1.64)],
    ["e", Math.sqrt(4.04)],
    ["c", Math.sqrt(5.04)],
  ],
  "dot-product": [
    ["d", -1.2],
    ["a", -1],
    ["b", -0.2],
    ["c", 0],
    ["e", 1],
  ],
};

const ids = (result: VectorMatches) => result.matches.map((match) => match.id);

async function expectCode(promise: Promise<unknown>, code: VectorIndexErrorCode): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected a VectorIndexError "${code}"`).toBeInstanceOf(VectorIndexError);
  expect((error as VectorIndexError).code).toBe(code);
}

/**
 * Registers the contract suite for one implementation.
 * @param name shown in the test report, e.g. "FlatVectorIndex".
 * @param makeIndex returns a fresh, empty index per call.
 */
export function describeVectorIndexContract(name: string, makeIndex: MakeVectorIndex): void {
  const cosine = () => makeIndex({ dimensions: 3, metric: "cosine", metadataIndexes: { ...METADATA_INDEXES } });
  const withFixture = async (metric: VectorIndexConfig["metric"] = "cosine") => {
    const index = await makeIndex({ dimensions: 3, metric, metadataIndexes: { ...METADATA_INDEXES } });
    await index.upsert(FIXTURE);
    return index;
  };

  describe(`VectorIndex contract: ${name}`, () => {
    describe("known-answer queries", () => {
      for (const metric of ["cosine", "euclidean", "dot-product"] as const) {
        it(`ranks and scores by ${metric} as Vectorize reports it`, async () => {
          const index = await withFixture(metric);
          const result = await index.query(QUERY, { topK: 5 });
          expect(ids(result)).toEqual(EXPECTED[metric].map(([id]) => id));
          expect(result.count).toBe(5);
          result.matches.forEach((match, i) => {
            expect(match.score).toBeCloseTo(EXPECTED[metric][i]![1], 5);
          });
        });
      }

      it("returns the best topK only, and 5 by default", async () => {
        const index = await withFixture("euclidean");
        expect(ids(await index.query(QUERY, { topK: 2 }))).toEqual(["a", "d"]);
        await index.upsert([
          { id: "f", values: [5, 5, 5] },
          { id: "g", values: [6, 6, 6] },
        ]);
        const defaults = await index.query(QUERY);
        expect(defaults.count).toBe(5);
        expect(defaults.matches[0]).toEqual({ id: "a", score: expect.closeTo(0.2, 5) });
      });

      it("returns values only when asked", async () => {
        const index = await withFixture();
        const bare = await index.query(QUERY, { topK: 1 });
        expect(bare.matches[0]).not.toHaveProperty("values");
        expect(bare.matches[0]).not.toHaveProperty("metadata");
        const full = await index.query(QUERY, { topK: 2, returnValues: true });
        expect(full.matches.map((match) => match.values)).toEqual([
          [1, 0, 0],
          [1, 1, 0],
        ]);
      });

      it("answers an empty index with no matches", async () => {
        const index = await cosine();
        expect(await index.query(QUERY, { topK: 10 })).toEqual({ matches: [], count: 0 });
      });
    });

    describe("limits", () => {
      it("accepts topK 1..100 without values or full metadata", async () => {
        const index = await withFixture();
        expect((await index.query(QUERY, { topK: 100 })).count).toBe(5);
        expect((await index.query(QUERY, { topK: 100, returnMetadata: "indexed" })).count).toBe(5);
        await expectCode(index.query(QUERY, { topK: 101 }), "top_k_exceeded");
        await expectCode(index.query(QUERY, { topK: 0 }), "top_k_exceeded");
        await expectCode(index.query(QUERY, { topK: 2.5 }), "top_k_exceeded");
      });

      it("caps topK at 20 with values or all metadata", async () => {
        const index = await withFixture();
        expect((await index.query(QUERY, { topK: 20, returnValues: true, returnMetadata: "all" })).count).toBe(5);
        await expectCode(index.query(QUERY, { topK: 21, returnValues: true }), "top_k_exceeded");
        await expectCode(index.query(QUERY, { topK: 21, returnMetadata: "all" }), "top_k_exceeded");
        await expectCode(index.query(QUERY, { topK: 21, returnMetadata: true }), "top_k_exceeded");
      });

      it("refuses vectors of the wrong length or with non-finite values", async () => {
        const index = await withFixture();
        await expectCode(index.query([1, 0]), "dimension_mismatch");
        await expectCode(index.query([1, Number.NaN, 0]), "invalid_vector");
        await expectCode(index.query([1, Number.POSITIVE_INFINITY, 0]), "invalid_vector");
        await expectCode(index.upsert([{ id: "x", values: [1, 2, 3, 4] }]), "dimension_mismatch");
        await expectCode(index.upsert([{ id: "x", values: [1, Number.NaN, 3] }]), "invalid_vector");
        await expectCode(index.upsert([{ id: "x", values: [1, 1e39, 3] }]), "invalid_vector");
      });

      it("refuses empty and over-long ids and namespaces (64 bytes of UTF-8)", async () => {
        const index = await cosine();
        await index.upsert([{ id: "i".repeat(64), values: [1, 0, 0], namespace: "n".repeat(64) }]);
        await expectCode(index.upsert([{ id: "", values: [1, 0, 0] }]), "invalid_id");
        await expectCode(index.upsert([{ id: "é".repeat(33), values: [1, 0, 0] }]), "invalid_id");
        await expectCode(index.upsert([{ id: "x", values: [1, 0, 0], namespace: "é".repeat(33) }]), "invalid_namespace");
        await expectCode(index.query(QUERY, { namespace: "n".repeat(65) }), "invalid_namespace");
        await expectCode(index.getByIds(["x".repeat(65)]), "invalid_id");
        expect((await index.describe()).vectorCount).toBe(1);
      });

      it("refuses metadata over 10 KiB or with reserved keys", async () => {
        const index = await cosine();
        await index.upsert([{ id: "ok", values: [1, 0, 0], metadata: { text: "x".repeat(10 * 1024 - 20) } }]);
        await expectCode(index.upsert([{ id: "big", values: [1, 0, 0], metadata: { text: "x".repeat(10 * 1024) } }]), "invalid_metadata");
        for (const key of ["", "a.b", 'say"', "$eq"]) {
          await expectCode(index.upsert([{ id: "k", values: [1, 0, 0], metadata: { [key]: 1 } }]), "invalid_metadata");
        }
      });

      it("refuses batches over 1000 and writes nothing from a batch with one bad record", async () => {
        const index = await cosine();
        const batch = Array.from({ length: 1001 }, (_, i) => ({ id: `v${i}`, values: [1, 0, i] }));
        await expectCode(index.upsert(batch), "batch_too_large");
        await index.upsert(batch.slice(0, 1000));
        expect((await index.describe()).vectorCount).toBe(1000);
        await expectCode(
          index.upsert([
            { id: "new", values: [1, 1, 1] },
            { id: "bad", values: [1, 1] },
          ]),
          "dimension_mismatch",
        );
        expect(await index.getByIds(["new"])).toEqual([]);
        expect((await index.describe()).vectorCount).toBe(1000);
      });
    });

    describe("metadata filters", () => {
      const cases: [string, Record<string, unknown>, string[]][] = [
        ["a bare value as $eq", { genre: "drama" }, ["a", "c"]],
        ["$eq", { genre: { $eq: "comedy" } }, ["b", "e"]],
        ["$ne", { genre: { $ne: "drama" } }, ["d", "b", "e"]],
        ["$in", { genre: { $in: ["horror", "comedy"] } }, ["d", "b", "e"]],
        ["$nin", { genre: { $nin: ["horror", "comedy"] } }, ["a", "c"]],
        ["$lt", { year: { $lt: 1994 } }, ["d"]],
        ["$lte", { year: { $lte: 1994 } }, ["a", "d"]],
        ["$gt", { year: { $gt: 2001 } }, ["c", "e"]],
        ["$gte", { year: { $gte: 2001 } }, ["b", "c", "e"]],
        ["a lower and an upper bound", { year: { $gte: 1990, $lt: 2010 } }, ["a", "b"]],
        ["a string range (prefix search)", { genre: { $gte: "d", $lt: "e" } }, ["a", "c"]],
        ["a boolean", { sponsored: true }, ["d", "b"]],
        ["a boolean $ne", { sponsored: { $ne: true } }, ["a", "c", "e"]],
        ["an implicit AND of fields", { genre: "drama", year: { $gt: 2000 } }, ["c"]],
        ["a long string by its indexed 64-byte prefix", { blurb: "é".repeat(32) }, ["a"]],
        ["no match", { genre: "western" }, []],
      ];
      for (const [label, filter, expected] of cases) {
        it(`filters with ${label}`, async () => {
          const index = await withFixture();
          expect(ids(await index.query(QUERY, { topK: 10, filter: filter as never }))).toEqual(expected);
        });
      }

      it("applies the filter before taking topK", async () => {
        const index = await withFixture();
        expect(ids(await index.query(QUERY, { topK: 1, filter: { genre: "comedy" } }))).toEqual(["b"]);
      });

      it("refuses filters the index cannot answer", async () => {
        const index = await withFixture();
        const refuse = (filter: unknown) => expectCode(index.query(QUERY, { filter: filter as never }), "invalid_filter");
        await refuse({ title: "Alpha" });
        await refuse({});
        await refuse({ genre: { $regex: "dr" } });
        await refuse({ year: { $gt: 1990, $gte: 1991 } });
        await refuse({ year: { $eq: 1994, $lt: 2000 } });
        await refuse({ genre: ["drama"] });
        await refuse({ genre: { $in: "drama" } });
        await refuse({ $genre: "drama" });
        await refuse({ genre: { $in: Array.from({ length: 300 }, (_, i) => `genre-${i}`) } });
      });
    });

    describe("metadata retrieval", () => {
      it('returns all metadata with "all" or true', async () => {
        const index = await withFixture();
        for (const returnMetadata of ["all", true] as const) {
          const { matches } = await index.query(QUERY, { topK: 1, returnMetadata });
          expect(matches[0]!.metadata).toEqual(FIXTURE[0]!.metadata);
        }
      });

      it('returns only indexed properties, strings cut to 64 bytes, with "indexed"', async () => {
        const index = await withFixture();
        const { matches } = await index.query(QUERY, { topK: 2, returnMetadata: "indexed" });
        expect(matches[0]!.metadata).toEqual({ genre: "drama", year: 1994, sponsored: false, blurb: "é".repeat(32) });
        expect(matches[1]!.metadata).toEqual({ genre: "horror", year: 1980, sponsored: true });
      });

      it('returns no metadata with "none" or false', async () => {
        const index = await withFixture();
        for (const returnMetadata of ["none", false] as const) {
          const { matches } = await index.query(QUERY, { topK: 1, returnMetadata });
          expect(matches[0]).not.toHaveProperty("metadata");
        }
      });
    });

    describe("namespaces", () => {
      it("queries only the given namespace, or every vector without one", async () => {
        const index = await cosine();
        await index.upsert([
          { id: "kid", values: [1, 0, 0], namespace: "kids" },
          { id: "adult", values: [1, 0.1, 0], namespace: "adults" },
          { id: "any", values: [0.9, 0.5, 0] },
        ]);
        expect(ids(await index.query(QUERY, { namespace: "kids" }))).toEqual(["kid"]);
        expect(ids(await index.query(QUERY, { namespace: "adults" }))).toEqual(["adult"]);
        expect(ids(await index.query(QUERY, { namespace: "elsewhere" }))).toEqual([]);
        expect(ids(await index.query(QUERY)).sort()).toEqual(["adult", "any", "kid"]);
        expect(await index.getByIds(["kid"])).toEqual([{ id: "kid", values: [1, 0, 0], namespace: "kids" }]);
      });

      it("combines a namespace with a filter", async () => {
        const index = await cosine();
        await index.upsert([
          { id: "k1", values: [1, 0, 0], namespace: "kids", metadata: { genre: "drama" } },
          { id: "k2", values: [1, 0.5, 0], namespace: "kids", metadata: { genre: "comedy" } },
          { id: "a1", values: [1, 0, 0], namespace: "adults", metadata: { genre: "comedy" } },
        ]);
        expect(ids(await index.query(QUERY, { namespace: "kids", filter: { genre: "comedy" } }))).toEqual(["k2"]);
      });
    });

    describe("writes", () => {
      it("replaces a vector on upsert of an existing id", async () => {
        const index = await withFixture();
        await index.upsert([{ id: "a", values: [0, 0, -1], metadata: { genre: "western" } }]);
        expect((await index.describe()).vectorCount).toBe(5);
        expect(ids(await index.query(QUERY, { topK: 5 })).at(-1)).toBe("e");
        expect(ids(await index.query(QUERY, { filter: { genre: "drama" } }))).toEqual(["c"]);
        expect(await index.getByIds(["a"])).toEqual([{ id: "a", values: [0, 0, -1], metadata: { genre: "western" } }]);
      });

      it("keeps the last of duplicate ids in one batch", async () => {
        const index = await cosine();
        await index.upsert([
          { id: "dup", values: [1, 0, 0] },
          { id: "dup", values: [0, 1, 0] },
        ]);
        expect(await index.getByIds(["dup"])).toEqual([{ id: "dup", values: [0, 1, 0] }]);
      });

      it("deletes by id and ignores unknown ids", async () => {
        const index = await withFixture();
        const mutation = await index.deleteByIds(["a", "nope"]);
        expect(typeof mutation.mutationId).toBe("string");
        expect((await index.describe()).vectorCount).toBe(4);
        expect(ids(await index.query(QUERY, { topK: 10 }))).toEqual(["d", "b", "c", "e"]);
        expect(await index.getByIds(["a"])).toEqual([]);
        await index.deleteByIds(["b", "c", "d", "e"]);
        expect(await index.query(QUERY)).toEqual({ matches: [], count: 0 });
        await index.upsert([{ id: "a", values: [1, 0, 0] }]);
        expect(ids(await index.query(QUERY))).toEqual(["a"]);
      });

      it("returns getByIds in the order asked, skipping unknown ids", async () => {
        const index = await withFixture();
        const records = await index.getByIds(["d", "a", "missing", "b"]);
        expect(records.map((record) => record.id)).toEqual(["d", "a", "b"]);
        expect(records[0]).toEqual({ id: "d", values: [1, 1, 0], metadata: FIXTURE[3]!.metadata });
        expect(records[1]!.metadata).toEqual(FIXTURE[0]!.metadata);
      });

      it("counts vectors in describe", async () => {
        const index = await cosine();
        expect(await index.describe()).toMatchObject({ vectorCount: 0, dimensions: 3 });
        await index.upsert(FIXTURE);
        expect(await index.describe()).toMatchObject({ vectorCount: 5, dimensions: 3 });
        await index.deleteByIds(["a", "b"]);
        expect(await index.describe()).toMatchObject({ vectorCount: 3, dimensions: 3 });
      });
    });
  });
}
