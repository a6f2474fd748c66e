/** The UserSession Durable Object: idempotent appends, seen/hidden sets, recent order, bounds. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SessionEvent } from "../../shared/session/session-contract";
import { MAX_EVENTS_PER_USER } from "../../shared/session/user-session-limits";

const base = Date.UTC(2026, 10, 1);
function event(id: string, item: string, type: SessionEvent["type"], offsetMs: number): SessionEvent {
  return { event_id: id, user_id: "u-session", item_id: item, type, ts: base + offsetMs };
}

describe("UserSession", () => {
  it("stores events once per event_id and reports replays as duplicates", async () => {
    const stub = env.USER_SESSION.getByName("u-idempotent");
    const first = await stub.appendEvents([event("e1", "i1", "click", 0), event("e2", "i2", "view", 1)]);
    expect(first).toMatchObject({ accepted: ["e1", "e2"], duplicates: [] });
    const replay = await stub.appendEvents([event("e1", "i1", "click", 0), event("e3", "i3", "like", 2)]);
    expect(replay).toMatchObject({ accepted: ["e3"], duplicates: ["e1"] });
    const snapshot = await stub.snapshot();
    expect(snapshot.interactionCount).toBe(3);
    expect(snapshot.recent.map((r) => r.itemId)).toEqual(["i3", "i2", "i1"]);
  });

  it("keeps impressions out of seen and recent, and hides not_interested items", async () => {
    const stub = env.USER_SESSION.getByName("u-hidden");
    await stub.appendEvents([event("a", "i1", "impression", 0), event("b", "i2", "click", 1), event("c", "i3", "not_interested", 2)]);
    const snapshot = await stub.snapshot();
    expect(snapshot.seen.sort()).toEqual(["i2", "i3"]);
    expect(snapshot.hidden).toEqual(["i3"]);
    expect(snapshot.recent.map((r) => r.type)).toEqual(["not_interested", "click"]);
  });

  it("bounds the stored log per user, keeping the newest events", async () => {
    const stub = env.USER_SESSION.getByName("u-bounded");
    const total = MAX_EVENTS_PER_USER + 50;
    for (let start = 0; start < total; start += 500) {
      const batch = Array.from({ length: Math.min(500, total - start) }, (_, i) =>
        event(`e${start + i}`, `i${(start + i) % 97}`, "view", start + i),
      );
      await stub.appendEvents(batch);
    }
    const snapshot = await stub.snapshot({ recentLimit: 1 });
    expect(snapshot.interactionCount).toBe(MAX_EVENTS_PER_USER);
    expect(snapshot.recent[0]?.ts).toBe(base + total - 1);
  });
});
