/**
 * The Vectorize adapter against a stand-in binding (Vectorize cannot run locally) and
 * `selectVectorIndex`: same error mapping as the embedded client — caller errors before the call,
 * `unavailable` for anything the binding throws.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { VectorIndexError } from "../../shared/vector-index/vector-index-error";
import { CachedVectorIndex } from "../../workers/vector-index/cached-vector-index";
import { EmbeddedVectorIndexClient } from "../../workers/vector-index/embedded";
import { selectVectorIndex } from "../../workers/vector-index/select-vector-index";
import { VectorizeVectorIndex, type VectorizeBinding } from "../../workers/vector-index/vectorize";

/** A stand-in binding that records calls and answers from `replies` (or throws `failure`). */
function fakeVectorize(replies: Partial<Record<string, unknown>>, failure?: Error) {
  const calls: { method: string; args: unknown[] }[] = [];
  const handler =
    (method: string) =>
    async (...args: unknown[]) => {
      calls.push({ method, args });
      if (failure) throw failure;
      return replies[method];
    };
  const binding = {
    query: handler("query"),
    upsert: handler("upsert"),
    getByIds: handler("getByIds"),
    deleteByIds: handler("deleteByIds"),
    describe: handler("describe"),
    insert: handler("insert"),
    queryById: handler("queryById"),
  } as unknown as VectorizeBinding;
  return { binding, calls };
}

describe("VectorizeVectorIndex", () => {
  it("maps every binding failure to unavailable", async () => {
    const { binding } = fakeVectorize({}, new Error("VECTOR_QUERY_ERROR (code = 40006): needs to be run remotely"));
    const index = new VectorizeVectorIndex(binding);
    for (const call of [
      index.query([1, 2, 3]),
      index.upsert([{ id: "a", values: [1, 2, 3] }]),
      index.getByIds(["a"]),
      index.deleteByIds(["a"]),
      index.describe(),
    ]) {
      const error = await call.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(VectorIndexError);
      expect(error).toMatchObject({
        code: "unavailable",
        kind: "backend",
        message: expect.stringContaining("needs to be run remotely"),
      });
    }
  });

  it("refuses caller errors before calling the binding, with the embedded index's codes", async () => {
    const { binding, calls } = fakeVectorize({});
    const index = new VectorizeVectorIndex(binding, { dimensions: 3, metadataIndexes: { genre: "string" } });
    await expect(index.query([1, 2, 3], { topK: 21, returnValues: true })).rejects.toMatchObject({
      code: "top_k_exceeded",
    });
    await expect(index.query([1, 2])).rejects.toMatchObject({ code: "dimension_mismatch" });
    await expect(index.query([1, 2, 3], { filter: { title: "x" } })).rejects.toMatchObject({ code: "invalid_filter" });
    await expect(index.upsert([{ id: "", values: [1, 2, 3] }])).rejects.toMatchObject({ code: "invalid_id" });
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ id: `${i}`, values: [1, 2, 3] }));
    await expect(index.upsert(tooMany)).rejects.toMatchObject({ code: "batch_too_large" });
    expect(calls).toEqual([]);
  });

  it("sends Vectorize's defaults explicitly and normalises matches", async () => {
    const { binding, calls } = fakeVectorize({
      query: {
        count: 1,
        matches: [{ id: "a", score: -2, values: new Float32Array([1, 2, 3]), metadata: { genre: "drama" } }],
      },
    });
    const index = new VectorizeVectorIndex(binding);
    const result = await index.query([1, 2, 3], { returnValues: true, returnMetadata: true, namespace: "kids" });
    expect(calls[0]!.args[1]).toEqual({ topK: 5, returnValues: true, returnMetadata: "all", namespace: "kids" });
    expect(result).toEqual({
      count: 1,
      matches: [{ id: "a", score: -2, values: [1, 2, 3], metadata: { genre: "drama" } }],
    });
  });

  it("returns getByIds in the order asked and normalises both binding shapes", async () => {
    const { binding } = fakeVectorize({
      getByIds: [
        { id: "b", values: [0, 1] },
        { id: "a", values: new Float64Array([1, 0]), namespace: "kids" },
      ],
      upsert: { ids: ["a"], count: 1 },
      deleteByIds: { mutationId: "m-1" },
      describe: { id: "x", name: "edge-recs-items", config: { dimensions: 2, metric: "dot-product" }, vectorsCount: 7 },
    });
    const index = new VectorizeVectorIndex(binding);
    expect(await index.getByIds(["a", "missing", "b"])).toEqual([
      { id: "a", values: [1, 0], namespace: "kids" },
      { id: "b", values: [0, 1] },
    ]);
    expect(await index.describe()).toEqual({ vectorCount: 7, dimensions: 2 });
    expect(await index.deleteByIds(["a"])).toEqual({ mutationId: "m-1" });
    expect((await index.upsert([{ id: "a", values: [1, 0] }])).mutationId).toEqual(expect.any(String));

    const v2Info = { vectorCount: 3, dimensions: 32, processedUpToDatetime: 0, processedUpToMutation: 0 };
    const v2 = new VectorizeVectorIndex(fakeVectorize({ describe: v2Info }).binding);
    expect(await v2.describe()).toEqual({ vectorCount: 3, dimensions: 32 });
  });
});

describe("selectVectorIndex", () => {
  it("selects by VECTOR_INDEX_BACKEND", () => {
    // Each backend comes wrapped in the isolate cache of item vectors (cached-vector-index.ts).
    const embedded = selectVectorIndex({ ...env, VECTOR_INDEX_BACKEND: "embedded" });
    const vectorize = selectVectorIndex({ ...env, VECTOR_INDEX_BACKEND: "vectorize" });
    expect(embedded).toBeInstanceOf(CachedVectorIndex);
    expect((embedded as CachedVectorIndex).inner).toBeInstanceOf(EmbeddedVectorIndexClient);
    expect((vectorize as CachedVectorIndex).inner).toBeInstanceOf(VectorizeVectorIndex);
  });

  it("refuses an unknown backend with a misconfigured error naming the choices", () => {
    for (const backend of ["", "Vectorize", "pgvector", "toString"]) {
      expect(() => selectVectorIndex({ ...env, VECTOR_INDEX_BACKEND: backend })).toThrow(
        expect.objectContaining({ code: "misconfigured", message: expect.stringContaining('"vectorize", "embedded"') }),
      );
    }
  });
});
