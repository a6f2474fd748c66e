import { describe, expect, it } from "vitest";
import { FlatVectorIndex } from "../../../shared/vector-index/flat-vector-index";
import type { VectorIndex } from "../../../shared/vector-index/vector-index";
import { CachedVectorIndex, forgetItemVectors } from "../../../workers/vector-index/cached-vector-index";

/** The flat index, recording the ids each getByIds call asked the backend for. */
function backend() {
  const flat = new FlatVectorIndex({ dimensions: 2, metric: "dot-product", metadataIndexes: {} });
  const asked: string[][] = [];
  const queried: number[][] = [];
  const index: VectorIndex = {
    query: (vector, options) => {
      queried.push([...vector]);
      return flat.query(vector, options);
    },
    upsert: (vectors) => flat.upsert(vectors),
    deleteByIds: (ids) => flat.deleteByIds(ids),
    describe: () => flat.describe(),
    getByIds: (ids) => {
      asked.push([...ids]);
      return flat.getByIds(ids);
    },
  };
  return { index, asked, queried };
}

describe("CachedVectorIndex", () => {
  it("asks the backend only for ids it does not hold, and answers in the order asked, without duplicates or unknown ids", async () => {
    const { index, asked } = backend();
    const binding = {};
    const cachedIndex = new CachedVectorIndex(index, binding);
    await cachedIndex.upsert([
      { id: "a", values: [1, 0] },
      { id: "b", values: [0, 1] },
      { id: "c", values: [1, 1] },
    ]);
    expect((await cachedIndex.getByIds(["a", "b"])).map((r) => r.id)).toEqual(["a", "b"]);
    const records = await cachedIndex.getByIds(["c", "a", "zz", "a", "b"]);
    expect(records.map((record) => [record.id, record.values])).toEqual([
      ["c", [1, 1]],
      ["a", [1, 0]],
      ["b", [0, 1]],
    ]);
    expect(asked).toEqual([
      ["a", "b"],
      ["c", "zz"],
    ]);
    // A second wrapper of the same binding (the next request) shares what the first fetched.
    await new CachedVectorIndex(index, binding).getByIds(["a", "b", "c"]);
    expect(asked).toHaveLength(2);
  });

  it("drops the ids an upsert or delete through it touches, and everything on forgetItemVectors", async () => {
    const { index, asked } = backend();
    const binding = {};
    const cachedIndex = new CachedVectorIndex(index, binding);
    await cachedIndex.upsert([
      { id: "a", values: [1, 0] },
      { id: "b", values: [0, 1] },
    ]);
    await cachedIndex.getByIds(["a", "b"]);
    await cachedIndex.upsert([{ id: "a", values: [2, 2] }]);
    expect((await cachedIndex.getByIds(["a"]))[0]!.values).toEqual([2, 2]);
    await cachedIndex.deleteByIds(["b"]);
    expect(await cachedIndex.getByIds(["b"])).toEqual([]);
    forgetItemVectors(binding);
    await cachedIndex.getByIds(["a"]);
    expect(asked).toEqual([["a", "b"], ["a"], ["b"], ["a"]]);
  });

  it("re-reads a vector after its TTL", async () => {
    const { index, asked } = backend();
    const cachedIndex = new CachedVectorIndex(index, {}, 0);
    await cachedIndex.upsert([{ id: "a", values: [1, 0] }]);
    await cachedIndex.getByIds(["a"]);
    await cachedIndex.getByIds(["a"]);
    expect(asked).toEqual([["a"], ["a"]]);
  });

  it("answers a repeated query from the isolate, a different query or one after a write from the index", async () => {
    const { index, queried } = backend();
    const cachedIndex = new CachedVectorIndex(index, {});
    await cachedIndex.upsert([
      { id: "a", values: [1, 0] },
      { id: "b", values: [0, 1] },
    ]);
    const first = await cachedIndex.query([1, 0], { topK: 1 });
    expect(first.matches.map((match) => match.id)).toEqual(["a"]);
    expect(await cachedIndex.query([1, 0], { topK: 1 })).toBe(first);
    expect(queried).toHaveLength(1);
    // Another vector, or the same vector with other options, is another question.
    expect((await cachedIndex.query([0, 1], { topK: 1 })).matches[0]!.id).toBe("b");
    await cachedIndex.query([1, 0], { topK: 2 });
    expect(queried).toHaveLength(3);
    // A write drops every cached answer: the new item is found at once.
    await cachedIndex.upsert([{ id: "c", values: [5, 0] }]);
    expect((await cachedIndex.query([1, 0], { topK: 1 })).matches[0]!.id).toBe("c");
    expect(queried).toHaveLength(4);
  });
});
