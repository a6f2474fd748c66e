import { describe, expect, it } from "vitest";
import { calibrateFoldIn, foldInFidelity } from "../../../pipeline/export/fold-in-calibration";
import { Ease } from "../../../pipeline/models/ease";
import { FactorizedRecommender } from "../../../pipeline/models/factorized-recommender";
import { ImplicitAls } from "../../../pipeline/models/implicit-als";
import { ScoreBlend } from "../../../pipeline/models/score-blend";
import { twoBlockMatrix } from "./block-fixture";

describe("fold-in calibration", () => {
  const matrix = twoBlockMatrix();

  it("with ALS's own λ and α, the edge's fold-in reproduces the trained user vectors", () => {
    const als = new ImplicitAls({ factors: 4, regularization: 0.5, alpha: 2, iterations: 15, cgSteps: 4, seed: 23 });
    als.fit(matrix);
    const fit = foldInFidelity(als.factors!, matrix, { regularization: 0.5, alpha: 2 });
    expect(fit.users).toBe(20);
    expect(fit.meanCosine).toBeGreaterThan(0.99);
    expect(fit.meanRelativeError).toBeLessThan(0.1);
  });

  it("picks λ and α that make fold-in point where a factorised blend's user vectors point", () => {
    const blend = new ScoreBlend([
      { model: new Ease({ lambda: 1 }), weight: 0.5 },
      { model: new ImplicitAls({ factors: 2, regularization: 0.1, seed: 23 }), weight: 0.5 },
    ]);
    const factorized = new FactorizedRecommender(blend, { rank: 4 });
    factorized.fit(matrix);
    const fit = calibrateFoldIn(factorized.factors!, matrix, { regularizationScales: [0.01, 0.1, 1], alphas: [0, 2] });
    expect([0, 2]).toContain(fit.alpha);
    expect(fit.meanCosine).toBeGreaterThan(0.9);
    const worse = foldInFidelity(factorized.factors!, matrix, { regularization: fit.regularization * 1000, alpha: 0 });
    expect(worse.meanRelativeError).toBeGreaterThan(fit.meanRelativeError);
  });
});
