/**
 * The UserSession object memoises what its snapshot reads from storage until the next write: each
 * write path — events, exposures (served items), preferences, the background refresh, erasure and
 * the retention alarm — must show in the very next snapshot, taken after one that filled the memo.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { UserSession } from "../../durable-objects/user-session";
import { DAY_MS } from "../../shared/realtime/decay-factor";
import type { SessionEvent } from "../../shared/session/session-contract";
import { itemId, seedFixture } from "./fixture";

beforeAll(seedFixture);

function event(user: string, id: string, item: string, type: SessionEvent["type"], extra: Partial<SessionEvent> = {}): SessionEvent {
  return { event_id: id, user_id: user, item_id: item, type, ts: Date.now(), ...extra };
}

describe("UserSession snapshot memo", () => {
  it("shows each appended event in the next snapshot", async () => {
    const stub = env.USER_SESSION.getByName("memo-events");
    await stub.appendEvents([event("memo-events", "m1", itemId(0, 1), "click")]);
    const first = await stub.snapshot();
    expect(first.interactionCount).toBe(1);
    expect((await stub.snapshot()).recent).toEqual(first.recent);

    await stub.appendEvents([event("memo-events", "m2", itemId(0, 2), "hide")]);
    const second = await stub.snapshot();
    expect(second.interactionCount).toBe(2);
    expect(second.recent.map((r) => r.itemId)).toEqual([itemId(0, 2), itemId(0, 1)]);
    expect(second.hidden).toEqual([itemId(0, 2)]);
    expect(second.seen).toContain(itemId(0, 2));
  });

  it("keeps one snapshot per set of limits", async () => {
    const stub = env.USER_SESSION.getByName("memo-limits");
    await stub.appendEvents([
      event("memo-limits", "l1", itemId(1, 1), "click"),
      event("memo-limits", "l2", itemId(1, 2), "view", { ts: Date.now() + 1 }),
    ]);
    expect((await stub.snapshot({ recentLimit: 1 })).recent).toHaveLength(1);
    expect((await stub.snapshot({ recentLimit: 5 })).recent).toHaveLength(2);
    expect((await stub.snapshot({ recentLimit: 1, seenLimit: 1 })).seen).toHaveLength(1);
  });

  it("shows newly served items when they are asked for", async () => {
    const stub = env.USER_SESSION.getByName("memo-exposures");
    await stub.recordExposures("req-1", [{ itemId: "served-a", position: 0, source: "ann" }], Date.now() - 1000);
    expect((await stub.snapshot({ shownLimit: 10 })).shown).toEqual(["served-a"]);
    await stub.recordExposures("req-2", [{ itemId: "served-b", position: 0, source: "ann" }], Date.now());
    expect((await stub.snapshot({ shownLimit: 10 })).shown).toEqual(["served-b", "served-a"]);
  });

  it("shows new preferences", async () => {
    const stub = env.USER_SESSION.getByName("memo-preferences");
    await stub.appendEvents([event("memo-preferences", "p1", itemId(2, 1), "view")]);
    expect((await stub.snapshot()).preferredCategories).toEqual([]);
    await stub.setPreferences({ categories: ["Drama", "Horror"] });
    expect((await stub.snapshot()).preferredCategories).toEqual(["Drama", "Horror"]);
  });

  it("shows what the refresh wrote: the category effects of an event on an item the edge did not serve", async () => {
    const stub = env.USER_SESSION.getByName("memo-refresh");
    await stub.appendEvents([event("memo-refresh", "r1", itemId(3, 4), "like")]);
    // The category is looked up by the refresh (within the snapshot's budget or in the background).
    await vi.waitFor(async () => expect((await stub.snapshot()).affinity?.Horror).toBeCloseTo(4, 4), { timeout: 10_000, interval: 50 });
    expect((await stub.snapshot()).sessionVector).not.toBeNull();
  });

  it("shows nothing of the erased state, even once something is served again", async () => {
    const erased = env.USER_SESSION.getByName("memo-erase");
    await erased.appendEvents([event("memo-erase", "x1", itemId(0, 3), "like")]);
    expect((await erased.snapshot()).interactionCount).toBe(1);
    await erased.erase();
    expect(await erased.snapshot()).toMatchObject({ interactionCount: 0, recent: [], seen: [] });
    // Exposures only drop the served-items memo; the erasure must have dropped the rest.
    await erased.recordExposures("req-after", [{ itemId: "after", position: 0, source: "ann" }]);
    expect(await erased.snapshot({ shownLimit: 5 })).toMatchObject({ interactionCount: 0, recent: [], seen: [], shown: ["after"] });
  });

  it("shows nothing once the retention alarm deleted the state, even once something is served again", async () => {
    const expired = env.USER_SESSION.getByName("memo-retention");
    await expired.appendEvents([event("memo-retention", "y1", itemId(0, 4), "like")]);
    expect((await expired.snapshot()).interactionCount).toBe(1);
    await runInDurableObject(expired, (_: UserSession, state) => {
      state.storage.sql.exec(`UPDATE meta SET value = ? WHERE key = 'last_activity'`, String(Date.now() - 400 * DAY_MS));
    });
    expect(await runDurableObjectAlarm(expired)).toBe(true);
    expect(await expired.snapshot()).toMatchObject({ interactionCount: 0, recent: [], seen: [] });
    await expired.recordExposures("req-after", [{ itemId: "after", position: 0, source: "ann" }]);
    expect(await expired.snapshot()).toMatchObject({ interactionCount: 0, recent: [], seen: [] });
  });
});
