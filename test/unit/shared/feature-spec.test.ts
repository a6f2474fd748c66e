/**
 * The feature spec v2: row order and size, known values for a hand-worked candidate, neutral
 * defaults for unknown inputs, and the category affinity share the edge and pipeline both use.
 */
import { describe, expect, it } from "vitest";
import { categoryAffinityShare } from "../../../shared/features/category-affinity-share";
import { buildFeatureRow, FEATURE_NAMES, FEATURE_SPEC } from "../../../shared/features/feature-spec";

const DAY = 86_400;
const now = 1_767_225_600 + 6 * 3600;

describe("feature spec v2", () => {
  it("is version 2 with one value per name and a hash over version and names", () => {
    expect(FEATURE_SPEC.version).toBe(2);
    expect(FEATURE_SPEC.size).toBe(14);
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
    });
    const byName = Object.fromEntries(FEATURE_NAMES.map((name, i) => [name, row[i]!]));
    expect(row).toHaveLength(FEATURE_SPEC.size);
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
    expect(row.every(Number.isFinite)).toBe(true);
  });
});

describe("categoryAffinityShare", () => {
  it("is the category's share of the positive evidence", () => {
    expect(categoryAffinityShare({ drama: 3, comedy: 1 }, "drama")).toBe(0.75);
    expect(categoryAffinityShare(new Map([["drama", 3], ["comedy", 1]]), "comedy")).toBe(0.25);
  });

  it("ignores dislikes and answers 0 without evidence or category", () => {
    expect(categoryAffinityShare({ drama: 2, horror: -5 }, "drama")).toBe(1);
    expect(categoryAffinityShare({ drama: 2, horror: -5 }, "horror")).toBe(0);
    expect(categoryAffinityShare({}, "drama")).toBe(0);
    expect(categoryAffinityShare({ drama: 2 }, undefined)).toBe(0);
  });
});
