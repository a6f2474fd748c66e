/**
 * When KV refuses the catalogue record: the admin write answers 503 `catalog_publish_failed`, the
 * change stays stored in the CatalogState object (the status route shows it), and the object's
 * alarm publishes it once KV takes writes again. The local KV cannot be made to fail (our keys and
 * values are far inside its limits), so the test swaps a namespace whose puts throw into the object.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { type BlockedItems, kvKeys } from "../../shared/artifacts/kv-keys";
import type { CatalogState } from "../../durable-objects/catalog-state";
import { catalogStateFor } from "../../workers/catalog/catalog-state-client";
import { itemId, seedFixture } from "./fixture";
import { call, json } from "./helpers";

beforeAll(seedFixture);

const putStatus = (item: string, body: unknown) =>
  call(`/v1/items/${item}/status`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const status = (item: string) => call(`/v1/items/${item}/status`).then(json);
const kvUnsafe = async () => (await env.KV.get<BlockedItems>(kvKeys.blockedItems, "json"))?.unsafe ?? [];
const trending = async () =>
  ((await call("/v1/trending?n=50").then(json)) as { items: { item_id: string }[] }).items.map((item) => item.item_id);

/** Makes the object's KV puts fail (true) or go to the real KV again (false). */
async function kvFailing(failing: boolean): Promise<void> {
  await runInDurableObject(catalogStateFor(env), (instance: CatalogState) => {
    const holder = instance as unknown as { kv: KVNamespace };
    holder.kv = failing
      ? ({ get: env.KV.get.bind(env.KV), put: async () => Promise.reject(new Error("simulated KV outage")) } as unknown as KVNamespace)
      : env.KV;
  });
}

const scheduledAlarm = () => runInDurableObject(catalogStateFor(env), (_: CatalogState, state) => state.storage.getAlarm());

describe("CatalogState publish failures", () => {
  it("answers 503 while KV refuses the record, keeps the change, and publishes it by alarm once KV recovers", async () => {
    const item = itemId(1, 0);
    expect(await trending()).toContain(item);
    await kvFailing(true);

    const response = await putStatus(item, { unsafe: true });
    expect(response.status).toBe(503);
    expect((await json(response)).error.code).toBe("catalog_publish_failed");
    expect(await status(item)).toEqual({ item_id: item, unsafe: true, available: true, blocked: false });
    expect(await kvUnsafe()).toEqual([]);
    // Until the record is published the serving paths cannot know of the flag.
    expect(await trending()).toContain(item);
    expect(await scheduledAlarm()).not.toBeNull();

    // A retry while KV is still down publishes nothing and tries again later.
    expect(await runDurableObjectAlarm(catalogStateFor(env))).toBe(true);
    expect(await kvUnsafe()).toEqual([]);
    expect(await scheduledAlarm()).not.toBeNull();

    await kvFailing(false);
    expect(await runDurableObjectAlarm(catalogStateFor(env))).toBe(true);
    expect(await kvUnsafe()).toEqual([item]);
    expect(await trending()).not.toContain(item);
    expect(await scheduledAlarm()).toBeNull();
    const view = await catalogStateFor(env).view();
    expect(view.published).toEqual(view.versions);

    await putStatus(item, { unsafe: false });
  });

  it("completes a removal answered 503 when it is sent again after KV recovers", async () => {
    const item = itemId(2, 0);
    await kvFailing(true);
    const first = await call(`/v1/items/${item}`, { method: "DELETE" });
    expect(first.status).toBe(503);
    expect((await json(first)).error.code).toBe("catalog_publish_failed");
    expect(await status(item)).toMatchObject({ blocked: true });

    await kvFailing(false);
    const again = await call(`/v1/items/${item}`, { method: "DELETE" });
    expect(again.status).toBe(200);
    // The first attempt stopped before the index and the popular lists: the second does both.
    expect(await json(again)).toMatchObject({ item_id: item, was_indexed: true, popular_lists: [kvKeys.popularAll], blocked: true });
    expect((await env.KV.get<BlockedItems>(kvKeys.blockedItems, "json"))!.itemIds).toContain(item);
    expect(await trending()).not.toContain(item);
  });
});
