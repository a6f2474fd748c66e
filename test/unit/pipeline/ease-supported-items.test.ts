import { describe, expect, it } from "vitest";
import { buildInteractionMatrix, rowIndices, type InteractionMatrix } from "../../../pipeline/data/interaction-matrix";
import { easeBaseTrials, easeFollowUpTrials, easeSupportThresholds } from "../../../pipeline/evaluate/tune-plan";
import { Ease } from "../../../pipeline/models/ease";
import { createRecommender, loadRecommender } from "../../../pipeline/models/model-spec";
import { Popularity } from "../../../pipeline/models/popularity";
import { ScoreBlend } from "../../../pipeline/models/score-blend";
import { itemSupport, supportedItems } from "../../../pipeline/models/supported-items";
import { blockOf, twoBlockMatrix } from "./block-fixture";

const binary = (shape: { rows: number; cols: number }, pairs: [number, number][]): InteractionMatrix =>
  buildInteractionMatrix(shape, { rows: pairs.map((p) => p[0]), cols: pairs.map((p) => p[1]), confidence: pairs.map(() => 1) });

/**
 * u0 {0, 1, 2}, u1 {0}, u2 {1}, u3 {2, 3}: support [2, 2, 2, 1]. Over items {0, 1} alone the Gram
 * matrix is [[2, 1], [1, 2]]; with λ = 1 the 2-item closed form gives B₀₁ = B₁₀ = 1/3.
 */
const fixture = binary({ rows: 4, cols: 4 }, [
  [0, 0],
  [0, 1],
  [0, 2],
  [1, 0],
  [2, 1],
  [3, 2],
  [3, 3],
]);

/** The two-block fixture with `extra` empty item columns appended (items nobody interacted with). */
function withEmptyItems(matrix: InteractionMatrix, extra: number): InteractionMatrix {
  const rows: number[] = [];
  const cols: number[] = [];
  for (let u = 0; u < matrix.rows; u++) {
    for (const i of rowIndices(matrix, u)) {
      rows.push(u);
      cols.push(i);
    }
  }
  return buildInteractionMatrix({ rows: matrix.rows, cols: matrix.cols + extra }, { rows, cols, confidence: rows.map(() => 1) });
}

describe("supportedItems", () => {
  it("keeps items with at least minSupport users, the best supported first under the cap (ties: lower index)", () => {
    expect(Array.from(itemSupport(fixture))).toEqual([2, 2, 2, 1]);
    expect(supportedItems(fixture, { minSupport: 1, maxItems: 10 })).toBeNull();
    expect(Array.from(supportedItems(fixture, { minSupport: 2, maxItems: 10 })!)).toEqual([0, 1, 2]);
    expect(Array.from(supportedItems(fixture, { minSupport: 1, maxItems: 2 })!)).toEqual([0, 1]);
    expect(Array.from(supportedItems(fixture, { minSupport: 3, maxItems: 10 })!)).toEqual([]);
    // Items nobody interacted with are never fitted, whatever the threshold.
    expect(Array.from(supportedItems(withEmptyItems(fixture, 1), { minSupport: 0, maxItems: 10 })!)).toEqual([0, 1, 2, 3]);
  });
});

describe("Ease over the supported items", () => {
  it("equals the 2-item closed form on the items it keeps and leaves the others unscored", () => {
    const ease = new Ease({ lambda: 1, maxItems: 2 });
    ease.fit(fixture);
    expect(ease.fittedItemCount).toBe(2);
    expect(Array.from(ease.itemCoverage!)).toEqual([1, 1, 0, 0]);
    const u1 = ease.scoreItems(1);
    expect(u1[0]).toBe(0);
    expect(u1[1]).toBeCloseTo(1 / 3, 6);
    expect(u1[2]).toBe(0);
    expect(u1[3]).toBe(0);
    // u0's item 2 is not fitted, so it adds nothing: history {0, 1} → B₁₀ + B₀₁ on each side.
    expect(Array.from(ease.scoreItems(0)).map((s) => Number(s.toFixed(6)))).toEqual([0.333333, 0.333333, 0, 0]);
    expect(ease.recommend(1, 4, [0])).toEqual([{ index: 1, score: u1[1] }]);
    expect(ease.recommend(3, 4).map((r) => r.index)).toEqual([0, 1]);
    expect(ease.similarItems(0, 3)).toEqual([{ index: 1, score: u1[1] }]);
    expect(ease.similarItems(2, 3)).toEqual([]);
  });

  it("is the full closed form when every item is supported, and equals it on the supported items when some are not", () => {
    const matrix = twoBlockMatrix();
    const full = new Ease({ lambda: 2 });
    full.fit(matrix);
    expect(full.itemCoverage).toBeNull();
    expect(full.fittedItemCount).toBe(matrix.cols);

    const padded = withEmptyItems(matrix, 3);
    const restricted = new Ease({ lambda: 2, minSupport: 1 });
    restricted.fit(padded);
    expect(restricted.fittedItemCount).toBe(matrix.cols);
    expect(Array.from(restricted.itemCoverage!)).toEqual([...Array.from({ length: matrix.cols }, () => 1), 0, 0, 0]);
    for (const u of [0, 7, 13]) {
      const expected = full.scoreItems(u);
      const scores = restricted.scoreItems(u);
      expected.forEach((s, i) => {
        expect(scores[i]).toBeCloseTo(s, 6);
      });
      expect(Array.from(scores.subarray(matrix.cols))).toEqual([0, 0, 0]);
      expect(restricted.recommend(u, 30).every((r) => r.index < matrix.cols)).toBe(true);
    }
  });

  it("round-trips its item set through the saved form", () => {
    const ease = createRecommender({ model: "ease", options: { lambda: 1, maxItems: 2 } });
    ease.fit(fixture);
    const loaded = loadRecommender(ease.save());
    expect(Array.from(loaded.itemCoverage!)).toEqual([1, 1, 0, 0]);
    for (const u of [0, 1, 3]) expect(Array.from(loaded.scoreItems(u))).toEqual(Array.from(ease.scoreItems(u)));
    expect(loaded.recommend(1, 4)).toEqual(ease.recommend(1, 4));
    expect(loaded.similarItems(1, 3)).toEqual(ease.similarItems(1, 3));
  });
});

describe("ScoreBlend over parts with different item coverage", () => {
  it("scores an item a part leaves out from the other parts' weighted scores", () => {
    const ease = new Ease({ lambda: 1, maxItems: 2 });
    const popularity = new Popularity();
    const blend = new ScoreBlend([
      { model: ease, weight: 0.75 },
      { model: popularity, weight: 0.25 },
    ]);
    blend.fit(fixture);
    expect(blend.itemCoverage).toBeNull();
    const pop = popularity.scoreItems(1);
    const scores = blend.scoreItems(1);
    expect(scores[1]).toBeCloseTo(0.75 / 3 + 0.25 * pop[1]!, 6);
    expect(scores[2]).toBeCloseTo(0.25 * pop[2]!, 6);
    expect(scores[3]).toBeCloseTo(0.25 * pop[3]!, 6);
    expect(blend.recommend(1, 4, [0]).map((r) => r.index)).toContain(3);
  });

  it("never recommends an item no part covers, and covers the union of its parts", () => {
    const narrow = new Ease({ lambda: 1, maxItems: 1 });
    const wide = new Ease({ lambda: 1, maxItems: 3 });
    const blend = new ScoreBlend([
      { model: narrow, weight: 0.5 },
      { model: wide, weight: 0.5 },
    ]);
    blend.fit(fixture);
    expect(Array.from(narrow.itemCoverage!)).toEqual([1, 0, 0, 0]);
    expect(Array.from(blend.itemCoverage!)).toEqual([1, 1, 1, 0]);
    for (let u = 0; u < fixture.rows; u++) expect(blend.recommend(u, 4).map((r) => r.index)).not.toContain(3);
    const saved = loadRecommender(blend.save());
    expect(Array.from(saved.itemCoverage!)).toEqual([1, 1, 1, 0]);
    expect(saved.recommend(3, 4)).toEqual(blend.recommend(3, 4));
  });

  it("is served as a factorised blend with restricted EASE (the form train exports)", () => {
    const matrix = withEmptyItems(twoBlockMatrix(), 4);
    const served = createRecommender({
      model: "factorized",
      source: {
        model: "blend",
        parts: [
          { model: "ease", options: { lambda: 1, maxItems: 12 } },
          { model: "implicit-als", options: { factors: 4, iterations: 10, regularization: 0.1, seed: 3 } },
        ],
        weights: [0.7, 0.3],
      },
      options: { rank: 4, seed: 3 },
    });
    served.fit(matrix);
    const factors = served.factors!;
    expect(factors.items).toHaveLength(matrix.cols * 4);
    expect([...factors.users, ...factors.items].every(Number.isFinite)).toBe(true);
    for (const rec of served.recommend(2, 4, rowIndices(matrix, 2))) expect(blockOf(rec.index)).toBe(0);
    // EASE keeps items 0–11 (ties of support go to lower indices); ALS carries block 1's other items.
    const block1 = served.recommend(15, 4, rowIndices(matrix, 15));
    for (const rec of block1) expect(blockOf(rec.index)).toBe(1);
    expect(block1.some((rec) => rec.index >= 12)).toBe(true);
  });
});

describe("EASE support thresholds in the tuning plan", () => {
  it("fits a catalogue whole when it fits, else tries the thresholds that keep distinct item sets", () => {
    expect(easeSupportThresholds(fixture, [1, 2, 3], 4)).toEqual([1]);
    // Over a cap of 3: threshold 1 keeps the best 3 of 4, 2 keeps the same 3 (dropped), 3 keeps none (dropped).
    expect(easeSupportThresholds(fixture, [1, 2, 3], 3)).toEqual([1]);
    // Over a cap of 2: 1 keeps {0, 1}; 2 keeps the same two.
    const wide = withEmptyItems(fixture, 2);
    expect(easeSupportThresholds(wide, [1, 2], 3)).toEqual([1]);
    expect(easeSupportThresholds(fixture, [1, 2], 10)).toEqual([1]);
    const skewed = binary({ rows: 4, cols: 5 }, [
      [0, 0],
      [1, 0],
      [2, 0],
      [0, 1],
      [1, 1],
      [0, 2],
      [1, 2],
      [0, 3],
      [3, 4],
    ]);
    // Support [3, 2, 2, 1, 1], cap 4: 1 → {0, 1, 2, 3}, 2 → {0, 1, 2}, 3 → {0}, 4 → none.
    expect(easeSupportThresholds(skewed, [4, 3, 2, 1], 4)).toEqual([1, 2, 3]);
  });

  it("runs the λ grid at the lowest threshold and the higher thresholds at the middle λ, then completes the winner's λ grid", () => {
    const skewed = binary({ rows: 3, cols: 3 }, [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [2, 2],
    ]);
    const options = { easeMaxItems: 2, grids: { ease: [{ lambda: 1 }, { lambda: 2 }, { lambda: 4 }], easeMinSupport: [1, 2] } };
    const base = easeBaseTrials(skewed, options as never);
    expect(base.map((e) => e.spec)).toEqual([
      { model: "ease", options: { lambda: 1, maxItems: 2 } },
      { model: "ease", options: { lambda: 2, maxItems: 2 } },
      { model: "ease", options: { lambda: 4, maxItems: 2 } },
    ]);
    const over = binary({ rows: 3, cols: 4 }, [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [2, 2],
      [2, 3],
    ]);
    const staged = easeBaseTrials(over, { ...options, easeMaxItems: 3 } as never);
    expect(staged.map((e) => e.spec)).toEqual([
      { model: "ease", options: { lambda: 1, maxItems: 3 } },
      { model: "ease", options: { lambda: 2, maxItems: 3 } },
      { model: "ease", options: { lambda: 4, maxItems: 3 } },
      { model: "ease", options: { lambda: 2, maxItems: 3, minSupport: 2 } },
    ]);
    expect(easeFollowUpTrials(staged[3]!, staged, { ...options, easeMaxItems: 3 } as never).map((e) => e.spec)).toEqual([
      { model: "ease", options: { lambda: 1, maxItems: 3, minSupport: 2 } },
      { model: "ease", options: { lambda: 4, maxItems: 3, minSupport: 2 } },
    ]);
    expect(easeFollowUpTrials(staged[0]!, staged, { ...options, easeMaxItems: 3 } as never)).toEqual([]);
  });
});
