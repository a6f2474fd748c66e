/**
 * Item status flags in workerd: an item flagged unsafe or unavailable disappears from every
 * serving path — home, more_like_this, similar items, trending, exploration — while it stays in
 * the vector index, and clearing the flag serves it again on the next request. The admin routes
 * validate their bodies strictly and answer the item's status, indexed or not.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type BlockedItems, kvKeys } from "../../shared/artifacts/kv-keys";
import { CATALOG_STATE_NAME } from "../../workers/catalog/catalog-state-client";
import { fanOf, itemId, seedFixture } from "./fixture";
import { adminHeaders, call, callAnonymous, json } from "./helpers";

beforeAll(seedFixture);

/**
 * Each case starts from a catalogue nobody has flagged or blocked: the KV record is deleted and the
 * CatalogState object is emptied and reset, so its next instance starts as on a new deployment
 * (importing whatever KV holds when a case first calls it — which the legacy-record case relies on).
 */
beforeEach(async () => {
  await env.KV.delete(kvKeys.blockedItems);
  await env.KV.delete(kvKeys.freshItems);
  const reset = runInDurableObject(env.CATALOG_STATE.getByName(CATALOG_STATE_NAME), async (_instance, state) => {
    await state.storage.deleteAlarm();
    await state.storage.deleteAll();
    state.abort("test reset");
  });
  // abort() ends the instance by throwing; the next call builds a new one over the empty storage.
  await reset.catch(() => undefined);
});

/** Comedy 1: near the top of a Comedy fan's home list, of Comedy 3's neighbours and of the popular list. */
const flagged = itemId(1, 1);
const comedySeed = itemId(1, 3);

function putStatus(item: string, body: unknown, { anonymous = false } = {}): Promise<Response> {
  return (anonymous ? callAnonymous : call)(`/v1/items/${item}/status`, {
    method: "PUT",
    headers: { ...(anonymous ? {} : adminHeaders), "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function okJson(path: string): Promise<any> {
  const response = await call(path);
  expect(response.status).toBe(200);
  return json(response);
}

function ids(body: { items: { item_id: string }[] }): string[] {
  return body.items.map((item) => item.item_id);
}

/** Whether each serving path shows `item`. */
async function shownIn(item: string): Promise<Record<"home" | "more_like_this" | "similar" | "trending", boolean>> {
  const [home, moreLikeThis, similar, trending] = await Promise.all([
    okJson(`/v1/recommendations?user_id=${fanOf(1)}&n=5`),
    okJson(`/v1/recommendations?user_id=${fanOf(0)}&surface=more_like_this&item_id=${comedySeed}&n=5`),
    okJson(`/v1/items/${comedySeed}/similar?n=5`),
    okJson("/v1/trending?n=50"),
  ]);
  return {
    home: ids(home).includes(item),
    more_like_this: ids(moreLikeThis).includes(item),
    similar: ids(similar).includes(item),
    trending: ids(trending).includes(item),
  };
}

const everywhere = { home: true, more_like_this: true, similar: true, trending: true };
const nowhere = { home: false, more_like_this: false, similar: false, trending: false };

describe("item status flags", () => {
  it("reads a block record written before flags existed", async () => {
    const legacy = itemId(0, 9);
    await env.KV.put(kvKeys.blockedItems, JSON.stringify({ updatedAt: "2026-01-01T00:00:00.000Z", itemIds: [legacy] }));
    expect(await json(await call(`/v1/items/${legacy}/status`, { headers: adminHeaders }))).toEqual({
      item_id: legacy,
      unsafe: false,
      available: true,
      blocked: true,
    });
    expect(await shownIn(flagged)).toEqual(everywhere);
  });

  it("hides an item flagged unsafe from every surface, and serves it again once cleared", async () => {
    expect(await shownIn(flagged)).toEqual(everywhere);

    const set = await putStatus(flagged, { unsafe: true });
    expect(set.status).toBe(200);
    expect(await json(set)).toEqual({ item_id: flagged, unsafe: true, available: true, blocked: false });
    expect(await shownIn(flagged)).toEqual(nowhere);
    // Still in the index: the similar route finds its neighbours, and fills the list without it.
    const similar = await okJson(`/v1/items/${flagged}/similar?n=5`);
    expect(similar.items).toHaveLength(5);
    expect((await okJson(`/v1/items/${comedySeed}/similar?n=5`)).items).toHaveLength(5);

    expect(await json(await putStatus(flagged, { unsafe: false }))).toEqual({
      item_id: flagged,
      unsafe: false,
      available: true,
      blocked: false,
    });
    expect(await shownIn(flagged)).toEqual(everywhere);
  });

  it("hides an unavailable item likewise, and GET status follows", async () => {
    const status = () => call(`/v1/items/${flagged}/status`, { headers: adminHeaders }).then(json);
    expect(await status()).toEqual({ item_id: flagged, unsafe: false, available: true, blocked: false });

    await putStatus(flagged, { available: false });
    expect(await status()).toEqual({ item_id: flagged, unsafe: false, available: false, blocked: false });
    expect(await shownIn(flagged)).toEqual(nowhere);

    await putStatus(flagged, { unsafe: true, available: true });
    expect(await status()).toEqual({ item_id: flagged, unsafe: true, available: true, blocked: false });
    expect(await shownIn(flagged)).toEqual(nowhere);

    await putStatus(flagged, { unsafe: false });
    expect(await shownIn(flagged)).toEqual(everywhere);
    const record = await env.KV.get<BlockedItems>(kvKeys.blockedItems, "json");
    expect(record).toMatchObject({ itemIds: [], unsafe: [], unavailable: [] });
  });

  it("flags an item the index does not hold", async () => {
    const unknown = "not-indexed-1";
    expect(await json(await putStatus(unknown, { available: false }))).toEqual({
      item_id: unknown,
      unsafe: false,
      available: false,
      blocked: false,
    });
    expect(await json(await call(`/v1/items/${unknown}/status`, { headers: adminHeaders }))).toEqual({
      item_id: unknown,
      unsafe: false,
      available: false,
      blocked: false,
    });
  });

  it("takes flags with a new item: an unsafe fresh item is neither retrieved nor explored", async () => {
    const fresh = "new-comedy-flagged";
    const added = await call(`/v1/items/${fresh}`, {
      method: "PUT",
      headers: { ...adminHeaders, "content-type": "application/json" },
      body: JSON.stringify({ title: "New Comedy", genres: ["Comedy"], values: [0.05, 1.3, 0.05, 0.05], unsafe: true }),
    });
    expect(added.status).toBe(200);
    const status = () => call(`/v1/items/${fresh}/status`, { headers: adminHeaders }).then(json);
    expect(await status()).toMatchObject({ unsafe: true, available: true });
    const served = async () => {
      const lists = await Promise.all([
        okJson(`/v1/recommendations?user_id=${fanOf(1)}&n=10`),
        ...Array.from({ length: 5 }, (_, i) => okJson(`/v1/recommendations?user_id=status-newcomer-${i}&n=10`)),
      ]);
      return lists.some((body) => ids(body).includes(fresh));
    };
    expect(await served()).toBe(false);

    await putStatus(fresh, { unsafe: false });
    expect(await served()).toBe(true);
    // Out of the index again, so no other case's lists meet it (the reset clears its block).
    expect((await call(`/v1/items/${fresh}`, { method: "DELETE", headers: adminHeaders })).status).toBe(200);
  });

  it("validates the body and needs the admin token", async () => {
    for (const body of [{}, { unsafe: true, blocked: false }, { unsafe: "yes" }, { available: null }, [true]]) {
      const response = await putStatus(flagged, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await json(response)).error.code).toBe("invalid_request");
    }
    const notJson = await putStatus(flagged, "{unsafe");
    expect(notJson.status).toBe(400);
    expect((await json(notJson)).error.code).toBe("invalid_json");
    const badItem = await call(`/v1/items/${encodeURIComponent(flagged)}`, {
      method: "PUT",
      headers: { ...adminHeaders, "content-type": "application/json" },
      body: JSON.stringify({ genres: ["Comedy"], values: [0, 1, 0, 0], available: "no" }),
    });
    expect(badItem.status).toBe(400);
    expect((await json(badItem)).error.code).toBe("invalid_request");

    const anonymousPut = await putStatus(flagged, { unsafe: true }, { anonymous: true });
    expect(anonymousPut.status).toBe(401);
    expect((await json(anonymousPut)).error.code).toBe("unauthorized");
    expect((await callAnonymous(`/v1/items/${flagged}/status`)).status).toBe(401);
    expect(await json(await call(`/v1/items/${flagged}/status`, { headers: adminHeaders }))).toMatchObject({
      unsafe: false,
      available: true,
    });
  });
});
