/**
 * Event integrity, end to end in workerd, as an attacker would probe it: every acknowledged event
 * is in the log even when clients reuse one request id; events stamped outside the accepted time
 * window are rejected per event; one user cannot take over trending however many events they post,
 * while many users still make an item trend; A/B clicks are credited only for requests that served
 * the item to that user; and a replayed event stays a duplicate after the user's stored log has
 * been trimmed, with event ids scoped per user.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DAY_MS } from "../../shared/realtime/decay-factor";
import { MAX_EVENTS_PER_USER } from "../../shared/session/user-session-limits";
import { TRENDING_AGGREGATOR_NAME, trendingConfigFor, trendingShardName } from "../../workers/config/trending-config";
import { itemId, seedFixture } from "./fixture";
import { lakeObjects, waitForLakeEvents } from "./event-lake";
import { call, json, postJson } from "./helpers";
import { waitForTrendingScores } from "./trending-wait";

beforeAll(seedFixture);

afterAll(async () => {
  // Alarms outlive a test file's storage: run whatever is still scheduled.
  const { shards } = trendingConfigFor(env);
  for (let shard = 0; shard < shards; shard++) await runDurableObjectAlarm(env.TRENDING_SHARD.getByName(trendingShardName(shard)));
  await runDurableObjectAlarm(env.TRENDING_AGGREGATOR.getByName(TRENDING_AGGREGATOR_NAME));
});

async function postEvents(events: object[], headers: Record<string, string> = {}): Promise<any> {
  const response = await postJson("/v1/events", { events }, headers);
  expect(response.status).toBe(200);
  return json(response);
}

/** The ids of the logged events among `eventIds`, once every id of `expected` is in the lake. */
async function loggedEventIds(expected: string[], among: string[] = expected): Promise<string[]> {
  await waitForLakeEvents(expected);
  const wanted = new Set(among);
  return (await lakeObjects()).flatMap((object) => object.events.map((event) => event.event_id as string)).filter((id) => wanted.has(id));
}

async function trendingScores(): Promise<Map<string, number>> {
  const flushed = await call("/v1/trending/flush", { method: "POST" });
  expect(flushed.status).toBe(200);
  const body = await json(await call("/v1/trending?n=50"));
  return new Map(body.items.filter((item: any) => item.source === "trending").map((item: any) => [item.item_id, item.score]));
}

describe("no acknowledged event is lost", () => {
  it("keeps every event of concurrent batches that reuse one x-request-id", async () => {
    const requestId = "reused-request-id-1";
    const batches = Array.from({ length: 24 }, (_, b) =>
      Array.from({ length: 5 }, (_, e) => ({ event_id: `reuse-${b}-${e}`, user_id: `reuse-user-${b % 6}`, item_id: "i-x", type: "view" })),
    );
    const responses = await Promise.all(batches.map((events) => postJson("/v1/events", { events }, { "x-request-id": requestId })));
    let acknowledged = 0;
    for (const response of responses) {
      expect(response.status).toBe(200);
      acknowledged += (await json(response)).accepted;
    }
    expect(acknowledged).toBe(120);
    const ids = batches.flat().map((event) => event.event_id);
    expect((await loggedEventIds(ids)).sort()).toEqual(ids.sort());
  });
});

describe("timestamp window", () => {
  it("rejects, per event, events stamped too far ahead of the edge's clock or older than the retention period", async () => {
    const now = Date.now();
    const body = await postEvents(
      [
        { event_id: "tw-future", user_id: "tw-user", item_id: itemId(0, 6), type: "click", ts: now + 60 * DAY_MS },
        { event_id: "tw-near-future", user_id: "tw-user", item_id: itemId(0, 7), type: "click", ts: now + 60_000 },
        { event_id: "tw-ancient", user_id: "tw-user", item_id: itemId(0, 8), type: "click", ts: now - 181 * DAY_MS },
        { event_id: "tw-old", user_id: "tw-user", item_id: itemId(0, 9), type: "click", ts: now - 179 * DAY_MS },
      ],
      { "x-request-id": "time-window-request" },
    );
    expect(body.accepted).toBe(2);
    expect(body.rejected.map((r: any) => [r.index, r.event_id, r.error.code])).toEqual([
      [0, "tw-future", "invalid_event"],
      [2, "tw-ancient", "invalid_event"],
    ]);
    expect(body.rejected[0].error.message).toMatch(
      /^ts: more than 300 s ahead of the edge's clock; accepted window is .* at most 180 days old/,
    );
    expect(body.rejected[1].error.message).toMatch(/^ts: older than 180 days; accepted window is/);
    const seen = (await env.USER_SESSION.getByName("tw-user").snapshot()).seen.sort();
    expect(seen).toEqual([itemId(0, 7), itemId(0, 9)].sort());
    const logged = await loggedEventIds(["tw-near-future", "tw-old"], ["tw-future", "tw-near-future", "tw-ancient", "tw-old"]);
    expect(logged.sort()).toEqual(["tw-near-future", "tw-old"]);
  });
});

describe("trending cannot be taken over by one user", () => {
  const spammed = itemId(2, 8);
  const popular = itemId(1, 8);
  const upgraded = itemId(3, 8);

  it("counts one user once per item (their strongest event), while many users still make an item trend", async () => {
    const now = Date.now();
    for (let start = 0; start < 2000; start += 500) {
      await postEvents(
        Array.from({ length: 500 }, (_, i) => ({ event_id: `spam-${start + i}`, user_id: "spammer", item_id: spammed, type: "purchase" })),
      );
    }
    const future = await postEvents([
      ...Array.from({ length: 20 }, (_, i) => ({
        event_id: `spam-future-${i}`,
        user_id: "spammer",
        item_id: spammed,
        type: "purchase",
        ts: now + 60 * DAY_MS,
      })),
      { event_id: "spam-future-ok", user_id: "spammer", item_id: upgraded, type: "view" },
    ]);
    expect(future.accepted).toBe(1);
    expect(future.rejected).toHaveLength(20);
    // A view, then a purchase, then another purchase by the same user: counted as one purchase (5).
    await postEvents([{ event_id: "up-2", user_id: "upgrader", item_id: upgraded, type: "view" }]);
    await postEvents([{ event_id: "up-3", user_id: "upgrader", item_id: upgraded, type: "purchase" }]);
    await postEvents([{ event_id: "up-4", user_id: "upgrader", item_id: upgraded, type: "purchase" }]);
    // Six different users like one item: 6 × 4.
    await postEvents(
      Array.from({ length: 6 }, (_, u) => ({ event_id: `crowd-${u}`, user_id: `crowd-${u}`, item_id: popular, type: "like" })),
    );

    // The queue's consumer counts them after its batch timeout.
    await waitForTrendingScores({ [popular]: 24, [spammed]: 5, [upgraded]: 6 });
    const scores = await trendingScores();
    expect(scores.get(popular)).toBeCloseTo(24, 2);
    expect(scores.get(spammed)).toBeCloseTo(5, 2);
    expect(scores.get(upgraded)).toBeCloseTo(1 + 5, 2); // the spammer's view (1) + the upgrader's purchase (5)
    const body = await json(await call("/v1/trending?n=1"));
    expect(body.items[0].item_id).toBe(popular);
  });
});

describe("A/B attribution", () => {
  it("credits a click only when its request id served that item to that user, once per served item", async () => {
    const user = "ab-integrity-user";
    const report = async () => (await json(await call("/v1/admin/experiments/route-exp"))).arms[0].counters;
    const served = await json(await call(`/v1/recommendations?user_id=${user}&n=3`));
    expect(served.items.length).toBeGreaterThanOrEqual(2);
    await vi.waitFor(async () => expect((await env.USER_SESSION.getByName(user).inspect()).counts.exposures).toBe(served.items.length), {
      timeout: 10_000,
      interval: 50,
    });
    const before = await report();
    const [first, second] = served.items;
    // One batch, so all its attributions land in one write: nothing partial to wait for.
    const body = await postEvents([
      { event_id: "ab-fake", user_id: user, item_id: second.item_id, type: "click", request_id: "made-up-request-id" },
      { event_id: "ab-other-item", user_id: user, item_id: "never-served", type: "purchase", request_id: served.request_id },
      { event_id: "ab-real", user_id: user, item_id: first.item_id, type: "click", request_id: served.request_id },
      { event_id: "ab-real-again", user_id: user, item_id: first.item_id, type: "click", request_id: served.request_id },
      { event_id: "ab-conversion", user_id: user, item_id: first.item_id, type: "purchase", request_id: served.request_id },
    ]);
    expect(body.accepted).toBe(5);
    await vi.waitFor(async () => expect((await report()).conversions).toBeGreaterThan(before.conversions), {
      timeout: 10_000,
      interval: 50,
    });
    const after = await report();
    expect(after.clicks - before.clicks).toBe(1);
    expect(after.conversions - before.conversions).toBe(1);
  });
});

describe("idempotency over the retention window", () => {
  it("reports a replay of an event older than the newest stored ones as a duplicate that changes nothing", async () => {
    const user = "idem-long-history";
    const total = MAX_EVENTS_PER_USER + 1;
    const base = Date.now() - DAY_MS;
    const events = Array.from({ length: total }, (_, i) => ({
      event_id: `idem-${i}`,
      user_id: user,
      item_id: `idem-item-${i % 300}`,
      type: "view",
      ts: base + i,
    }));
    for (let start = 0; start < total; start += 500)
      expect((await postEvents(events.slice(start, start + 500))).accepted).toBe(Math.min(500, total - start));
    const stub = env.USER_SESSION.getByName(user);
    const before = await stub.inspect();
    expect(before.counts.events).toBe(MAX_EVENTS_PER_USER);
    expect(before.counts.eventIds).toBe(total);

    expect(await postEvents([events[0]!])).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    const after = await stub.inspect();
    // pendingEvents is background work (category lookups of the 300 items), not state the replay could change.
    const stored = ({ pendingEvents: _background, ...counts }: typeof before.counts) => counts;
    expect(stored(after.counts)).toEqual(stored(before.counts));
    expect(after.recent).toEqual(before.recent);
    expect(after.retention.lastActivity).toBe(before.retention.lastActivity);
  });

  it("scopes event ids per user: the same event_id for two users is two events", async () => {
    const event = { event_id: "shared-id-1", item_id: itemId(0, 5), type: "click" };
    expect(
      await postEvents([
        { ...event, user_id: "scope-a" },
        { ...event, user_id: "scope-b" },
      ]),
    ).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    expect(await postEvents([{ ...event, user_id: "scope-b" }])).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
  });
});
