/**
 * Surfaces: `more_like_this` runs the funnel on an item's neighbours and explains them by the seed;
 * `email` digests for many users never repeat what a user was already shown.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { fanOf, itemId, seedFixture } from "./fixture";
import { adminHeaders, call, callAnonymous, json, postJson } from "./helpers";

beforeAll(seedFixture);

describe("surface more_like_this", () => {
  it("serves the seed's neighbours, personalised and explained by the seed", async () => {
    const seed = itemId(2, 3);
    const response = await call(`/v1/recommendations?user_id=${fanOf(0)}&surface=more_like_this&item_id=${seed}&n=4`);
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.surface).toBe("more_like_this");
    expect(body.items).toHaveLength(4);
    for (const item of body.items) {
      expect(item.item_id).not.toBe(seed);
      expect(item.category).toBe("Drama");
      expect(item.source).toBe("similar");
      expect(item.reason).toEqual({ code: "similar_to", text: "More like Drama 3", item_id: seed });
    }
  });

  it("needs an existing item_id", async () => {
    const missing = await call(`/v1/recommendations?user_id=${fanOf(0)}&surface=more_like_this`);
    expect(missing.status).toBe(400);
    expect((await json(missing)).error.message).toMatch(/more_like_this needs item_id/);
    const unknown = await call(`/v1/recommendations?user_id=${fanOf(0)}&surface=more_like_this&item_id=no-such-item`);
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error.code).toBe("item_not_found");
  });
});

describe("POST /v1/admin/digests", () => {
  const digest = (body: unknown) => postJson("/v1/admin/digests", body, adminHeaders);

  it("builds a digest per user and never repeats what a user was shown", { timeout: 60_000 }, async () => {
    const user = fanOf(1);
    const first = await json(await digest({ user_ids: [user, "digest-newcomer"], n: 3 }));
    expect(first.pending).toEqual([]);
    expect(first.failed).toEqual([]);
    expect(first.digests.map((d: { user_id: string }) => d.user_id)).toEqual([user, "digest-newcomer"]);
    const shownFirst: string[] = first.digests[0].items.map((item: { item_id: string }) => item.item_id);
    expect(shownFirst).toHaveLength(3);
    await vi.waitFor(
      async () => {
        const snapshot = await env.USER_SESSION.getByName(user).snapshot({ shownLimit: 100 });
        expect(snapshot.shown).toEqual(expect.arrayContaining(shownFirst));
      },
      { timeout: 20_000, interval: 50 },
    );
    const second = await json(await digest({ user_ids: [user], n: 3 }));
    const shownSecond: string[] = second.digests[0].items.map((item: { item_id: string }) => item.item_id);
    expect(shownSecond).toHaveLength(3);
    expect(shownSecond.filter((id) => shownFirst.includes(id))).toEqual([]);
  });

  it("guards and validates the batch", async () => {
    const anonymous = await callAnonymous("/v1/admin/digests", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user_ids: ["u1"] }),
    });
    expect(anonymous.status).toBe(401);
    const tooMany = await digest({ user_ids: Array.from({ length: 101 }, (_, i) => `u${i}`) });
    expect(tooMany.status).toBe(400);
    expect((await json(tooMany)).error.code).toBe("invalid_request");
    expect((await digest({ user_ids: [] })).status).toBe(400);
  });
});
