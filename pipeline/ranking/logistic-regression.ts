/**
 * L2-regularised logistic regression trained by deterministic mini-batch gradient descent.
 * Features are standardised internally (zero mean, unit variance) for stable steps, then the
 * standardisation is folded into the returned weights, so callers score raw rows directly:
 * w·((x − μ)/σ) + b = (w/σ)·x + (b − Σ w μ/σ).
 */
import { createRng } from "../../shared/math/random";
import { sigmoid } from "../../shared/math/vector";

/** Options of {@link fitLogisticRegression}. */
export interface LogisticRegressionOptions {
  /** L2 penalty on the (standardised) weights, not on the bias. */
  l2: number;
  learningRate: number;
  epochs: number;
  batchSize: number;
  /** Seeds the per-epoch shuffle. */
  seed: number;
}

/** Defaults that converge on standardised features in a few thousand steps. */
export const LOGISTIC_REGRESSION_DEFAULTS = {
  l2: 1e-4,
  learningRate: 0.5,
  epochs: 40,
  batchSize: 256,
  seed: 42,
} as const satisfies LogisticRegressionOptions;

/** A fitted model: `weights`/`bias` apply to raw rows; the rest documents the internal space. */
export interface LogisticRegressionFit {
  /** Weights on raw (unstandardised) features. */
  weights: number[];
  bias: number;
  /** Per-feature mean and standard deviation used internally (σ = 0 for constant features). */
  mean: number[];
  std: number[];
  /** Weights and bias in the standardised space. */
  standardizedWeights: number[];
  standardizedBias: number;
  /** Mean log-loss (plus L2 term) on the training rows after each epoch. */
  lossHistory: number[];
}

/** Fits P(label = 1 | row) = σ(w·row + b) on `rows` (equal length) and 0/1 `labels`. */
export function fitLogisticRegression(
  rows: readonly ArrayLike<number>[],
  labels: ArrayLike<number>,
  options: Partial<LogisticRegressionOptions> = {},
): LogisticRegressionFit {
  const opts = { ...LOGISTIC_REGRESSION_DEFAULTS, ...options } satisfies LogisticRegressionOptions;
  const n = rows.length;
  if (n === 0) throw new RangeError("logistic regression needs at least one row");
  if (labels.length !== n) throw new RangeError(`${n} rows but ${labels.length} labels`);
  const f = rows[0]!.length;
  const { mean, std } = standardization(rows, f);
  const x = new Float64Array(n * f);
  for (let i = 0; i < n; i++) {
    const row = rows[i]!;
    if (row.length !== f) throw new RangeError(`row ${i} has ${row.length} features, expected ${f}`);
    for (let j = 0; j < f; j++) x[i * f + j] = std[j]! > 0 ? (row[j]! - mean[j]!) / std[j]! : 0;
  }
  const w = new Float64Array(f);
  let b = 0;
  const gradient = new Float64Array(f);
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = createRng(opts.seed);
  const lossHistory: number[] = [];
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    rng.shuffle(order);
    for (let start = 0; start < n; start += opts.batchSize) {
      const end = Math.min(n, start + opts.batchSize);
      gradient.fill(0);
      let gradientBias = 0;
      for (let t = start; t < end; t++) {
        const i = order[t]!;
        let z = b;
        for (let j = 0; j < f; j++) z += w[j]! * x[i * f + j]!;
        const error = sigmoid(z) - labels[i]!;
        for (let j = 0; j < f; j++) gradient[j]! += error * x[i * f + j]!;
        gradientBias += error;
      }
      const size = end - start;
      for (let j = 0; j < f; j++) w[j]! -= opts.learningRate * (gradient[j]! / size + opts.l2 * w[j]!);
      b -= (opts.learningRate * gradientBias) / size;
    }
    lossHistory.push(meanLoss(x, labels, w, b, f, opts.l2));
  }
  const weights = Array.from(w, (wj, j) => (std[j]! > 0 ? wj / std[j]! : 0));
  let bias = b;
  for (let j = 0; j < f; j++) if (std[j]! > 0) bias -= (w[j]! * mean[j]!) / std[j]!;
  return {
    weights,
    bias,
    mean,
    std,
    standardizedWeights: Array.from(w),
    standardizedBias: b,
    lossHistory,
  };
}

function standardization(rows: readonly ArrayLike<number>[], f: number): { mean: number[]; std: number[] } {
  const mean = new Array<number>(f).fill(0);
  const variance = new Array<number>(f).fill(0);
  for (const row of rows) for (let j = 0; j < f; j++) mean[j]! += row[j]!;
  for (let j = 0; j < f; j++) mean[j]! /= rows.length;
  for (const row of rows) for (let j = 0; j < f; j++) variance[j]! += (row[j]! - mean[j]!) ** 2;
  const std = variance.map((v) => {
    const s = Math.sqrt(v / rows.length);
    return s > 1e-12 ? s : 0;
  });
  return { mean, std };
}

function meanLoss(x: Float64Array, labels: ArrayLike<number>, w: Float64Array, b: number, f: number, l2: number): number {
  const n = labels.length;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    let z = b;
    for (let j = 0; j < f; j++) z += w[j]! * x[i * f + j]!;
    const p = Math.min(1 - 1e-12, Math.max(1e-12, sigmoid(z)));
    loss -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  let penalty = 0;
  for (let j = 0; j < f; j++) penalty += w[j]! * w[j]!;
  return loss / n + (l2 / 2) * penalty;
}
