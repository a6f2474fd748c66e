/**
 * A small release for workerd tests (releases.test.ts on the embedded index, vectorize-releases.test.ts
 * on Vectorize slots): two categories of ten items whose ids carry the release's tag, so a response
 * shows which release it came from; two users with trained vectors; a popular list. Uploaded
 * through the admin API as `pipeline release publish` does, with any way of sending a request.
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { kvKeys, type PopularList, type UserRecord } from "../../shared/artifacts/kv-keys";
import { ITEM_METADATA_INDEXES } from "../../shared/artifacts/item-metadata";
import { releaseKey } from "../../shared/artifacts/release";
import { ADMIN_TOKEN, json } from "./helpers";

/** Sends a request to the Worker (a path and init), some way. */
export type Send = (path: string, init?: RequestInit) => Promise<Response>;

export const CATEGORIES = ["Action", "Comedy"] as const;

/** Items of release `tag`: ids carry the tag, so a response shows which release it came from. */
export const itemOf = (tag: string, c: number, i: number) => `${tag}-${CATEGORIES[c]!.toLowerCase()}-${i}`;

/** The manifest of release `id`. */
export function manifest(id: string, ndcg = 0.1) {
  return {
    modelVersion: id,
    createdAt: "2026-12-01T00:00:00.000Z",
    dataset: "release-test",
    retrievalModel: "implicit-als",
    dimensions: 2,
    metric: "dot-product",
    featureSpecHash: "f0000000",
    ranker: { onnx: "ranker.onnx", json: "ranker.json", kind: "logistic" },
    files: { vectors: "item-vectors.ndjson", kvBulk: "kv-bulk.json", items: "items.json" },
    counts: { items: 20, users: 2, interactions: 40 },
    metrics: { "retrieval_ndcg@10": ndcg },
  };
}

/** The release's item vectors as NDJSON lines (Vectorize's format). */
export function vectorLines(tag: string): string[] {
  return CATEGORIES.flatMap((category, c) =>
    Array.from({ length: 10 }, (_, i) =>
      JSON.stringify({
        id: itemOf(tag, c, i),
        values: c === 0 ? [1 - i / 20, 0.1] : [0.1, 1 - i / 20],
        metadata: { category, popularity: 50 - i, released_at: 1_700_000_000, sponsored: false },
      }),
    ),
  );
}

/** The admin calls of a release, sent through `send` with the admin key. */
export function releaseAdmin(send: Send) {
  const admin = (path: string, init: RequestInit = {}) =>
    send(`/v1/admin${path}`, {
      ...init,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json", ...(init.headers ?? {}) },
    });
  return {
    admin,
    register: (id: string, ndcg?: number) => admin(`/releases/${id}`, { method: "PUT", body: JSON.stringify(manifest(id, ndcg)) }),
    activate: (id: string) => admin(`/releases/${id}/activate`, { method: "POST" }),
    /** Prepares release `id`'s index (the embedded index, or claims a Vectorize slot). */
    configureIndex: (id: string) =>
      admin(`/index?release=${id}`, {
        method: "PUT",
        body: JSON.stringify({ dimensions: 2, metric: "dot-product", metadata_indexes: ITEM_METADATA_INDEXES }),
      }),
    upsertVectors: (id: string, lines: string[]) =>
      admin(`/index/vectors?release=${id}`, {
        method: "POST",
        headers: { "content-type": "application/x-ndjson" },
        body: lines.join("\n"),
      }),
    completeIndex: (id: string) => admin(`/index/version?release=${id}`, { method: "PUT", body: JSON.stringify({ version: id }) }),
    /** A recommendation for `user` (200 expected). */
    recommend: async (user: string): Promise<any> => {
      const response = await send(`/v1/recommendations?user_id=${user}&n=5`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(response.status).toBe(200);
      return json(response);
    },
  };
}

/** Writes release `id`'s KV records (manifest, two trained users `rel-fan-0|1`, a popular list) under `rel/<id>/`. */
export async function putReleaseKv(id: string, tag: string, ndcg?: number): Promise<void> {
  const put = (key: string, value: unknown) => env.KV.put(releaseKey(id, key), JSON.stringify(value));
  await put(kvKeys.manifest, manifest(id, ndcg));
  for (const [c] of CATEGORIES.entries()) {
    const record: UserRecord = { vector: c === 0 ? [1, 0] : [0, 1], history: [], activity: 5, modelVersion: id };
    await put(kvKeys.user(`rel-fan-${c}`), record);
  }
  const popular: PopularList = {
    generatedAt: "2026-12-01T00:00:00.000Z",
    items: Array.from({ length: 5 }, (_, i) => ({ itemId: itemOf(tag, 0, i), score: 10 - i, category: CATEGORIES[0] })),
  };
  await put(kvKeys.popularAll, popular);
}

/** The release tags the response's items came from. */
export const tagsOf = (body: any) => new Set(body.items.map((item: any) => String(item.item_id).split("-")[0]));
