/**
 * Candidate sources from the serving config: a surface merges its sources in order (the first
 * source to find an item keeps it and explains it), an arm can replace them, and a source that
 * fails leaves the others serving.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { kvKeys, type PopularList } from "../../shared/artifacts/kv-keys";
import type { VectorIndex } from "../../shared/vector-index/vector-index";
import { VectorIndexError } from "../../shared/vector-index/vector-index-error";
import { recommend, type RecommendDeps } from "../../workers/recommend/recommend";
import { serveRecommendation } from "../../workers/recommend/serve-recommendation";
import { recommendDepsFor } from "../../workers/services";
import { fanOf, itemId, seedFixture } from "./fixture";

const FRESH_HORROR = itemId(3, 7);

beforeAll(async () => {
  await seedFixture();
  const fresh: PopularList = { generatedAt: "2026-01-01T00:00:00.000Z", items: [{ itemId: FRESH_HORROR, score: 0, category: "Horror" }] };
  await env.KV.put(kvKeys.freshItems, JSON.stringify(fresh));
});

const request = (userId: string, n = 4) => ({ requestId: `req-sources-${userId}`, userId, n, surface: "home" as const, now: new Date() });
// Retrieval order only (no ranker) and no exploration slots: the list is the merged sources, in order.
const deps = (extra: Partial<RecommendDeps> = {}): RecommendDeps => ({
  ...recommendDepsFor(env),
  rankers: [],
  exploration: { share: 0 },
  ...extra,
});

describe("candidate sources", () => {
  it("serves the surface default (ANN only) when no sources are configured", async () => {
    const body = await recommend(request(fanOf(0)), deps());
    expect(body.items.map((item) => item.source)).toEqual(["ann", "ann", "ann", "ann"]);
    expect(body.items.map((item) => item.item_id)).not.toContain(FRESH_HORROR);
  });

  it("merges configured sources in order, each item explained by the source that found it", async () => {
    const body = await recommend(
      request(fanOf(0)),
      deps({
        sources: [
          { source: "fresh", top_k: 5 },
          { source: "ann", top_k: 100 },
        ],
      }),
    );
    expect(body.items[0]).toMatchObject({
      item_id: FRESH_HORROR,
      source: "fresh",
      reason: { code: "new_in_category", category: "Horror" },
    });
    expect(body.items.slice(1).map((item) => item.source)).toEqual(["ann", "ann", "ann"]);
    // ANN lists the fresh item too (it is in the index), but the first source keeps it: no duplicate.
    expect(body.items.filter((item) => item.item_id === FRESH_HORROR)).toHaveLength(1);
    expect(body.fallbacks).toEqual([]);
  });

  it("caps a list source at its top_k and fills from the next source", async () => {
    const body = await recommend(
      request(fanOf(1), 6),
      deps({
        sources: [
          { source: "trending", top_k: 2 },
          { source: "ann", top_k: 100 },
        ],
      }),
    );
    expect(body.items.map((item) => item.source)).toEqual(["popular", "popular", "ann", "ann", "ann", "ann"]);
  });

  it("keeps serving from the other sources when the vector index fails", async () => {
    const failing = async (): Promise<never> => {
      throw new VectorIndexError("unavailable", "index down (injected)");
    };
    const downIndex: VectorIndex = { query: failing, upsert: failing, getByIds: failing, deleteByIds: failing, describe: failing };
    const body = await recommend(
      request(fanOf(2), 3),
      deps({
        index: downIndex,
        sources: [
          { source: "ann", top_k: 100 },
          { source: "trending", top_k: 10 },
        ],
      }),
    );
    expect(body.items).toHaveLength(3);
    expect(new Set(body.items.map((item) => item.source))).toEqual(new Set(["popular"]));
    // The ANN source failed and said so; trending was configured, so no backfill was needed (the
    // re-ranking rules also lose the embeddings of the same index).
    expect(body.fallbacks.filter((fallback) => fallback.stage === "candidates")).toEqual([
      expect.objectContaining({ reason: "unavailable", detail: "index down (injected)" }),
    ]);
  });

  it("lets an A/B arm replace the surface's sources", async () => {
    const config = {
      experiments: [
        {
          id: "trend-only",
          traffic: 1,
          surfaces: ["home"],
          arms: [{ name: "trending", weight: 1, overrides: { sources: [{ source: "trending", top_k: 50 }], exploration_share: 0 } }],
        },
      ],
    };
    const served = await serveRecommendation(
      { ...env, SERVING_CONFIG: JSON.stringify(config) },
      { requestId: "req-arm-sources", userId: fanOf(0), surface: "home", n: 4 },
      () => {},
    );
    expect(served.arms).toEqual({ "trend-only": "trending" });
    expect(served.items).toHaveLength(4);
    for (const item of served.items) expect(item.source).toBe("popular");
  });
});
