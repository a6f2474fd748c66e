import { describe, expect, it } from "vitest";
import { createRng } from "../../../shared/math/random";
import { fitLogisticRegression } from "../../../pipeline/ranking/logistic-regression";
import { sigmoid } from "../../../shared/math/vector";

/** Separable fixture on very different scales: label = 1 iff x0 + (x1 − 1000) / 100 > 1; x2 constant. */
function separableFixture(n: number) {
  const rng = createRng(23);
  const rows: number[][] = [];
  const labels: number[] = [];
  while (rows.length < n) {
    const x0 = rng.next() * 2;
    const x1 = 1000 + rng.next() * 200;
    const margin = x0 + (x1 - 1000) / 100 - 1;
    if (Math.abs(margin) < 0.1) continue;
    rows.push([x0, x1, 7]);
    labels.push(margin > 0 ? 1 : 0);
  }
  return { rows, labels };
}

describe("fitLogisticRegression", () => {
  const { rows, labels } = separableFixture(400);
  const fit = fitLogisticRegression(rows, labels, { epochs: 200, l2: 0, seed: 5 });
  const rawScore = (row: number[]) => sigmoid(fit.bias + row.reduce((z, x, j) => z + fit.weights[j]! * x, 0));

  it("separates a linearly separable fixture", () => {
    const correct = rows.filter((row, i) => (rawScore(row) > 0.5 ? 1 : 0) === labels[i]).length;
    expect(correct).toBe(rows.length);
    expect(fit.lossHistory.at(-1)!).toBeLessThan(fit.lossHistory[0]!);
  });

  it("learns the direction of the true boundary", () => {
    expect(fit.weights[0]!).toBeGreaterThan(0);
    expect(fit.weights[1]! / fit.weights[0]!).toBeCloseTo(1 / 100, 2);
    expect(fit.weights[2]).toBe(0);
  });

  it("folds the standardisation into raw-space weights", () => {
    for (const row of rows.slice(0, 50)) {
      let z = fit.standardizedBias;
      row.forEach((x, j) => {
        if (fit.std[j]! > 0) z += fit.standardizedWeights[j]! * ((x - fit.mean[j]!) / fit.std[j]!);
      });
      expect(rawScore(row)).toBeCloseTo(sigmoid(z), 10);
    }
  });

  it("is deterministic for a seed and validates its input", () => {
    expect(fitLogisticRegression(rows, labels, { epochs: 200, l2: 0, seed: 5 })).toEqual(fit);
    expect(() => fitLogisticRegression([], [])).toThrow(RangeError);
    expect(() => fitLogisticRegression([[1, 2]], [1, 0])).toThrow(/labels/);
  });
});
