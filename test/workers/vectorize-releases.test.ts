/**
 * Releases on Vectorize slots, in workerd against stand-in Vectorize bindings (Vectorize has no
 * local simulator; test/support/fake-vectorize.ts models ids unique per index, namespaces and
 * writes applied later). Each release claims a slot of VECTORIZE_SLOTS and writes its vectors in
 * its own namespace; the pointer names each live release's slot; a slot that holds the current,
 * previous or canary release is never reclaimed; a release whose slot was reclaimed cannot serve
 * again; what an earlier occupant left in a slot is never served.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ITEM_METADATA_INDEXES } from "../../shared/artifacts/item-metadata";
import { FakeVectorize } from "../support/fake-vectorize";
import { callWithEnv, json } from "./helpers";
import { itemOf, putReleaseKv, releaseAdmin, tagsOf, vectorLines } from "./release-fixture";

const slots = {
  VECTORIZE: new FakeVectorize({ dimensions: 2, metadataIndexes: ITEM_METADATA_INDEXES }),
  VECTORIZE_B: new FakeVectorize({ dimensions: 2, metadataIndexes: ITEM_METADATA_INDEXES }),
  VECTORIZE_C: new FakeVectorize({ dimensions: 2, metadataIndexes: ITEM_METADATA_INDEXES }),
};
const vectorizeEnv = {
  ...env,
  VECTOR_INDEX_BACKEND: "vectorize",
  VECTORIZE_SLOTS: "VECTORIZE,VECTORIZE_B,VECTORIZE_C",
  ...slots,
} as unknown as Env;
const { admin, register, activate, configureIndex, upsertVectors, completeIndex, recommend } = releaseAdmin((path, init) =>
  callWithEnv(vectorizeEnv, path, init),
);

const release = (tag: string) => `als-20261203T00000${tag.charCodeAt(0) - 96}Z-${tag.repeat(8)}`;
const [A, B, C, D, E] = ["a", "b", "c", "d", "e"].map(release) as [string, string, string, string, string];

/** Claims a slot for release `id` and uploads it (its vectors applied); returns the slot. */
async function upload(id: string, tag: string): Promise<string> {
  await putReleaseKv(id, tag);
  const claimed = await configureIndex(id);
  expect(claimed.status).toBe(200);
  const { slot } = await json(claimed);
  expect((await upsertVectors(id, vectorLines(tag))).status).toBe(200);
  slots[slot as keyof typeof slots].apply();
  expect((await completeIndex(id)).status).toBe(200);
  return slot;
}

const pointer = async () => (await json(await admin("/releases"))).pointer;

describe("releases on Vectorize slots", () => {
  beforeAll(async () => {
    expect(await upload(A, "a")).toBe("VECTORIZE");
    expect((await register(A)).status).toBe(200);
    expect((await activate(A)).status).toBe(200);
  });

  it("writes a release's vectors into its namespace in its slot and serves from there", async () => {
    expect(slots.VECTORIZE.idsIn(A)).toHaveLength(20);
    expect(await pointer()).toMatchObject({ current: A, vector_slots: { [A]: "VECTORIZE" } });
    const body = await recommend("rel-fan-1");
    expect(body.model_version).toBe(A);
    expect(body.items[0].item_id).toBe(itemOf("a", 1, 0));
    expect([...tagsOf(body)]).toEqual(["a"]);
    expect(slots.VECTORIZE.queries.at(-1)?.namespace).toBe(A);
    const described = await json(await admin("/index"));
    expect(described).toMatchObject({ backend: "vectorize", slot: "VECTORIZE" });
  });

  it("reads an upload back only once Vectorize has applied it (what the publisher waits for)", async () => {
    await putReleaseKv(B, "b");
    const { slot } = await json(await configureIndex(B));
    expect(slot).toBe("VECTORIZE_B");
    const lines = vectorLines("b");
    expect((await upsertVectors(B, lines)).status).toBe(200);
    const probe = `/index/vectors?release=${B}&ids=${itemOf("b", 0, 0)},${itemOf("b", 1, 9)}`;
    expect((await json(await admin(probe))).vectors).toEqual([]);
    slots.VECTORIZE_B.apply();
    expect((await json(await admin(probe))).vectors.map((vector: any) => vector.id)).toEqual([itemOf("b", 0, 0), itemOf("b", 1, 9)]);
    // Not registrable until the upload is marked complete.
    const early = await register(B);
    expect(early.status).toBe(409);
    expect((await json(early)).error.code).toBe("release_not_ready");
    expect((await completeIndex(B)).status).toBe(200);
    expect((await register(B)).status).toBe(200);
    expect((await json(await register(B))).release.vector_slot).toBe("VECTORIZE_B");
  });

  it("flips and rolls back the slot with the release: no response mixes two", async () => {
    expect((await json(await activate(B))).pointer).toMatchObject({
      current: B,
      previous: A,
      vector_slots: { [A]: "VECTORIZE", [B]: "VECTORIZE_B" },
    });
    const flipped = await recommend("rel-fan-0");
    expect(flipped.model_version).toBe(B);
    expect([...tagsOf(flipped)]).toEqual(["b"]);
    expect(slots.VECTORIZE_B.queries.at(-1)?.namespace).toBe(B);
    expect((await activate(A)).status).toBe(200);
    const rolledBack = await recommend("rel-fan-0");
    expect(rolledBack.model_version).toBe(A);
    expect([...tagsOf(rolledBack)]).toEqual(["a"]);
    expect((await activate(B)).status).toBe(200); // current B, previous A
  });

  it("never reclaims a live release's slot; a displaced release cannot serve again", async () => {
    // Current B, previous A: the third slot is the only one free.
    expect(await upload(C, "c")).toBe("VECTORIZE_C");
    expect((await register(C)).status).toBe(200);
    // C is registered but not serving: D takes its slot (the only one not live).
    await putReleaseKv(D, "d");
    const claimed = await json(await configureIndex(D));
    expect(claimed).toMatchObject({ slot: "VECTORIZE_C", displaced: C });
    expect((await upsertVectors(D, vectorLines("d"))).status).toBe(200);
    slots.VECTORIZE_C.apply();
    expect((await completeIndex(D)).status).toBe(200);
    expect((await register(D)).status).toBe(200);
    const displaced = await activate(C);
    expect(displaced.status).toBe(409);
    expect((await json(displaced)).error.code).toBe("release_not_ready");
    // C's vectors are still in the slot, in C's namespace: D's answers never include them.
    expect(slots.VECTORIZE_C.idsIn(C)).toHaveLength(20);
    expect((await activate(D)).status).toBe(200); // current D, previous B; A is no longer live
    const served = await recommend("rel-fan-1");
    expect(served.model_version).toBe(D);
    expect([...tagsOf(served)]).toEqual(["d"]);
  });

  it("refuses a new upload while every slot holds a release that may serve", async () => {
    // Current D, previous B, canary A: all three slots are live.
    expect((await admin(`/releases/${A}/canary`, { method: "PUT", body: JSON.stringify({ share: 0.5 }) })).status).toBe(200);
    expect((await pointer()).vector_slots).toEqual({ [A]: "VECTORIZE", [B]: "VECTORIZE_B", [D]: "VECTORIZE_C" });
    await putReleaseKv(E, "e");
    const refused = await configureIndex(E);
    expect(refused.status).toBe(409);
    expect((await json(refused)).error.code).toBe("no_free_vector_slot");
    // Stopping the canary frees A's slot (the oldest claim no release may serve).
    expect((await admin("/releases/canary", { method: "DELETE" })).status).toBe(200);
    expect(await json(await configureIndex(E))).toMatchObject({ slot: "VECTORIZE", displaced: A });
  });

  it("frees a deleted release's slot, refuses a slot of other dimensions and index routes Vectorize has no equivalent of", async () => {
    expect((await activate(B)).status).toBe(200); // current B, previous D
    expect((await admin(`/releases/${C}`, { method: "DELETE" })).status).toBe(200);
    const unslotted = await admin(`/index/vectors?release=${C}&ids=${itemOf("c", 0, 0)}`);
    expect(unslotted.status).toBe(409);
    expect((await json(unslotted)).error.code).toBe("release_not_ready");

    const wide = { ...vectorizeEnv, VECTORIZE: new FakeVectorize({ dimensions: 3 }) } as unknown as Env;
    const mismatch = await releaseAdmin((path, init) => callWithEnv(wide, path, init)).configureIndex(E);
    expect(mismatch.status).toBe(409);
    expect((await json(mismatch)).error.code).toBe("dimension_mismatch");

    const create = await admin("/index", {
      method: "PUT",
      body: JSON.stringify({ dimensions: 2, metric: "dot-product", metadata_indexes: {} }),
    });
    expect(create.status).toBe(409);
    expect((await json(create)).error.code).toBe("unsupported_backend");
  });
});
