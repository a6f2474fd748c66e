/**
 * The light ranker's scorer pinned against hand-computed values: `scoreLinear` is
 * sigmoid(bias + Σ wᵢ·xᵢ), with no normalisation of the row. Many workerd tests use the light ranker
 * as their oracle; this test (and test/workers/light-ranker.test.ts, for the ranker around it in
 * workerd) is the oracle's own check.
 *
 * The expected numbers come from the formula by hand (z first, then 1 / (1 + e^−z), with e^−z from
 * a table of the exponential), never from the code under test.
 */
import { describe, expect, it } from "vitest";
import { scoreLinear, type LinearRankerModel } from "../../../shared/ranking/linear-ranker";

/** Three features, weights [2, −1, 0.5], bias −0.5. */
const tiny: LinearRankerModel = {
  kind: "logistic",
  weights: [2, -1, 0.5],
  bias: -0.5,
  featureNames: ["a", "b", "c"],
  featureSpecHash: "tiny",
  modelVersion: "tiny-1",
};

describe("scoreLinear", () => {
  it("is the sigmoid of bias plus the weighted sum", () => {
    // z = −0.5 + 2·1 − 1·2 + 0.5·4 = −0.5 + 2 − 2 + 2 = 1.5
    // e^−1.5 = 0.22313016014842982 → 1 / 1.22313016014842982 = 0.8175744761936437
    expect(scoreLinear(tiny, [1, 2, 4])).toBeCloseTo(0.8175744761936437, 12);
  });

  it("scores the all-zero row as sigmoid(bias)", () => {
    // z = −0.5; e^0.5 = 1.6487212707001282 → 1 / 2.6487212707001282 = 0.3775406687981454
    expect(scoreLinear(tiny, [0, 0, 0])).toBeCloseTo(0.3775406687981454, 12);
  });

  it("scores exactly 0.5 where the weighted sum cancels the bias", () => {
    // z = −0.5 + 2·0.25 = 0 → 1 / (1 + 1) = 0.5
    expect(scoreLinear(tiny, [0.25, 0, 0])).toBe(0.5);
    // z = −0.5 + 2·1 − 1·3 + 0.5·2 = −0.5 + 2 − 3 + 1 = −0.5 → 0.3775406687981454 (as the zero row)
    expect(scoreLinear(tiny, [1, 3, 2])).toBeCloseTo(0.3775406687981454, 12);
  });

  it("does not normalise the row: scaling the features changes the score", () => {
    // [1, 0, 0]: z = −0.5 + 2 = 1.5 → 0.8175744761936437 (as above); doubled, [2, 0, 0]: z = −0.5 + 4 = 3.5
    // e^−3.5 = 0.0301973834223185 → 1 / 1.0301973834223185 = 0.9706877692486436
    expect(scoreLinear(tiny, [2, 0, 0])).toBeCloseTo(0.9706877692486436, 12);
    expect(scoreLinear(tiny, [1, 0, 0])).toBeCloseTo(0.8175744761936437, 12);
  });

  it("is symmetric around 0.5 and stays inside (0, 1)", () => {
    // z = −0.5 − 1·2.5 = −3 and z = −0.5 + 2·1.75 = 3: e^−3 = 0.049787068367863944
    // → sigmoid(3) = 1 / 1.049787068367864 = 0.9525741268224334, sigmoid(−3) = 1 − that = 0.04742587317756678
    const low = scoreLinear(tiny, [0, 2.5, 0]);
    const high = scoreLinear(tiny, [1.75, 0, 0]);
    expect(high).toBeCloseTo(0.9525741268224334, 12);
    expect(low).toBeCloseTo(0.04742587317756678, 12);
    expect(low + high).toBeCloseTo(1, 12);
  });
});
