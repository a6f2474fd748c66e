/**
 * The fallback ladder of the funnel, stage by stage: each failure is injected into one dependency
 * (the rest are the real bindings) and the response must still come, with the fallback listed.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { VectorIndex } from "../../shared/vector-index/vector-index";
import { VectorIndexError } from "../../shared/vector-index/vector-index-error";
import { DEFAULT_POPULAR } from "../../workers/fallbacks/default-popular";
import { recommend, type RecommendDeps } from "../../workers/recommend/recommend";
import { recommendDepsFor } from "../../workers/services";
import { CATEGORIES, fanOf, itemId, seedFixture } from "./fixture";

beforeAll(seedFixture);

const request = (userId: string, n = 5) => ({ requestId: "req-ladder", userId, n, surface: "home" as const, now: new Date() });
const failing = async (): Promise<never> => {
  throw new VectorIndexError("unavailable", "index down (injected)");
};
const downIndex: VectorIndex = { query: failing, upsert: failing, getByIds: failing, deleteByIds: failing, describe: failing };
const real = (): RecommendDeps => ({ ...recommendDepsFor(env), rankers: [] });

describe("fallback ladder", () => {
  it("serves popular items when the vector index is down", async () => {
    const body = await recommend(request(fanOf(0)), { ...real(), index: downIndex });
    expect(body.items.map((item) => item.source)).toEqual(Array(5).fill("popular"));
    expect(body.items.map((item) => item.item_id)).not.toContain(itemId(0, 0));
    expect(body.fallbacks).toContainEqual(expect.objectContaining({ stage: "candidates", reason: "unavailable", used: "popular" }));
  });

  it("serves a stateless but personalised answer when the session object fails", async () => {
    const body = await recommend(request(fanOf(1)), { ...real(), readSession: () => Promise.reject(new Error("object overloaded")) });
    expect(body.items.every((item) => item.category === CATEGORIES[1])).toBe(true);
    expect(body.fallbacks).toContainEqual(expect.objectContaining({ stage: "session", reason: "unavailable", used: "stateless_request" }));
  });

  it("times out a slow session read", async () => {
    const body = await recommend(request(fanOf(2)), {
      ...real(),
      sessionTimeoutMs: 5,
      readSession: () =>
        new Promise((resolve) => setTimeout(() => resolve({ recent: [], seen: [], hidden: [], interactionCount: 0 }), 200)),
    });
    expect(body.fallbacks).toContainEqual(expect.objectContaining({ stage: "session", reason: "timeout" }));
    expect(body.items).toHaveLength(5);
  });

  it("serves the list built into the Worker when KV fails", async () => {
    const brokenKv = { get: () => Promise.reject(new Error("KV unavailable")) } as unknown as KVNamespace;
    const body = await recommend(request("nobody-known", 3), { ...real(), kv: brokenKv });
    expect(body.items.map((item) => item.item_id)).toEqual(DEFAULT_POPULAR.items.slice(0, 3).map((item) => item.itemId));
    // One entry per failed read: the user's record, the live trending list, the popular list.
    expect(body.fallbacks.map((f) => `${f.stage}:${f.reason}:${f.used}`)).toEqual([
      "user_vector:unavailable:popular",
      "trending:unavailable:popular",
      "popular:unavailable:built_in_list",
    ]);
  });

  it("reports a known user whose record KV cannot read once, and serves from the session's vector when it has one", async () => {
    // KV fails only for the user's record; the session (up) has a fold-in vector pointing at Comedy.
    const kv = env.KV;
    const recordDown = {
      get: (key: string, options?: unknown) =>
        key.startsWith("user:") ? Promise.reject(new Error("KV unavailable (injected)")) : kv.get(key, options as never),
    } as unknown as KVNamespace;
    const session = {
      recent: [],
      seen: [],
      hidden: [],
      interactionCount: 3,
      sessionVector: { vector: [0, 1, 0, 0], strength: 3, method: "item_average" as const, modelVersion: "m", computedAt: 0, items: 3 },
    };
    const body = await recommend(request(fanOf(0), 3), {
      ...real(),
      kv: recordDown,
      readSession: async () => session,
      exploration: { share: 0 },
    });
    expect(body.fallbacks.map((f) => `${f.stage}:${f.reason}:${f.used}`)).toEqual(["user_vector:unavailable:session_vector"]);
    expect(body.user_vector.source).toBe("session");
    expect(body.items.map((item) => [item.source, item.category])).toEqual(Array(3).fill(["ann", CATEGORIES[1]]));
  });

  it("ships a non-empty built-in list", () => {
    expect(DEFAULT_POPULAR.items.length).toBeGreaterThanOrEqual(20);
  });
});
