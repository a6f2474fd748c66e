/**
 * GET /v1/recommendations end to end in workerd: trained users get their category, lists differ
 * per user, unknown users get the popular list, and an event changes the very next response.
 * The sidecar is not running in this suite (RANKER_URL points at a closed port), so every
 * response also shows the ranker fallback; test/workers/live-sidecar.test.ts covers it running.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { CATEGORIES, fanOf, itemId, seedFixture } from "./fixture";
import { call, json, postJson } from "./helpers";

beforeAll(seedFixture);

async function recommend(userId: string, n = 5): Promise<any> {
  const response = await call(`/v1/recommendations?user_id=${userId}&n=${n}`);
  expect(response.status).toBe(200);
  return json(response);
}

describe("GET /v1/recommendations", () => {
  it("serves a trained user items of their category from ANN, without what they already saw", async () => {
    const body = await recommend(fanOf(1));
    expect(body.user_id).toBe(fanOf(1));
    expect(body.request_id).toEqual(expect.any(String));
    expect(body.items.map((item: any) => item.item_id)).toEqual([1, 2, 3, 4, 5].map((i) => itemId(1, i)));
    expect(body.items.every((item: any) => item.source === "ann" && item.category === "Comedy")).toBe(true);
    expect(body.timings_ms).toEqual(
      expect.objectContaining({
        session: expect.any(Number),
        candidates: expect.any(Number),
        rank: expect.any(Number),
        total: expect.any(Number),
      }),
    );
  });

  it("gives different users different lists", async () => {
    const lists = await Promise.all(CATEGORIES.map((_, c) => recommend(fanOf(c))));
    const firstItems = new Set(lists.map((body) => body.items[0].item_id));
    expect(firstItems.size).toBe(CATEGORIES.length);
  });

  it("falls back to retrieval order, visibly, when the sidecar is down", async () => {
    const body = await recommend(fanOf(2));
    expect(body.ranker).toBe("retrieval_order");
    expect(body.fallbacks).toContainEqual(expect.objectContaining({ stage: "ranker", used: "retrieval_order" }));
    const scores = body.items.map((item: any) => item.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it("serves an unknown user the popular list and says so", async () => {
    const body = await recommend("someone-new", 4);
    expect(body.items.map((item: any) => item.item_id)).toEqual([0, 1, 2].map((i) => itemId(3, i)).concat(itemId(2, 0)));
    expect(body.items[0].source).toBe("popular");
    expect(body.fallbacks).toContainEqual(expect.objectContaining({ stage: "user_vector", reason: "unknown_user", used: "popular" }));
  });

  it("reflects an event in the very next response", async () => {
    const user = fanOf(0);
    const before = await recommend(user, 3);
    const top = before.items[0].item_id;
    const posted = await postJson("/v1/events", { event_id: "fresh-1", user_id: user, item_id: top, type: "click" });
    expect(posted.status).toBe(200);
    const after = await recommend(user, 3);
    expect(after.items.map((item: any) => item.item_id)).not.toContain(top);
    expect(after.items[0].item_id).toBe(before.items[1].item_id);
  });

  it("never shows an item marked not_interested again", async () => {
    const user = fanOf(3);
    const before = await recommend(user, 3);
    const disliked = before.items[1].item_id;
    await postJson("/v1/events", { event_id: "nope-1", user_id: user, item_id: disliked, type: "not_interested" });
    const after = await recommend(user, 9);
    expect(after.items.map((item: any) => item.item_id)).not.toContain(disliked);
  });
});

describe("GET /v1/items/:item_id/similar", () => {
  it("returns the item's neighbours, without the item itself", async () => {
    const response = await call(`/v1/items/${itemId(2, 3)}/similar?n=4`);
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.items).toHaveLength(4);
    expect(body.items.every((item: any) => item.category === "Drama" && item.item_id !== itemId(2, 3))).toBe(true);
    expect(body.fallbacks).toEqual([]);
  });

  it("answers 404 for an unknown item", async () => {
    const response = await call("/v1/items/no-such-item/similar");
    expect(response.status).toBe(404);
    expect((await json(response)).error.code).toBe("item_not_found");
  });
});

describe("GET /v1/trending", () => {
  it("serves the popular list from KV, overall and per category", async () => {
    const all = await json(await call("/v1/trending?n=2"));
    expect(all.items.map((item: any) => item.item_id)).toEqual([itemId(3, 0), itemId(3, 1)]);
    expect(all.fallbacks).toEqual([]);
    const comedy = await json(await call("/v1/trending?category=Comedy"));
    expect(comedy.items.every((item: any) => item.category === "Comedy")).toBe(true);
  });

  it("falls back to the built-in list when KV has no list for the category", async () => {
    const body = await json(await call("/v1/trending?category=Western"));
    expect(body.fallbacks).toContainEqual(expect.objectContaining({ stage: "popular", reason: "not_published", used: "built_in_list" }));
  });
});
