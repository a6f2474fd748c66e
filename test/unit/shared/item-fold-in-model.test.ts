/** The item fold-in model: trained norm statistics, norm calibration and the transposed fold-in, checked by hand. */
import { describe, expect, it } from "vitest";
import { buildItemFoldInModel, calibrateItemNorm, foldInItemVector, targetItemNorm } from "../../../shared/realtime/item-fold-in-model";

// Items (2-d): A has norms 1, 3, 5 (median 3); B has norms 2 and 4 (median 3) and one zero (untrained) vector.
const itemFactors = [1, 0, 0, 3, 3, 4, 2, 0, 0, 4, 0, 0];
const itemCategories = ["A", "A", "A", "B", "B", "B"];
const userFactors = [1, 0, 0, 2];

const model = buildItemFoldInModel({
  modelVersion: "v1",
  dimensions: 2,
  itemFactors,
  itemCategories,
  userFactors,
  regularization: 1,
  alpha: 2,
})!;

describe("buildItemFoldInModel", () => {
  it("records the median norm of the trained items, overall and per category, and XᵀX", () => {
    // Overall norms 1, 3, 5, 2, 4 → median 3; B's untrained item is left out.
    expect(model.norms).toEqual({ overall: 3, categories: { A: 3, B: 3 } });
    expect(model.gram).toEqual([1, 0, 0, 4]);
    expect(model).toMatchObject({ modelVersion: "v1", dimensions: 2, regularization: 1, alpha: 2 });
  });

  it("is null without a trained item", () => {
    expect(
      buildItemFoldInModel({
        modelVersion: "v",
        dimensions: 2,
        itemFactors: [0, 0],
        itemCategories: ["A"],
        userFactors,
        regularization: 1,
        alpha: 1,
      }),
    ).toBeNull();
  });
});

describe("calibrateItemNorm", () => {
  const norms = { norms: { overall: 10, categories: { Drama: 2 } } };
  it("scales to the category's median, else the overall median, keeping the direction", () => {
    const drama = calibrateItemNorm([3, 4], norms, "Drama");
    expect(drama[0]).toBeCloseTo(1.2, 12);
    expect(drama[1]).toBeCloseTo(1.6, 12);
    expect(calibrateItemNorm([3, 4], norms, "Western")).toEqual([6, 8]);
    expect(targetItemNorm(norms, undefined)).toBe(10);
    expect(calibrateItemNorm([0, 0], norms, "Drama")).toEqual([0, 0]);
  });
});

describe("foldInItemVector", () => {
  it("solves the ALS item half-step against the interacting users' vectors", () => {
    // One click (c = 1 + 2·1 = 3) from user (0, 2): A = XᵀX + 2·xxᵀ + I = diag(2, 13), b = 3·(0, 2) → y = (0, 6/13).
    const y = foldInItemVector(model, [{ vector: [0, 2], weight: 1 }])!;
    expect(y[0]).toBeCloseTo(0, 12);
    expect(y[1]).toBeCloseTo(6 / 13, 12);
    expect(foldInItemVector(model, [{ vector: [0, 2], weight: -1 }])).toBeNull();
  });
});
