/**
 * The console's catalogue lookups (`/v1/admin/items/search`, `/v1/admin/items/flagged`) in workerd,
 * over the fixture catalogue (test/workers/fixture.ts: titles "Comedy 0" …, a popular list of each
 * category's items 0–2, Horror first): search looks through the listed items and the exact id,
 * answers metadata from the index and each item's flags, and needs the admin key.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { itemId, seedFixture } from "./fixture";
import { adminHeaders, call, callAnonymous, json } from "./helpers";

beforeAll(seedFixture);

const search = async (query: string) => {
  const response = await call(`/v1/admin/items/search?${query}`);
  expect(response.status).toBe(200);
  return json<{ items: any[]; searched?: number }>(response);
};

describe("GET /v1/admin/items/search", () => {
  it("finds listed items by title or genre, in list order, with metadata and status", async () => {
    const { items, searched } = await search("q=comedy");
    expect(searched).toBe(12);
    expect(items.map((item) => item.item_id)).toEqual([itemId(1, 0), itemId(1, 1), itemId(1, 2)]);
    expect(items[0]).toMatchObject({
      item_id: itemId(1, 0),
      in_index: true,
      title: "Comedy 0",
      category: "Comedy",
      genres: ["Comedy"],
      sponsored: false,
      status: { unsafe: false, available: true, blocked: false },
    });
  });

  it("finds any indexed item by its exact id, listed or not, and nothing for an unknown id", async () => {
    const unlisted = itemId(2, 7);
    expect((await search(`q=${unlisted}`)).items.map((item) => item.item_id)).toEqual([unlisted]);
    expect((await search("q=no-such-item")).items).toEqual([]);
  });

  it("searches one category's lists", async () => {
    const { items } = await search("category=Comedy");
    expect(items.map((item) => item.category)).toEqual(["Comedy", "Comedy", "Comedy"]);
  });

  it("answers exactly the ids asked for, in order, saying which the index lacks", async () => {
    const { items } = await search(`ids=${itemId(0, 5)},missing-1`);
    expect(items.map((item) => [item.item_id, item.in_index, item.title ?? null])).toEqual([
      [itemId(0, 5), true, "Action 5"],
      ["missing-1", false, null],
    ]);
  });

  it("refuses more than 100 ids and anonymous callers", async () => {
    const ids = Array.from({ length: 101 }, (_, i) => `x${i}`).join(",");
    expect((await call(`/v1/admin/items/search?ids=${ids}`)).status).toBe(400);
    expect((await callAnonymous("/v1/admin/items/search?q=comedy")).status).toBe(401);
  });
});

describe("GET /v1/admin/items/flagged", () => {
  it("lists a flagged item with its metadata and flags until the flag is cleared", async () => {
    const item = itemId(3, 8);
    const flag = (body: unknown) =>
      call(`/v1/items/${item}/status`, {
        method: "PUT",
        headers: { ...adminHeaders, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await flag({ unsafe: true })).status).toBe(200);
    const flagged = await json<{ items: any[] }>(await call("/v1/admin/items/flagged"));
    expect(flagged.items.find((entry) => entry.item_id === item)).toMatchObject({
      title: "Horror 8",
      status: { unsafe: true, available: true, blocked: false },
    });
    expect((await flag({ unsafe: false })).status).toBe(200);
    const cleared = await json<{ items: any[] }>(await call("/v1/admin/items/flagged"));
    expect(cleared.items.some((entry) => entry.item_id === item)).toBe(false);
  });
});
