/**
 * The trained MLP ranker: it learns an XOR pattern that logistic regression cannot, is reproducible
 * from its seed, folds its standardisation into the first layer without changing a score, combines
 * its heads exactly as combineObjectives does, and stops early on held-out rows.
 */
import { describe, expect, it } from "vitest";
import { type MlpRankerModel, scoreMlp, scoreMlpHeads } from "../../../pipeline/export/onnx-mlp-ranker";
import { RankerTrainingDataError } from "../../../pipeline/ranking/fit-linear-ranker";
import { fitMlpRanker, foldStandardization } from "../../../pipeline/ranking/fit-mlp-ranker";
import { fitLogisticRegression } from "../../../pipeline/ranking/logistic-regression";
import { createRng } from "../../../shared/math/random";
import { rocAuc } from "../../../shared/metrics/roc-auc";
import { combineObjectives } from "../../../shared/ranking/ranking-objectives";
import { scoreLinear } from "../../../shared/ranking/linear-ranker";

const xorSpec = { featureNames: ["x1", "x2", "noise"], featureSpecHash: "xor-test" };

/** Label 1 when x1 and x2 share a sign (5 % flipped), features offset and scaled so standardisation matters. */
function xorData(count: number, seed: number) {
  const rng = createRng(seed);
  const rows: number[][] = [];
  const click = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const x1 = rng.next() * 2 - 1;
    const x2 = rng.next() * 2 - 1;
    rows.push([10 + 5 * x1, x2 / 100, rng.normal()]);
    click[i] = x1 * x2 > 0 !== rng.next() < 0.05 ? 1 : 0;
  }
  return { rows, targets: { click } };
}

describe("fitMlpRanker", () => {
  it("learns XOR, which logistic regression cannot", () => {
    const train = xorData(4000, 1);
    const test = xorData(1000, 2);
    const fit = fitMlpRanker(train, { ...xorSpec, hidden: [16, 8], seed: 3 });
    const mlpAuc = rocAuc(
      test.rows.map((row) => scoreMlp(fit.model, row)),
      test.targets.click,
    );
    const logistic = fitLogisticRegression(train.rows, train.targets.click);
    const linear = { kind: "logistic", weights: logistic.weights, bias: logistic.bias, ...xorSpec, modelVersion: "t" } as const;
    const logisticAuc = rocAuc(
      test.rows.map((row) => scoreLinear(linear, row)),
      test.targets.click,
    );
    expect(logisticAuc).toBeLessThan(0.6);
    expect(mlpAuc).toBeGreaterThan(0.9);
  });

  it("gives the same model for the same seed and another for another seed", () => {
    const data = xorData(600, 4);
    const options = { ...xorSpec, hidden: [8], maxEpochs: 4, seed: 9 };
    const a = fitMlpRanker(data, options);
    expect(fitMlpRanker(data, options)).toEqual(a);
    expect(fitMlpRanker(data, { ...options, seed: 10 }).model.layers[0]!.weights).not.toEqual(a.model.layers[0]!.weights);
  });

  it("scores raw rows exactly as the unfolded network scores standardised rows", () => {
    const data = xorData(800, 5);
    const fit = fitMlpRanker(data, { ...xorSpec, hidden: [8, 4], maxEpochs: 5 });
    const standardise = (row: number[]) => row.map((v, j) => (fit.std[j]! > 0 ? (v - fit.mean[j]!) / fit.std[j]! : 0));
    expect(fit.mean[0]).toBeCloseTo(10, 0);
    for (const row of data.rows.slice(0, 50)) {
      expect(scoreMlp(fit.model, row)).toBeCloseTo(scoreMlp(fit.standardizedModel, standardise(row)), 6);
    }
  });

  it("folds a first layer by hand: W/σ and b − Σ W μ/σ, a constant feature dropped", () => {
    // 3 inputs (the last constant: σ = 0) → 2 outputs; weights row-major [input][output].
    const layer = foldStandardization([1, 2, 3, 4, 5, 6], [0.5, -0.5], 2, [10, -1, 7], [2, 0.5, 0]);
    expect(layer.weights).toEqual([0.5, 1, 6, 8, 0, 0]);
    expect(layer.bias).toEqual([0.5 - 5 + 6, -0.5 - 10 + 8]);
  });

  it("combines its heads as combineObjectives does", () => {
    // 2 features → 2 hidden (ReLU) → 2 heads, worked by hand for the row [1, 2]:
    // hidden = relu([1·1 + 2·0 + 0, 1·(−1) + 2·1 − 3]) = [1, 0]; logits = [1·2 + 0.5, 1·(−1) + 0] = [2.5, −1].
    const model: MlpRankerModel = {
      kind: "mlp",
      layers: [
        { inputs: 2, outputs: 2, weights: [1, -1, 0, 1], bias: [0, -3] },
        { inputs: 2, outputs: 2, weights: [2, -1, 7, 7], bias: [0.5, 0] },
      ],
      heads: [
        { objective: "click", weight: 1 },
        { objective: "purchase", weight: 4 },
      ],
      featureNames: ["a", "b"],
      featureSpecHash: "hand",
      modelVersion: "hand",
    };
    const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
    expect(scoreMlpHeads(model, [1, 2])).toEqual([sigmoid(2.5), sigmoid(-1)]);
    expect(scoreMlp(model, [1, 2])).toBeCloseTo((sigmoid(2.5) + 4 * sigmoid(-1)) / 5, 12);
    expect(scoreMlp(model, [1, 2])).toBeCloseTo(combineObjectives({ click: sigmoid(2.5), purchase: sigmoid(-1) }), 12);
  });

  it("trains one head per objective present, in objective order, with the configured weights", () => {
    const { rows, targets } = xorData(1000, 6);
    const engage = targets.click.map((label, i) => (label === 1 && rows[i]![2]! > 0 ? 1 : 0));
    const fit = fitMlpRanker({ rows, targets: { engage, click: targets.click } }, { ...xorSpec, hidden: [8], maxEpochs: 3 });
    expect(fit.objectives).toEqual(["click", "engage"]);
    expect(fit.model.heads).toEqual([
      { objective: "click", weight: 1 },
      { objective: "engage", weight: 2 },
    ]);
    expect(fit.model.layers.at(-1)!.outputs).toBe(2);
    expect(Object.keys(fit.loss.validation)).toEqual(["click", "engage"]);
  });

  it("stops when held-out loss stops falling and keeps the best epoch's weights", () => {
    // Pure noise labels: nothing generalises, so the held-out loss rises after the first epochs.
    const rng = createRng(8);
    const rows = Array.from({ length: 1500 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    const click = Float32Array.from(rows, () => (rng.next() < 0.3 ? 1 : 0));
    const fit = fitMlpRanker(
      { rows, targets: { click } },
      { ...xorSpec, hidden: [32, 32], maxEpochs: 40, patience: 2, learningRate: 0.01 },
    );
    expect(fit.epochs).toBeLessThan(40);
    expect(fit.epochs).toBe(fit.bestEpoch + 2);
    const best = Math.min(...fit.history.map((epoch) => epoch.validation.click!));
    expect(fit.loss.validation.click).toBe(best);
    expect(fit.rows.train + fit.rows.validation).toBe(1500);
  });

  it("holds out whole groups when given group ids", () => {
    const { rows, targets } = xorData(2000, 7);
    const groups = rows.map((_, i) => i % 50);
    const fit = fitMlpRanker({ rows, targets, groups }, { ...xorSpec, hidden: [4], maxEpochs: 1, validationShare: 0.2 });
    expect(fit.rows.validation % 40).toBe(0); // 40 rows per group
    expect(fit.rows.validation).toBeGreaterThan(0);
  });

  it("refuses data it cannot learn from", () => {
    const rows = [
      [0, 0, 0],
      [1, 1, 1],
    ];
    expect(() => fitMlpRanker({ rows, targets: {} }, xorSpec)).toThrow(RankerTrainingDataError);
    expect(() => fitMlpRanker({ rows, targets: { click: [1, 1] } }, { ...xorSpec, validationShare: 0 })).toThrow(/"click" head needs both/);
    expect(() => fitMlpRanker({ rows: [[0, 0]], targets: { click: [1] } }, xorSpec)).toThrow(/row 0 has 2 features, expected 3/);
    expect(() => fitMlpRanker({ rows, targets: { click: [1, 2] } }, xorSpec)).toThrow(/not 0 or 1/);
  });
});
