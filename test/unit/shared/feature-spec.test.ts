/**
 * The feature spec (v5): row order and size, known values for a hand-worked candidate, neutral
 * defaults for unknown inputs, and the category affinity share the edge and pipeline both use.
 */
import { describe, expect, it } from "vitest";
import { categoryAffinityFeature, categoryEvidence, trainedCategoryAffinity } from "../../../shared/features/category-affinity";
import { categoryAffinityShare } from "../../../shared/features/category-affinity-share";
import { buildFeatureRow, FEATURE_NAMES, FEATURE_SPEC } from "../../../shared/features/feature-spec";
import {
  categoryLastSeen,
  categoryRecency,
  countRecent,
  recentItems,
  recentSimilarity,
  trainedCategoryLastSeen,
} from "../../../shared/features/sequence-features";
import { ageDecades, DEVICE_CLASSES, deviceClass, genderClass } from "../../../shared/features/user-context-features";

const DAY = 86_400;
const now = 1_767_225_600 + 6 * 3600;

describe("feature spec", () => {
  it("is version 5 with one value per name and a hash over version and names", () => {
    expect(FEATURE_SPEC.version).toBe(5);
    expect(FEATURE_SPEC.size).toBe(26);
    expect(FEATURE_SPEC.names).toBe(FEATURE_NAMES);
    expect(FEATURE_SPEC.hash).toMatch(/^[0-9a-f]{8}$/);
  });

  it("builds the known row for a hand-worked candidate", () => {
    const row = buildFeatureRow({
      retrievalScore: 0.5,
      retrievalRank: 3,
      itemPopularity: Math.E - 1,
      itemReleasedAt: now - 30 * DAY,
      itemSponsored: true,
      userActivity: 0,
      nowSeconds: now,
      categoryAffinity: 0.25,
      surface: "email",
      user: { age_bucket: "25-34", gender: "F" },
      device: "iOS",
      recentSimilarity: { mean: 0.25, max: 0.75 },
      categoryLastSeenAt: now - 7 * DAY,
      itemRecentPopularity: Math.E ** 2 - 1,
    });
    const byName = Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, row[i]!]));
    expect(row).toHaveLength(FEATURE_SPEC.size);
    expect([byName.recent_similarity_mean, byName.recent_similarity_max]).toEqual([0.25, 0.75]);
    expect(byName.category_recency_7d).toBeCloseTo(Math.exp(-1), 12);
    expect(byName.item_log_recent_popularity).toBeCloseTo(2, 12);
    expect(byName.retrieval_score).toBe(0.5);
    expect(byName.retrieval_rank_reciprocal).toBe(0.25);
    expect(byName.item_log_popularity).toBeCloseTo(1, 12);
    expect(byName.item_age_years).toBeCloseTo(30 / 365.25, 12);
    expect(byName.item_sponsored).toBe(1);
    expect(byName.user_log_activity).toBe(0);
    expect(byName.item_recency_30d).toBeCloseTo(Math.exp(-1), 12);
    expect(byName.item_log_age_days).toBeCloseTo(Math.log(31), 12);
    expect(byName.category_affinity).toBe(0.25);
    expect([byName.surface_home, byName.surface_more_like_this, byName.surface_email]).toEqual([0, 0, 1]);
    expect(byName.hour_of_day_sin).toBeCloseTo(1, 12);
    expect(byName.hour_of_day_cos).toBeCloseTo(0, 12);
    expect([byName.user_age_decades, byName.user_age_known]).toEqual([3, 1]);
    expect([byName.user_gender_female, byName.user_gender_male]).toEqual([1, 0]);
    expect([byName.device_mobile, byName.device_tablet, byName.device_tv, byName.device_web]).toEqual([1, 0, 0, 0]);
  });

  it("fills unknown context with neutral values: no affinity, the home surface; future items are age 0", () => {
    const row = buildFeatureRow({
      retrievalScore: Number.NaN,
      retrievalRank: 0,
      itemPopularity: 0,
      itemReleasedAt: now + 10 * DAY,
      itemSponsored: false,
      userActivity: 4,
      nowSeconds: now,
    });
    const byName = Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, row[i]!]));
    expect(byName.retrieval_score).toBe(0);
    expect(byName.item_recency_30d).toBe(1);
    expect(byName.item_log_age_days).toBe(0);
    expect(byName.category_affinity).toBe(0);
    expect([byName.surface_home, byName.surface_more_like_this, byName.surface_email]).toEqual([1, 0, 0]);
    // No recent items, category never seen, no recent interactions: 0.
    expect([
      byName.recent_similarity_mean,
      byName.recent_similarity_max,
      byName.category_recency_7d,
      byName.item_log_recent_popularity,
    ]).toEqual([0, 0, 0, 0]);
    // Unknown user and device: all-zero columns, never a guess.
    const userColumns = FEATURE_NAMES.filter(
      (name) => name.startsWith("user_age") || name.startsWith("user_gender") || name.startsWith("device_"),
    );
    expect(userColumns).toHaveLength(8);
    for (const name of userColumns) expect(byName[name]).toBe(0);
    expect(row.every(Number.isFinite)).toBe(true);
  });
});

describe("user and device inputs", () => {
  it("reads age buckets and plain ages as decades", () => {
    expect(ageDecades("25-34")).toBe(3);
    expect(ageDecades("18-24")).toBe(2.15);
    expect(ageDecades("<18")).toBe(1.6);
    expect(ageDecades("65+")).toBe(7);
    expect(ageDecades(" 34 ")).toBe(3.4);
    for (const unknown of [undefined, "", "adult", "200", "30-"]) expect(ageDecades(unknown)).toBeNull();
  });

  it("maps gender and device strings onto the spec's classes, unknown otherwise", () => {
    expect([genderClass("F"), genderClass(" Female "), genderClass("m"), genderClass("nonbinary"), genderClass(undefined)]).toEqual([
      "female",
      "female",
      "male",
      null,
      null,
    ]);
    expect(["mobile", "Android", "iPad", "TV", "desktop", "web", "fridge", undefined].map(deviceClass)).toEqual([
      "mobile",
      "mobile",
      "tablet",
      "tv",
      "web",
      "web",
      null,
      null,
    ]);
    expect(DEVICE_CLASSES.map((device) => `device_${device}`).every((name) => (FEATURE_NAMES as readonly string[]).includes(name))).toBe(
      true,
    );
  });
});

describe("categoryAffinityShare", () => {
  it("is the category's share of the positive evidence", () => {
    expect(categoryAffinityShare({ drama: 3, comedy: 1 }, "drama")).toBe(0.75);
    expect(
      categoryAffinityShare(
        new Map([
          ["drama", 3],
          ["comedy", 1],
        ]),
        "comedy",
      ),
    ).toBe(0.25);
  });

  it("ignores dislikes and answers 0 without evidence or category", () => {
    expect(categoryAffinityShare({ drama: 2, horror: -5 }, "drama")).toBe(1);
    expect(categoryAffinityShare({ drama: 2, horror: -5 }, "horror")).toBe(0);
    expect(categoryAffinityShare({}, "drama")).toBe(0);
    expect(categoryAffinityShare({ drama: 2 }, undefined)).toBe(0);
  });
});

describe("category_affinity, trained plus live (spec v4)", () => {
  it("counts a history's items per category", () => {
    expect(trainedCategoryAffinity(["drama", "drama", "comedy", undefined, ""])).toEqual({ drama: 2, comedy: 1 });
  });

  it("is the trained share when the session has nothing, and moves with the session", () => {
    const trained = { drama: 3, comedy: 1 };
    expect(categoryAffinityFeature({ trained })("drama")).toBe(0.75);
    expect(categoryAffinityFeature({ trained, live: {} })("drama")).toBe(0.75);
    // drama 3 + 1, comedy 1, horror 3: 4 / 8.
    expect(categoryAffinityFeature({ trained, live: { drama: 1, horror: 3 } })("drama")).toBe(0.5);
    // A strong dislike takes the category out of the positive evidence.
    expect(categoryAffinityFeature({ trained, live: { drama: -5 } })("comedy")).toBe(1);
    expect(categoryAffinityFeature({ live: { horror: 2 } })("horror")).toBe(1);
    expect(categoryAffinityFeature({})("horror")).toBe(0);
    expect(categoryEvidence({ drama: 2 }, { drama: -3, horror: 1 })).toEqual({ drama: -1, horror: 1 });
  });

  it("counts each category picked at onboarding as one item of evidence", () => {
    // A new user who picked Western and Drama: half each before any event.
    expect(categoryAffinityFeature({ stated: ["western", "drama", "western"] })("western")).toBe(0.5);
    // With history: drama 3 + 1, comedy 1, western 1: 4 / 6.
    expect(categoryAffinityFeature({ trained: { drama: 3, comedy: 1 }, stated: ["drama", "western"] })("drama")).toBeCloseTo(4 / 6, 12);
    // A dislike outweighs the stated preference.
    expect(categoryAffinityFeature({ live: { western: -4 }, stated: ["western"] })("western")).toBe(0);
  });
});

describe("sequence and time features (spec v5)", () => {
  it("takes the session's recent items first, then the history from its end, distinct, at most k", () => {
    expect(recentItems(["c", "x"], ["a", "b", "c"], 3)).toEqual(["c", "x", "b"]);
    expect(recentItems([], ["a", "b", "c", "d", "e", "f", "g"])).toEqual(["g", "f", "e", "d", "c"]);
    expect(recentItems([], undefined)).toEqual([]);
  });

  it("measures cosine similarity to the recent items as mean and max, 0 without either side", () => {
    const candidate = [1, 0];
    // cos 1, cos 0, cos −1 (scale does not matter); a vector of another length is skipped.
    const recent = [
      [2, 0],
      [0, 3],
      [-1, 0],
      [1, 0, 0],
    ];
    expect(recentSimilarity(candidate, recent)).toEqual({ mean: 0, max: 1 });
    expect(recentSimilarity(candidate, [[1, 1]]).mean).toBeCloseTo(Math.SQRT1_2, 12);
    expect(recentSimilarity(undefined, recent)).toEqual({ mean: 0, max: 0 });
    expect(recentSimilarity(candidate, [])).toEqual({ mean: 0, max: 0 });
    expect(recentSimilarity([0, 0], [[1, 0]])).toEqual({ mean: 0, max: 0 });
  });

  it("keeps the latest time per category, the live part moving it only forward", () => {
    const trained = trainedCategoryLastSeen([
      { category: "drama", ts: 5 },
      { category: "drama", ts: 9 },
      { category: undefined, ts: 20 },
      { category: "comedy", ts: 3 },
    ]);
    expect(trained).toEqual({ drama: 9, comedy: 3 });
    expect(
      categoryLastSeen(trained, [
        { category: "drama", ts: 7 },
        { category: "horror", ts: 8 },
        { category: "comedy", ts: 10 },
      ]),
    ).toEqual({
      drama: 9,
      comedy: 10,
      horror: 8,
    });
    expect(categoryRecency(now - 14 * DAY, now)).toBeCloseTo(Math.exp(-2), 12);
    expect(categoryRecency(now + DAY, now)).toBe(1);
    expect(categoryRecency(undefined, now)).toBe(0);
  });

  it("counts the interactions in the 7 days up to now, inclusive of now and exclusive of the window's start", () => {
    const times = [now - 8 * DAY, now - 7 * DAY, now - 7 * DAY + 1, now - DAY, now, now + 1];
    expect(countRecent(times, now)).toBe(3);
    expect(countRecent(times, now, 1)).toBe(1);
    expect(countRecent([], now)).toBe(0);
  });
});
