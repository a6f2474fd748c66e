import { describe, expect, it } from "vitest";
import { evaluateRecommender } from "../../../pipeline/evaluate/evaluate-recommender";
import { itemCooccurrenceSimilarity } from "../../../pipeline/evaluate/item-cooccurrence-similarity";
import { meanStd, formatMeanStd } from "../../../pipeline/evaluate/seed-summary";
import { popularityProfile } from "../../../pipeline/evaluate/popularity-profile";
import { fixedModel, matrix } from "./fixed-model";
import { usersInBoth, type InteractionSplit } from "../../../pipeline/split/interaction-split";

describe("evaluateRecommender", () => {
  // 3 users, 6 items. Train: u0 {0}, u1 {1}, u2 {} (cold: not evaluated). Test: u0 {2, 3}, u1 {5}, u2 {4}.
  const train = matrix(3, 6, [
    [0, 0],
    [1, 1],
    [1, 4],
  ]);
  const test = matrix(3, 6, [
    [0, 2],
    [0, 3],
    [1, 5],
    [2, 4],
  ]);
  const split: InteractionSplit = { train, test, testUsers: usersInBoth(train, test) };
  // u0 ranks 0 (seen, removed), 2, 1, 3 …; u1 ranks 1 (seen), 0, 2, 3 …
  const model = fixedModel([
    [9, 7, 8, 6, 0, 0],
    [8, 9, 7, 6, 5, 0],
    [1, 1, 1, 1, 1, 1],
  ]);

  it("removes training items and scores the lists against held-out items (hand-computed)", () => {
    const q = evaluateRecommender(model, split, { k: 2 });
    expect(Array.from(split.testUsers)).toEqual([0, 1]);
    expect(q.users).toBe(2);
    // u0 top-2 [2, 1]: one hit at rank 1 of 2 relevant → P 1/2, R 1/2, nDCG 1/(1 + 1/log2 3), AP (1/1)/2.
    // u1 top-2 [0, 2]: no hit.
    expect(q.precision).toBeCloseTo(0.25, 12);
    expect(q.recall).toBeCloseTo(0.25, 12);
    expect(q.ndcg).toBeCloseTo(1 / (1 + 1 / Math.log2(3)) / 2, 12);
    expect(q.map).toBeCloseTo(0.25, 12);
    // Lists {2, 1} and {0, 2}: 3 distinct of the 3 items with training interactions (0, 1, 4).
    expect(q.coverage).toBeCloseTo(3 / 3, 12);
    expect(Array.from(q.itemCounts)).toEqual([1, 1, 2, 0, 0, 0]);
    expect(q.novelty).toBeGreaterThan(0);
  });

  it("skips the beyond-accuracy metrics when asked", () => {
    const q = evaluateRecommender(model, split, { k: 2, accuracyOnly: true });
    expect(q.coverage).toBeNaN();
    expect(q.ndcg).toBeGreaterThan(0);
  });
});

describe("itemCooccurrenceSimilarity", () => {
  it("is the cosine of the items' training user sets", () => {
    const sim = itemCooccurrenceSimilarity(
      matrix(3, 3, [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
        [1, 2],
        [2, 2],
      ]),
    );
    expect(sim(0, 1)).toBeCloseTo(1, 12);
    expect(sim(0, 2)).toBeCloseTo(0.5, 12);
    expect(sim(2, 0)).toBeCloseTo(0.5, 12);
    expect(sim(1, 1)).toBe(1);
  });
});

describe("seed summaries and long-tail profile", () => {
  it("reports the mean and sample standard deviation", () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3) });
    expect(meanStd([7])).toEqual({ mean: 7, std: 0 });
    expect(formatMeanStd({ mean: 0.48213, std: 0.00314 })).toBe("0.4821 ± 0.0031");
  });

  it("buckets items by popularity and reports each model's share per bucket", () => {
    const profile = popularityProfile([10, 0, 5, 5], { m: [0, 4, 0, 4] }, 2);
    // Most popular half: items 0 and 2 (ties by index); least: 3 and 1.
    expect(profile.interactions).toEqual([0.75, 0.25]);
    expect(profile.models.m).toEqual([0, 1]);
  });
});
