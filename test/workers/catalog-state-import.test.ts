/**
 * Upgrading to the CatalogState object: on first use it imports the KV records a Worker wrote
 * before it existed, so existing blocks, flags and fresh items are kept, and later writes publish
 * them along with the new change.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type BlockedItems, kvKeys, type PopularList } from "../../shared/artifacts/kv-keys";
import { itemId, seedFixture } from "./fixture";
import { call, json } from "./helpers";

beforeAll(seedFixture);

const status = (item: string) => call(`/v1/items/${item}/status`).then(json);

describe("CatalogState import", () => {
  it("keeps the blocks, flags and fresh items already in KV, and publishes them with the next change", async () => {
    const legacyBlocked: BlockedItems = {
      updatedAt: "2026-01-01T00:00:00.000Z",
      itemIds: [itemId(0, 9)],
      unsafe: [itemId(1, 1)],
      unavailable: [itemId(2, 2)],
    };
    const legacyFresh: PopularList = {
      generatedAt: "2026-01-01T00:00:00.000Z",
      items: [{ itemId: "legacy-fresh", score: 1767225600, category: "Drama", popularity: 0 }],
    };
    await env.KV.put(kvKeys.blockedItems, JSON.stringify(legacyBlocked));
    await env.KV.put(kvKeys.freshItems, JSON.stringify(legacyFresh));

    expect(await Promise.all([itemId(0, 9), itemId(1, 1), itemId(2, 2), itemId(3, 3)].map(status))).toEqual([
      { item_id: itemId(0, 9), unsafe: false, available: true, blocked: true },
      { item_id: itemId(1, 1), unsafe: true, available: true, blocked: false },
      { item_id: itemId(2, 2), unsafe: false, available: false, blocked: false },
      { item_id: itemId(3, 3), unsafe: false, available: true, blocked: false },
    ]);

    const flag = await call(`/v1/items/${itemId(3, 3)}/status`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ unsafe: true }),
    });
    expect(flag.status).toBe(200);
    expect(await env.KV.get<BlockedItems>(kvKeys.blockedItems, "json")).toMatchObject({
      itemIds: [itemId(0, 9)],
      unsafe: [itemId(1, 1), itemId(3, 3)],
      unavailable: [itemId(2, 2)],
    });

    const added = await call("/v1/items/new-after-upgrade", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ genres: ["Drama"], values: [0.05, 0.05, 1.1, 0.05] }),
    });
    expect(added.status).toBe(200);
    const fresh = await env.KV.get<PopularList>(kvKeys.freshItems, "json");
    expect(fresh!.items.map((item) => item.itemId)).toEqual(["new-after-upgrade", "legacy-fresh"]);
    expect(fresh!.items[1]).toEqual(legacyFresh.items[0]);
  });
});
