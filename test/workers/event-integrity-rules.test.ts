/**
 * The pure rules behind event integrity, each checked exactly at its boundary with a fixed clock:
 * the accepted `ts` window (shared/events/event-time-window.ts) and one trending count per user ×
 * item × window with the strongest weight (shared/events/trending-credit.ts). Pure modules; they
 * run here beside the route tests that use them.
 */
import { describe, expect, it } from "vitest";
import { eventKey } from "../../shared/events/event-key";
import { eventTimeViolation } from "../../shared/events/event-time-window";
import { trendingCredit } from "../../shared/events/trending-credit";

const NOW = Date.UTC(2026, 11, 6, 12);
const WINDOW = { maxFutureMs: 300_000, maxAgeMs: 180 * 86_400_000 };
const HOUR = 3_600_000;

describe("event time window", () => {
  it("accepts both bounds and rejects one millisecond beyond either", () => {
    expect(eventTimeViolation(NOW + 300_000, NOW, WINDOW)).toBeNull();
    expect(eventTimeViolation(NOW - 180 * 86_400_000, NOW, WINDOW)).toBeNull();
    expect(eventTimeViolation(NOW + 300_001, NOW, WINDOW)).toBe(
      "ts: more than 300 s ahead of the edge's clock; accepted window is 2026-06-09T12:00:00.000Z to 2026-12-06T12:05:00.000Z (at most 300 s ahead of the edge's clock, at most 180 days old)",
    );
    expect(eventTimeViolation(NOW - 180 * 86_400_000 - 1, NOW, WINDOW)).toMatch(
      /^ts: older than 180 days; accepted window is 2026-06-09T12:00:00.000Z to/,
    );
  });
});

describe("trending credit", () => {
  const day = 24 * HOUR;

  it("counts the first positive event with its weight and opens the window on the server clock", () => {
    expect(trendingCredit(undefined, 1, NOW, day)).toEqual({ credit: 1, window: { windowStart: NOW, weight: 1 } });
  });

  it("adds only the difference for a stronger event in the window, nothing for a weaker or equal one", () => {
    const opened = { windowStart: NOW, weight: 1 };
    expect(trendingCredit(opened, 5, NOW + HOUR, day)).toEqual({ credit: 4, window: { windowStart: NOW, weight: 5 } });
    expect(trendingCredit({ windowStart: NOW, weight: 5 }, 5, NOW + 2 * HOUR, day)).toEqual({
      credit: 0,
      window: { windowStart: NOW, weight: 5 },
    });
    expect(trendingCredit({ windowStart: NOW, weight: 5 }, 3, NOW + day - 1, day).credit).toBe(0);
  });

  it("opens a new window exactly when the old one ends", () => {
    expect(trendingCredit({ windowStart: NOW, weight: 5 }, 3, NOW + day, day)).toEqual({
      credit: 3,
      window: { windowStart: NOW + day, weight: 3 },
    });
  });

  it("never credits non-positive events", () => {
    expect(trendingCredit(undefined, 0, NOW, day).credit).toBe(0);
    expect(trendingCredit({ windowStart: NOW, weight: 1 }, -5, NOW, day)).toEqual({ credit: 0, window: { windowStart: NOW, weight: 1 } });
  });
});

describe("event identity", () => {
  it("is the pair (user_id, event_id)", () => {
    expect(eventKey({ user_id: "u1", event_id: "e1" })).not.toBe(eventKey({ user_id: "u2", event_id: "e1" }));
    expect(eventKey({ user_id: "u1", event_id: "e1" })).toBe(eventKey({ event_id: "e1", user_id: "u1" }));
  });
});
