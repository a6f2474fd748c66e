import { describe, expect, it } from "vitest";
import { DAY_MS } from "../../../../shared/realtime/decay-factor";
import { seedVector } from "../../../../shared/session/seed-vector";
import { assembleState, emptyState } from "../../../../shared/session/session-inspection";
import { assembleSnapshot, emptySnapshot, type StoredSession } from "../../../../shared/session/session-snapshot";

const stored: StoredSession = {
  seen: ["i2", "i1"],
  hidden: ["i3"],
  interactionCount: 3,
  recent: [{ itemId: "i2", type: "click", ts: 2, value: null }],
  profile: { categories: ["Drama"], demographics: { country: "DE", gender: "f" }, updatedAt: 1 },
  sessionVector: null,
  arms: [{ arm: "category:Drama", successes: 2, trials: 4, updated_ts: 0 }],
  affinity: [{ category: "Drama", score: 8, updated_ts: 0 }],
};

describe("assembleSnapshot", () => {
  it("passes the stored parts through and decays arms and affinity to the read time", () => {
    const snapshot = assembleSnapshot(stored, { now: 28 * DAY_MS });
    expect(snapshot).toEqual({
      recent: stored.recent,
      seen: ["i2", "i1"],
      hidden: ["i3"],
      interactionCount: 3,
      sessionVector: null,
      seedVector: null,
      // 28 days: two affinity half-lives (8 → 2), 28/30 of an arm half-life.
      arms: [{ arm: "category:Drama", successes: 2 * 2 ** (-28 / 30), trials: 4 * 2 ** (-28 / 30) }],
      affinity: { Drama: 2 },
      preferredCategories: ["Drama"],
      demographics: { country: "DE", gender: "f" },
    });
  });

  it("adds the seed vector from the loaded model's segments and the served items when asked", () => {
    const snapshot = assembleSnapshot(stored, {
      now: 0,
      segmentVectors: { "country:DE": [1, 0], "gender:f": [0, 1], "country:FR": [5, 5] },
      shown: ["s1"],
    });
    expect(snapshot.seedVector).toEqual([0.5, 0.5]);
    expect(snapshot.shown).toEqual(["s1"]);
  });

  it("answers an empty session with `shown` only when it was asked for", () => {
    expect(emptySnapshot(0)).not.toHaveProperty("shown");
    expect(emptySnapshot(10).shown).toEqual([]);
    expect(emptySnapshot(0)).toMatchObject({ recent: [], seen: [], hidden: [], interactionCount: 0, arms: [], affinity: {} });
  });
});

describe("seedVector", () => {
  it("averages the published segments the demographics name, ignoring unknown ones", () => {
    expect(seedVector({ country: "DE", age_bucket: "25-34" }, { "country:DE": [2, 0], "age_bucket:25-34": [0, 4] })).toEqual([1, 2]);
    expect(seedVector({ country: "DE", device: "tv" }, { "country:DE": [2, 0] })).toEqual([2, 0]);
  });

  it("is null without demographics, without segment vectors or without a match", () => {
    expect(seedVector(undefined, { "country:DE": [1] })).toBeNull();
    expect(seedVector({ country: "DE" }, undefined)).toBeNull();
    expect(seedVector({ country: "FR" }, { "country:DE": [1] })).toBeNull();
  });
});

describe("assembleState", () => {
  it("derives the deletion time from the last activity and keeps the arms' update times", () => {
    const state = assembleState(
      {
        profile: null,
        counts: { events: 3, pendingEvents: 0, items: 3, hidden: 1, exposures: 0, cachedVectors: 0, eventIds: 3 },
        arms: stored.arms,
        affinity: stored.affinity,
        sessionVector: null,
        recent: [],
        lastActivity: 1_000,
      },
      { now: 0, retentionMs: 500, alarm: 1_500 },
    );
    expect(state.retention).toEqual({ lastActivity: 1_000, deleteAfter: 1_500, alarm: 1_500 });
    expect(state.arms).toEqual([{ arm: "category:Drama", successes: 2, trials: 4, updatedAt: 0 }]);
    expect(state.affinity).toEqual({ Drama: 8 });
  });

  it("has no deletion time without activity", () => {
    expect(emptyState(null).retention).toEqual({ lastActivity: null, deleteAfter: null, alarm: null });
    expect(emptyState(42).retention.alarm).toBe(42);
  });
});
