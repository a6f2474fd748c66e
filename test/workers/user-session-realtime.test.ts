/**
 * The UserSession object's real-time state, called directly: bandit arms credited through what
 * was served (category and exploration source), category affinity with negative signals, events
 * on items the catalogue does not know, the item-average vector when no fold-in model is
 * published, what was served (one exposures row per response, its A/B credits once per served
 * item, bounded in items by pruning whole responses oldest first), and the retention alarm that
 * deletes an inactive user's state.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { UserSession } from "../../durable-objects/user-session";
import { PRUNE_EXPOSURES_SQL } from "../../durable-objects/user-session/session-store";
import { DAY_MS } from "../../shared/realtime/decay-factor";
import type { SessionEvent } from "../../shared/session/session-contract";
import { USER_SESSION_LIMITS } from "../../shared/session/user-session-limits";
import { itemId, seedFixture } from "./fixture";

beforeAll(seedFixture);

const now = Date.now();
function event(user: string, id: string, item: string, type: SessionEvent["type"], extra: Partial<SessionEvent> = {}): SessionEvent {
  return { event_id: id, user_id: user, item_id: item, type, ts: now, ...extra };
}

describe("UserSession real-time state", () => {
  it("credits impressions and clicks to the category and exploration source they were served under", async () => {
    const stub = env.USER_SESSION.getByName("us-arms");
    await stub.recordExposures("req-a", [
      { itemId: itemId(2, 3), position: 4, source: "exploration", category: "Drama", explorationSource: "fresh" },
      { itemId: itemId(1, 1), position: 0, source: "ann", category: "Comedy" },
    ]);
    await stub.appendEvents([
      event("us-arms", "a1", itemId(2, 3), "impression", { request_id: "req-a", position: 4 }),
      event("us-arms", "a2", itemId(1, 1), "impression", { request_id: "req-a", position: 0 }),
      event("us-arms", "a3", itemId(2, 3), "complete", { request_id: "req-a", position: 4 }),
      event("us-arms", "a4", itemId(2, 3), "like", { request_id: "req-a", position: 4 }),
    ]);
    const state = await stub.inspect();
    const arms = Object.fromEntries(state.arms.map((arm) => [arm.arm, [Number(arm.successes.toFixed(3)), Number(arm.trials.toFixed(3))]]));
    // One success per item however many positive events; a trial per impression.
    expect(arms).toEqual({ "category:Drama": [1, 1], "source:fresh": [1, 1], "category:Comedy": [0, 1] });
    expect(state.counts.pendingEvents).toBe(0);
  });

  it("keeps negative signals: hidden items, negative affinity, a failed trial", async () => {
    const stub = env.USER_SESSION.getByName("us-negative");
    await stub.appendEvents([
      event("us-negative", "n1", itemId(3, 1), "hide"),
      event("us-negative", "n2", itemId(3, 2), "skip"),
      event("us-negative", "n3", itemId(0, 1), "click"),
    ]);
    const snapshot = await stub.snapshot();
    expect(snapshot.hidden).toEqual([itemId(3, 1)]);
    expect(snapshot.affinity!.Horror).toBeCloseTo(-6, 4);
    expect(snapshot.affinity!.Action).toBeCloseTo(1, 4);
    const horror = snapshot.arms!.find((arm) => arm.arm === "category:Horror")!;
    expect(horror.successes).toBeCloseTo(0, 6);
    expect(horror.trials).toBeCloseTo(2, 4);
  });

  it("keeps an event's value while its category is looked up: a 1-star rating counts against the category", async () => {
    const stub = env.USER_SESSION.getByName("us-pending-rating");
    await stub.appendEvents([
      event("us-pending-rating", "p1", itemId(2, 4), "rating", { value: 1 }),
      event("us-pending-rating", "p2", itemId(1, 4), "rating", { value: 5 }),
    ]);
    const snapshot = await stub.snapshot();
    // 1★ → −2 and 5★ → +3 (shared/events/event-weight.ts), not +2 for every rating.
    expect(snapshot.affinity!.Drama).toBeCloseTo(-2, 4);
    expect(snapshot.affinity!.Comedy).toBeCloseTo(3, 4);
  });

  it("applies events on items the catalogue does not know without category effects", async () => {
    const stub = env.USER_SESSION.getByName("us-unknown");
    await stub.appendEvents([event("us-unknown", "u1", "not-in-index", "click")]);
    const state = await stub.inspect();
    expect(state.counts.pendingEvents).toBe(0);
    expect(state.arms).toEqual([]);
    expect(state.sessionVector).toBeNull();
  });

  it("averages the positive items' vectors when no fold-in model is published", async () => {
    const stub = env.USER_SESSION.getByName("us-average");
    await stub.appendEvents([event("us-average", "v1", itemId(1, 0), "click"), event("us-average", "v2", itemId(1, 1), "like")]);
    const { sessionVector } = await stub.snapshot();
    expect(sessionVector).toMatchObject({ method: "item_average", strength: 5, items: 2, modelVersion: "unversioned" });
    expect(sessionVector!.vector[1]).toBeCloseTo((1 * 1 + 4 * 0.98) / 5, 6);
  });

  it("stores one exposures row per response, its items in position order, and lists what was shown newest first", async () => {
    const stub = env.USER_SESSION.getByName("us-one-row");
    await stub.recordExposures(
      "req-1",
      [
        { itemId: "c", position: 2, source: "exploration", category: "Jazz", explorationSource: "fresh" },
        { itemId: "a", position: 0, source: "ann", category: "Drama" },
        { itemId: "b", position: 1, source: "trending" },
      ],
      now,
    );
    await stub.recordExposures(
      "req-2",
      [
        { itemId: "d", position: 0, source: "ann" },
        { itemId: "a", position: 1, source: "ann", category: "Drama" },
      ],
      now + 1,
    );
    // A replayed request id adds nothing.
    await stub.recordExposures("req-1", [{ itemId: "a", position: 0, source: "ann", category: "Drama" }], now + 2);
    const rows = await exposureRows(stub);
    expect(rows).toEqual([
      {
        request_id: "req-1",
        n: 3,
        items: JSON.stringify([
          ["a", "ann", "Drama", null],
          ["b", "trending", null, null],
          ["c", "exploration", "Jazz", "fresh"],
        ]),
      },
      {
        request_id: "req-2",
        n: 2,
        items: JSON.stringify([
          ["d", "ann", null, null],
          ["a", "ann", "Drama", null],
        ]),
      },
    ]);
    // The inspection still counts served items, not responses.
    expect((await stub.inspect()).counts.exposures).toBe(5);
    expect((await stub.snapshot({ shownLimit: 10 })).shown).toEqual(["d", "a", "b", "c"]);
    expect((await stub.snapshot({ shownLimit: 2 })).shown).toEqual(["d", "a"]);
  });

  it("credits a click and a conversion once per served item of a request, only for items that request served", async () => {
    const user = "us-credits";
    const stub = env.USER_SESSION.getByName(user);
    await stub.recordExposures("req-1", [
      { itemId: itemId(2, 3), position: 0, source: "exploration", category: "Drama", explorationSource: "fresh" },
      { itemId: itemId(1, 1), position: 1, source: "ann", category: "Comedy" },
    ]);
    await stub.recordExposures("req-2", [{ itemId: itemId(2, 3), position: 0, source: "ann", category: "Drama" }]);
    const first = await stub.appendEvents([
      event(user, "c1", itemId(2, 3), "click", { request_id: "req-1" }),
      event(user, "c2", itemId(2, 3), "click", { request_id: "req-1" }), // same served item: credited already
      event(user, "c3", itemId(2, 3), "click", { request_id: "req-2" }), // the same item served again: a new credit
      event(user, "c4", itemId(1, 1), "like", { request_id: "req-1" }), // a conversion
      event(user, "c5", itemId(1, 1), "click", { request_id: "req-2" }), // req-2 did not serve it
      event(user, "c6", itemId(1, 1), "click"), // no request id
    ]);
    expect(first.accepted).toHaveLength(6);
    expect(first.attributed).toEqual(["c1", "c3", "c4"]);
    const again = await stub.appendEvents([
      event(user, "c7", itemId(1, 1), "complete", { request_id: "req-1" }),
      event(user, "c8", itemId(1, 1), "view", { request_id: "req-1" }),
    ]);
    expect(again.attributed).toEqual(["c8"]);
    expect(await creditRows(stub)).toEqual([
      { request_id: "req-1", item_id: itemId(1, 1), credit: "clicked" },
      { request_id: "req-1", item_id: itemId(1, 1), credit: "converted" },
      { request_id: "req-1", item_id: itemId(2, 3), credit: "clicked" },
      { request_id: "req-2", item_id: itemId(2, 3), credit: "clicked" },
    ]);
  });

  it("bounds the served-items memory, pruning back to the bound once it is over by more than the slack", async () => {
    const stub = env.USER_SESSION.getByName("us-exposures");
    const { maxExposures, exposureSlack } = USER_SESSION_LIMITS;
    const serve = (request: number) =>
      stub.recordExposures(
        `req-${request}`,
        Array.from({ length: 100 }, (_, position) => ({ itemId: `x-${request}-${position}`, position, source: "ann" })),
        now + request,
      );
    const requests = (maxExposures + exposureSlack) / 100;
    for (let request = 0; request < requests; request++) await serve(request);
    expect((await stub.inspect()).counts.exposures).toBe(maxExposures + exposureSlack);
    expect(await exposureRows(stub)).toHaveLength(requests);
    // A credit of the oldest response goes with it.
    const credited = await stub.appendEvents([event("us-exposures", "x1", "x-0-0", "click", { request_id: "req-0" })]);
    expect(credited.attributed).toEqual(["x1"]);

    await serve(requests);
    expect((await stub.inspect()).counts.exposures).toBe(maxExposures);
    expect((await exposureRows(stub)).map((row) => row.request_id)).toEqual(
      Array.from({ length: maxExposures / 100 }, (_, index) => `req-${requests + 1 - maxExposures / 100 + index}`),
    );
    expect(await creditRows(stub)).toEqual([]);
    // The oldest requests were dropped, the newest kept.
    const { shown } = await stub.snapshot({ shownLimit: 5000 });
    expect(shown).toHaveLength(maxExposures);
    expect(shown![0]).toMatch(new RegExp(`^x-${requests}-`));
    expect(shown!.some((item) => item.startsWith("x-0-") || item.startsWith("x-1-"))).toBe(false);
  });

  it("prunes exposures in insertion (rowid) order, without sorting the table, and keeps no secondary index to write on every response", async () => {
    const stub = env.USER_SESSION.getByName("us-exposures-plan");
    await stub.recordExposures("req-plan", [{ itemId: "p-1", position: 0, source: "ann" }]);
    const plan = await runInDurableObject(stub, (_: UserSession, state) =>
      state.storage.sql
        .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${PRUNE_EXPOSURES_SQL}`, USER_SESSION_LIMITS.maxExposures)
        .toArray()
        .map((row) => row.detail),
    );
    expect(plan.join("\n")).not.toContain("TEMP B-TREE");
    const indexes = await runInDurableObject(stub, (_: UserSession, state) =>
      state.storage.sql
        .exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'exposures' AND sql IS NOT NULL`)
        .toArray()
        .map((row) => row.name),
    );
    expect(indexes).toEqual([]);
  });
});

/** The object's `exposures` rows in insertion order. */
function exposureRows(stub: DurableObjectStub<UserSession>) {
  return runInDurableObject(stub, (_: UserSession, state) =>
    state.storage.sql
      .exec<{ request_id: string; n: number; items: string }>(`SELECT request_id, n, items FROM exposures ORDER BY rowid`)
      .toArray(),
  );
}

/** The object's A/B credits. */
function creditRows(stub: DurableObjectStub<UserSession>) {
  return runInDurableObject(stub, (_: UserSession, state) =>
    state.storage.sql
      .exec<{ request_id: string; item_id: string; credit: string }>(
        `SELECT request_id, item_id, credit FROM exposure_credits ORDER BY request_id, item_id, credit`,
      )
      .toArray(),
  );
}

describe("retention alarm", () => {
  it("schedules deletion after the retention period and deletes an inactive user's state", async () => {
    const stub = env.USER_SESSION.getByName("us-retention");
    await stub.appendEvents([event("us-retention", "r1", itemId(0, 2), "click")]);
    const { retention } = await stub.inspect();
    expect(retention.alarm).toBe(retention.deleteAfter);
    expect(retention.deleteAfter! - retention.lastActivity!).toBe(USER_SESSION_LIMITS.retentionDays * DAY_MS);

    // Still active when the alarm fires early: nothing is deleted, the alarm moves.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await stub.snapshot()).interactionCount).toBe(1);

    await runInDurableObject(stub, (_: UserSession, state) => {
      state.storage.sql.exec(`UPDATE meta SET value = ? WHERE key = 'last_activity'`, String(Date.now() - 181 * DAY_MS));
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const erased = await stub.inspect();
    expect(erased.counts.events).toBe(0);
    expect(erased.retention).toEqual({ lastActivity: null, deleteAfter: null, alarm: null });
  });

  it("erases a user on request", async () => {
    const stub = env.USER_SESSION.getByName("us-erase");
    await stub.appendEvents([event("us-erase", "e1", itemId(0, 2), "like")]);
    await stub.erase();
    expect((await stub.snapshot()).interactionCount).toBe(0);
    expect((await stub.inspect()).retention.alarm).toBeNull();
  });
});
