/**
 * Live trending in workerd: accepted positive events are counted by the sharded TrendingShard
 * objects, flushed (by alarm, or on demand) through the TrendingAggregator into the KV lists the
 * edge serves first — overall and per category — topped up by the trained popular list. Replays
 * count once; removed items leave the lists at once.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { kvKeys, type PopularList } from "../../shared/artifacts/kv-keys";
import { shardForKey } from "../../shared/realtime/shard-for-key";
import { TRENDING_AGGREGATOR_NAME, trendingConfigFor, trendingShardName } from "../../workers/config/trending-config";
import { itemId, seedFixture } from "./fixture";
import { adminHeaders, call, json, postJson } from "./helpers";
import { shardScore, waitForTrendingScores } from "./trending-wait";

beforeAll(seedFixture);

/** Every trending object of this environment: the shards, then the aggregator. */
function trendingObjects() {
  const { shards } = trendingConfigFor(env);
  return [
    ...Array.from({ length: shards }, (_, shard) => env.TRENDING_SHARD.getByName(trendingShardName(shard))),
    env.TRENDING_AGGREGATOR.getByName(TRENDING_AGGREGATOR_NAME),
  ];
}

/**
 * Events reach the shards through the event queue's consumer, so each case waits for the counts it
 * posted (test/workers/trending-wait.ts) before it flushes.
 *
 * Each case starts from no live trending at all: the objects' rows and alarms are cleared (their
 * schema stays, so the live instances keep working) and the published lists are deleted from KV.
 * The trained popular list of the fixture stays.
 */
beforeEach(async () => {
  for (const stub of trendingObjects()) {
    await runInDurableObject(stub, async (_instance, state) => {
      await state.storage.deleteAlarm();
      const tables = state.storage.sql
        .exec<{ name: string }>(
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'`,
        )
        .toArray();
      for (const { name } of tables) state.storage.sql.exec(`DELETE FROM "${name}"`);
    });
  }
  const published = await env.KV.list({ prefix: "trending:" });
  await Promise.all(published.keys.map((key) => env.KV.delete(key.name)));
  expect(await env.KV.get(kvKeys.trendingAll)).toBeNull();
});

afterAll(async () => {
  // Alarms outlive a test file's storage: run whatever is still scheduled.
  for (const stub of trendingObjects()) await runDurableObjectAlarm(stub);
});

async function flush(): Promise<any> {
  const response = await call("/v1/trending/flush", { method: "POST", headers: adminHeaders });
  expect(response.status).toBe(200);
  return json(response);
}

const comedy5 = itemId(1, 5);
const drama7 = itemId(2, 7);

/** Two likes of Comedy 5 and a click on Drama 7 by two users of this case (prefix), plus events that do not count. */
async function postTrendingEvents(prefix: string): Promise<void> {
  const posted = await postJson("/v1/events", {
    events: [
      { event_id: `${prefix}-1`, user_id: `${prefix}-a`, item_id: comedy5, type: "like" },
      { event_id: `${prefix}-2`, user_id: `${prefix}-b`, item_id: comedy5, type: "like" },
      { event_id: `${prefix}-3`, user_id: `${prefix}-a`, item_id: drama7, type: "click" },
      { event_id: `${prefix}-4`, user_id: `${prefix}-b`, item_id: itemId(0, 9), type: "impression" },
      { event_id: `${prefix}-5`, user_id: `${prefix}-b`, item_id: itemId(3, 9), type: "skip" },
    ],
  });
  expect(await json(posted)).toEqual({ accepted: 5, duplicates: 0, rejected: [] });
  // The queue's consumer counts them (after its batch timeout).
  await waitForTrendingScores({ [comedy5]: 8, [drama7]: 1 });
}

describe("live trending", () => {
  it("counts accepted positive events and serves them ahead of the trained list", async () => {
    await postTrendingEvents("t-count");
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
    // The popular top-up (another scale) continues below the last live item: the scores read in order.
    const scores = overall.items.map((item: any) => item.score as number);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores[2]).toBeLessThan(1);
    expect(scores[3]).toBeGreaterThan(0);

    const comedy = await json(await call("/v1/trending?category=Comedy&n=2"));
    expect(comedy.items.map((item: any) => [item.item_id, item.source])).toEqual([
      [comedy5, "trending"],
      [itemId(1, 0), "popular"],
    ]);
  });

  it("counts a replayed event once", async () => {
    await postTrendingEvents("t-replay");
    const replay = await postJson("/v1/events", { event_id: "t-replay-1", user_id: "t-replay-a", item_id: comedy5, type: "like" });
    expect(await json(replay)).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    await flush();
    const overall = await json(await call("/v1/trending?n=1"));
    expect(overall.items[0].score).toBeCloseTo(8, 2);
  });

  it("leads a new user's list with what is trending now", async () => {
    await postTrendingEvents("t-newcomer");
    await flush();
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
    // An item of its own (removal is permanent): Horror 6, not in the trained popular list's top.
    const doomed = itemId(3, 6);
    const liked = await postJson("/v1/events", { event_id: "t-remove-1", user_id: "t-remove-a", item_id: doomed, type: "like" });
    expect(await json(liked)).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    await waitForTrendingScores({ [doomed]: 4 });
    await flush();
    const before = await json(await call("/v1/trending?n=1"));
    expect(before.items.map((item: any) => [item.item_id, item.source])).toEqual([[doomed, "trending"]]);

    const removed = await call(`/v1/items/${doomed}`, { method: "DELETE", headers: adminHeaders });
    expect(removed.status).toBe(200);
    const overall = await json(await call("/v1/trending?n=50"));
    expect(overall.items.map((item: any) => item.item_id)).not.toContain(doomed);
    // With a like on another item in the same batch: once that one is counted, the consumer's call
    // for the removed item has reached its shard too (calls to one object are served in order).
    const control = itemId(0, 8);
    await postJson("/v1/events", {
      events: [
        { event_id: "t-remove-2", user_id: "t-remove-b", item_id: doomed, type: "like" },
        { event_id: "t-remove-3", user_id: "t-remove-b", item_id: control, type: "like" },
      ],
    });
    await waitForTrendingScores({ [control]: 4 });
    expect(await shardScore(doomed)).toBe(0);
    await flush();
    const after = await json(await call("/v1/trending?n=50"));
    expect(after.items.map((item: any) => item.item_id)).not.toContain(doomed);
  });

  it("spreads items over the configured shards", () => {
    const { shards } = trendingConfigFor(env);
    const used = new Set(Array.from({ length: 400 }, (_, i) => shardForKey(`item-${i}`, shards)));
    expect(used.size).toBe(shards);
  });
});
