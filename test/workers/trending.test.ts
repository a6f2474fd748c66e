/**
 * Live trending in workerd: accepted positive events are counted by the sharded TrendingShard
 * objects, flushed (by alarm, or on demand) through the TrendingAggregator into the KV lists the
 * edge serves first — overall and per category — topped up by the trained popular list. Replays
 * count once; removed items leave the lists at once.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kvKeys, type PopularList } from "../../shared/artifacts/kv-keys";
import { shardForKey } from "../../shared/realtime/shard-for-key";
import { TRENDING_AGGREGATOR_NAME, trendingConfigFor, trendingShardName } from "../../workers/config/trending-config";
import { itemId, seedFixture } from "./fixture";
import { adminHeaders, call, json, postJson } from "./helpers";

beforeAll(seedFixture);

afterAll(async () => {
  // Alarms outlive a test file's storage: run whatever is still scheduled.
  const { shards } = trendingConfigFor(env);
  for (let shard = 0; shard < shards; shard++) await runDurableObjectAlarm(env.TRENDING_SHARD.getByName(trendingShardName(shard)));
  await runDurableObjectAlarm(env.TRENDING_AGGREGATOR.getByName(TRENDING_AGGREGATOR_NAME));
});

async function flush(): Promise<any> {
  const response = await call("/v1/trending/flush", { method: "POST", headers: adminHeaders });
  expect(response.status).toBe(200);
  return json(response);
}

const comedy5 = itemId(1, 5);
const drama7 = itemId(2, 7);

describe("live trending", () => {
  it("counts accepted positive events and serves them ahead of the trained list", async () => {
    const posted = await postJson("/v1/events", {
      events: [
        { event_id: "t-1", user_id: "tr-a", item_id: comedy5, type: "like" },
        { event_id: "t-2", user_id: "tr-b", item_id: comedy5, type: "like" },
        { event_id: "t-3", user_id: "tr-a", item_id: drama7, type: "click" },
        { event_id: "t-4", user_id: "tr-b", item_id: itemId(0, 9), type: "impression" },
        { event_id: "t-5", user_id: "tr-b", item_id: itemId(3, 9), type: "skip" },
      ],
    });
    expect(await json(posted)).toEqual({ accepted: 5, duplicates: 0, rejected: [] });
    const published = await flush();
    expect(published.categories).toEqual(["Comedy", "Drama"]);

    const overall = await json(await call("/v1/trending?n=4"));
    expect(overall.fallbacks).toEqual([]);
    expect(overall.items.map((item: any) => [item.item_id, item.source])).toEqual([
      [comedy5, "trending"],
      [drama7, "trending"],
      [itemId(3, 0), "popular"],
      [itemId(3, 1), "popular"],
    ]);
    expect(overall.items[0].score).toBeCloseTo(8, 2);
    expect(overall.items[1].score).toBeCloseTo(1, 2);

    const comedy = await json(await call("/v1/trending?category=Comedy&n=2"));
    expect(comedy.items.map((item: any) => [item.item_id, item.source])).toEqual([
      [comedy5, "trending"],
      [itemId(1, 0), "popular"],
    ]);
  });

  it("counts a replayed event once", async () => {
    const replay = await postJson("/v1/events", { event_id: "t-1", user_id: "tr-a", item_id: comedy5, type: "like" });
    expect(await json(replay)).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    await flush();
    const overall = await json(await call("/v1/trending?n=1"));
    expect(overall.items[0].score).toBeCloseTo(8, 2);
  });

  it("leads a new user's list with what is trending now", async () => {
    const body = await json(await call("/v1/recommendations?user_id=tr-newcomer&n=3"));
    expect(body.items.map((item: any) => [item.item_id, item.source])).toEqual([
      [comedy5, "trending"],
      [drama7, "trending"],
      [itemId(3, 0), "popular"],
    ]);
  });

  it("flushes by alarm: shard alarm → aggregator alarm → KV", async () => {
    const item = itemId(0, 4);
    const shard = env.TRENDING_SHARD.getByName(trendingShardName(shardForKey(item, trendingConfigFor(env).shards)));
    expect(await shard.record([{ itemId: item, weight: 20, ts: Date.now() }])).toEqual({ recorded: 1 });
    expect(await runDurableObjectAlarm(shard)).toBe(true);
    expect(await runDurableObjectAlarm(env.TRENDING_AGGREGATOR.getByName(TRENDING_AGGREGATOR_NAME))).toBe(true);
    const list = await env.KV.get<PopularList>(kvKeys.trendingAll, "json");
    expect(list!.items[0]).toMatchObject({ itemId: item, category: "Action", popularity: 96 });
    expect(list!.items[0]!.score).toBeCloseTo(20, 2);
    expect(await env.KV.get<PopularList>(kvKeys.trendingCategory("Action"), "json")).toMatchObject({ items: [{ itemId: item }] });
  });

  it("drops a removed item from the live lists at once, and stops counting it", async () => {
    const removed = await call(`/v1/items/${comedy5}`, { method: "DELETE", headers: adminHeaders });
    expect(removed.status).toBe(200);
    const overall = await json(await call("/v1/trending?n=50"));
    expect(overall.items.map((item: any) => item.item_id)).not.toContain(comedy5);
    await postJson("/v1/events", { event_id: "t-after-delete", user_id: "tr-c", item_id: comedy5, type: "like" });
    await flush();
    const after = await json(await call("/v1/trending?n=50"));
    expect(after.items.map((item: any) => item.item_id)).not.toContain(comedy5);
  });

  it("spreads items over the configured shards", () => {
    const { shards } = trendingConfigFor(env);
    const used = new Set(Array.from({ length: 400 }, (_, i) => shardForKey(`item-${i}`, shards)));
    expect(used.size).toBe(shards);
  });
});
