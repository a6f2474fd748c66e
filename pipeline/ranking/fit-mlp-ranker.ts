/**
 * Fits the multi-objective MLP ranker: a shared ReLU trunk and one logistic head per objective the
 * data has (click, engage, purchase: shared/ranking/ranking-objectives.ts), trained on the binary
 * cross-entropy summed over heads, each row counted with its sample weight (e.g. an inverse
 * propensity). Adam on seeded minibatches, L2 on the weights, early stopping on a seeded held-out
 * share of rows (or of groups, e.g. users) keeping the best epoch's weights. Features are
 * standardised internally and the standardisation is folded into the first layer at the end, so the
 * returned model scores raw `buildFeatureRow` rows like the logistic ranker:
 * W·((x − μ)/σ) + b = (W/σ)·x + (b − Σ W μ/σ).
 */
import { FEATURE_SPEC } from "../../shared/features/feature-spec";
import { createRng } from "../../shared/math/random";
import { DEFAULT_OBJECTIVE_WEIGHTS, RANKING_OBJECTIVES, type RankingObjective } from "../../shared/ranking/ranking-objectives";
import type { DenseLayer, MlpRankerModel } from "../export/onnx-mlp-ranker";
import { RankerTrainingDataError } from "./fit-linear-ranker";

/** What the MLP ranker learns from: raw feature rows and, per objective the data has, a 0/1 label per row. */
export interface MlpTrainingData {
  /** Raw feature rows, all of `featureNames.length` values (FEATURE_SPEC order by default). */
  rows: readonly ArrayLike<number>[];
  /** 0/1 per row for each objective present; an objective the dataset lacks is absent (no head). */
  targets: Partial<Record<RankingObjective, ArrayLike<number>>>;
  /** Non-negative weight per row in the loss (e.g. inverse propensity); default 1 for every row. */
  sampleWeights?: ArrayLike<number>;
  /** Group per row (e.g. the user): with it, the validation share holds out whole groups, not rows. */
  groups?: ArrayLike<number | string>;
}

/** Options of {@link fitMlpRanker}. */
export interface FitMlpRankerOptions {
  /** Hidden layer widths of the shared trunk. */
  hidden: number[];
  /** Adam step size. */
  learningRate: number;
  batchSize: number;
  /** Most passes over the training rows. */
  maxEpochs: number;
  /** Stop after this many epochs without a lower validation loss (the best epoch's weights are kept). */
  patience: number;
  /** L2 penalty on the weights (standardised space), not on the biases. */
  l2: number;
  /** Share of rows (or groups) held out for early stopping; 0 trains on everything for `maxEpochs`. */
  validationShare: number;
  /** Seeds the initial weights, the validation split and the per-epoch shuffle. */
  seed: number;
  /** Business weight of each objective in the combined score (recorded in the model's heads). */
  objectiveWeights: Readonly<Record<RankingObjective, number>>;
  featureNames: readonly string[];
  featureSpecHash: string;
  modelVersion: string;
}

/** Defaults: a 64 → 32 trunk, Adam at 3e-3 on 256-row batches, up to 30 epochs, patience 3, 10 % held out. */
export const FIT_MLP_RANKER_DEFAULTS = {
  hidden: [64, 32],
  learningRate: 3e-3,
  batchSize: 256,
  maxEpochs: 30,
  patience: 3,
  l2: 1e-5,
  validationShare: 0.1,
  seed: 42,
  objectiveWeights: DEFAULT_OBJECTIVE_WEIGHTS,
  featureNames: FEATURE_SPEC.names,
  featureSpecHash: FEATURE_SPEC.hash,
  modelVersion: "unversioned",
} as const satisfies FitMlpRankerOptions;

/** Mean weighted cross-entropy per head. */
export type HeadLosses = Partial<Record<RankingObjective, number>>;

/** One epoch of training: the running training loss of its minibatches and the held-out loss after it. */
export interface MlpEpochLoss {
  epoch: number;
  train: HeadLosses;
  /** Empty when nothing is held out. */
  validation: HeadLosses;
}

/** The fitted model and how the fit went. */
export interface MlpRankerFit {
  /** Scores raw rows (the standardisation folded into the first layer). */
  model: MlpRankerModel;
  /** The same network on standardised rows ((x − mean) / std, 0 where std = 0): the unfolded first layer. */
  standardizedModel: MlpRankerModel;
  /** Per-feature mean and standard deviation of the training rows (std 0 for a constant feature). */
  mean: number[];
  std: number[];
  /** The heads, in output order: the objectives present in the data, in `RANKING_OBJECTIVES` order. */
  objectives: RankingObjective[];
  rows: { train: number; validation: number };
  /** Training rows labelled 1, per head. */
  positives: HeadLosses;
  /** Epochs run. */
  epochs: number;
  /** The epoch (1-based) whose weights were kept. */
  bestEpoch: number;
  /** Losses of the kept epoch. */
  loss: { train: HeadLosses; validation: HeadLosses };
  history: MlpEpochLoss[];
}

interface Network {
  /** widths[0] = features, widths.at(-1) = heads. */
  widths: number[];
  weights: Float64Array[];
  biases: Float64Array[];
}

/**
 * Fits the MLP ranker on `data`. Throws a RangeError on malformed data and a
 * {@link RankerTrainingDataError} when no objective is given or a head's training rows hold only
 * one label.
 *
 * @example
 * const fit = fitMlpRanker({ rows, targets: { click, engage } }, { modelVersion: "mlp-1" });
 * scoreMlp(fit.model, buildFeatureRow(input)); // (1·p_click + 2·p_engage) / 3
 */
export function fitMlpRanker(data: MlpTrainingData, options: Partial<FitMlpRankerOptions> = {}): MlpRankerFit {
  const opts = { ...FIT_MLP_RANKER_DEFAULTS, ...options } satisfies FitMlpRankerOptions;
  const n = data.rows.length;
  const f = opts.featureNames.length;
  const objectives = RANKING_OBJECTIVES.filter((objective) => data.targets[objective] !== undefined);
  if (objectives.length === 0) throw new RankerTrainingDataError("the MLP ranker needs labels for at least one objective");
  if (n === 0) throw new RangeError("the MLP ranker needs at least one row");
  const heads = objectives.length;
  const rng = createRng(opts.seed);

  const x = new Float64Array(n * f);
  data.rows.forEach((row, i) => {
    if (row.length !== f) throw new RangeError(`row ${i} has ${row.length} features, expected ${f}`);
    for (let j = 0; j < f; j++) x[i * f + j] = row[j]!;
  });
  const y = new Float64Array(n * heads);
  objectives.forEach((objective, h) => {
    const labels = data.targets[objective]!;
    if (labels.length !== n) throw new RangeError(`${n} rows but ${labels.length} "${objective}" labels`);
    for (let i = 0; i < n; i++) {
      const label = labels[i]!;
      if (label !== 0 && label !== 1) throw new RangeError(`"${objective}" label of row ${i} is ${label}, not 0 or 1`);
      y[i * heads + h] = label;
    }
  });
  const sampleWeights = new Float64Array(n).fill(1);
  if (data.sampleWeights !== undefined) {
    if (data.sampleWeights.length !== n) throw new RangeError(`${n} rows but ${data.sampleWeights.length} sample weights`);
    for (let i = 0; i < n; i++) {
      const weight = data.sampleWeights[i]!;
      if (!Number.isFinite(weight) || weight < 0) throw new RangeError(`sample weight of row ${i} is ${weight}, not a finite number ≥ 0`);
      sampleWeights[i] = weight;
    }
  }

  const { train, validation } = splitRows(n, data.groups, opts.validationShare, rng);
  const positives: HeadLosses = {};
  const baseRates = objectives.map((objective, h) => {
    let count = 0;
    let weighted = 0;
    let total = 0;
    for (const i of train) {
      count += y[i * heads + h]!;
      weighted += sampleWeights[i]! * y[i * heads + h]!;
      total += sampleWeights[i]!;
    }
    if (count === 0 || count === train.length) {
      throw new RankerTrainingDataError(
        `the "${objective}" head needs both positive and negative training rows; all ${train.length} are ${count === 0 ? 0 : 1}`,
      );
    }
    positives[objective] = count;
    return total > 0 ? weighted / total : count / train.length;
  });

  const { mean, std } = standardization(x, f, train);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) x[i * f + j] = std[j]! > 0 ? (x[i * f + j]! - mean[j]!) / std[j]! : 0;
  }

  const network = initialNetwork([f, ...opts.hidden, heads], baseRates, rng);
  const trainer = createTrainer(network, opts.batchSize);
  let best = {
    epoch: 0,
    loss: Number.POSITIVE_INFINITY,
    weights: network.weights.map((w) => w.slice()),
    biases: network.biases.map((b) => b.slice()),
  };
  const history: MlpEpochLoss[] = [];
  const toLosses = (values: Float64Array | undefined): HeadLosses =>
    values === undefined ? {} : Object.fromEntries(objectives.map((objective, h) => [objective, values[h]!]));
  for (let epoch = 1; epoch <= opts.maxEpochs; epoch++) {
    rng.shuffle(train);
    const trainLoss = trainer.epoch(x, y, sampleWeights, train, opts);
    const validationLoss = validation.length > 0 ? trainer.evaluate(x, y, sampleWeights, validation) : undefined;
    history.push({ epoch, train: toLosses(trainLoss), validation: toLosses(validationLoss) });
    const score = (validationLoss ?? trainLoss).reduce((sum, value) => sum + value, 0);
    if (validation.length === 0 || score < best.loss) {
      best = { epoch, loss: score, weights: network.weights.map((w) => w.slice()), biases: network.biases.map((b) => b.slice()) };
    } else if (epoch - best.epoch >= opts.patience) {
      break;
    }
  }

  const layers = best.weights.map(
    (weights, l): DenseLayer => ({
      inputs: network.widths[l]!,
      outputs: network.widths[l + 1]!,
      weights: Array.from(weights, Math.fround),
      bias: Array.from(best.biases[l]!, Math.fround),
    }),
  );
  const modelHeads = objectives.map((objective) => ({ objective, weight: opts.objectiveWeights[objective] }));
  const described = {
    kind: "mlp",
    heads: modelHeads,
    featureNames: [...opts.featureNames],
    featureSpecHash: opts.featureSpecHash,
    modelVersion: opts.modelVersion,
  } as const;
  const kept = history[best.epoch - 1]!;
  return {
    model: {
      ...described,
      layers: [foldStandardization(best.weights[0]!, best.biases[0]!, network.widths[1]!, mean, std), ...layers.slice(1)],
    },
    standardizedModel: { ...described, layers },
    mean,
    std,
    objectives,
    rows: { train: train.length, validation: validation.length },
    positives,
    epochs: history.length,
    bestEpoch: best.epoch,
    loss: { train: kept.train, validation: kept.validation },
    history,
  };
}

/**
 * The first layer on raw rows from its weights on standardised rows: W'[k][j] = W[k][j] / σ_k and
 * b'_j = b_j − Σ_k W[k][j] μ_k / σ_k, skipping constant features (σ = 0, standardised to 0).
 */
export function foldStandardization(
  weights: ArrayLike<number>,
  bias: ArrayLike<number>,
  outputs: number,
  mean: readonly number[],
  std: readonly number[],
): DenseLayer {
  const inputs = mean.length;
  const folded = new Array<number>(inputs * outputs).fill(0);
  const shifted = Array.from(bias);
  for (let k = 0; k < inputs; k++) {
    if (!(std[k]! > 0)) continue;
    for (let j = 0; j < outputs; j++) {
      const w = weights[k * outputs + j]! / std[k]!;
      folded[k * outputs + j] = w;
      shifted[j]! -= w * mean[k]!;
    }
  }
  return { inputs, outputs, weights: folded.map(Math.fround), bias: shifted.map(Math.fround) };
}

function splitRows(
  n: number,
  groups: ArrayLike<number | string> | undefined,
  share: number,
  rng: ReturnType<typeof createRng>,
): { train: number[]; validation: number[] } {
  if (!(share >= 0 && share < 1)) throw new RangeError(`validationShare must be in [0, 1), got ${share}`);
  if (groups !== undefined && groups.length !== n) throw new RangeError(`${n} rows but ${groups.length} group ids`);
  const train: number[] = [];
  const validation: number[] = [];
  const heldOut = new Map<number | string, boolean>();
  for (let i = 0; i < n; i++) {
    let out: boolean;
    if (groups === undefined) out = share > 0 && rng.next() < share;
    else {
      const group = groups[i]!;
      out = heldOut.get(group) ?? (share > 0 && rng.next() < share);
      heldOut.set(group, out);
    }
    (out ? validation : train).push(i);
  }
  if (train.length === 0) return { train: validation, validation: [] };
  return { train, validation };
}

function standardization(x: Float64Array, f: number, rows: readonly number[]): { mean: number[]; std: number[] } {
  const mean = new Array<number>(f).fill(0);
  const variance = new Array<number>(f).fill(0);
  for (const i of rows) for (let j = 0; j < f; j++) mean[j]! += x[i * f + j]!;
  for (let j = 0; j < f; j++) mean[j]! /= rows.length;
  for (const i of rows) for (let j = 0; j < f; j++) variance[j]! += (x[i * f + j]! - mean[j]!) ** 2;
  const std = variance.map((v) => {
    const s = Math.sqrt(v / rows.length);
    return s > 1e-12 ? s : 0;
  });
  return { mean, std };
}

/** He-normal trunk, Glorot-scaled heads, zero biases except each head's, set to its base rate's logit. */
function initialNetwork(widths: number[], baseRates: number[], rng: ReturnType<typeof createRng>): Network {
  const layers = widths.length - 1;
  const weights: Float64Array[] = [];
  const biases: Float64Array[] = [];
  for (let l = 0; l < layers; l++) {
    const inputs = widths[l]!;
    const outputs = widths[l + 1]!;
    const scale = l < layers - 1 ? Math.sqrt(2 / inputs) : Math.sqrt(1 / inputs);
    weights.push(Float64Array.from({ length: inputs * outputs }, () => rng.normal() * scale));
    biases.push(new Float64Array(outputs));
  }
  baseRates.forEach((rate, h) => {
    const p = Math.min(1 - 1e-6, Math.max(1e-6, rate));
    biases[layers - 1]![h] = Math.log(p / (1 - p));
  });
  return { widths, weights, biases };
}

/**
 * Preallocated minibatch buffers and Adam state: no allocation per row or per step. Every product
 * is {@link multiplyTransposed} (dot products over contiguous memory): Adam updates each layer's
 * weights transposed ([out][in], what the forward pass reads) and `network.weights` ([in][out],
 * what backpropagation reads) is rewritten from them after each step; the weight gradients read
 * the batch's activations and deltas transposed ([unit][row]).
 */
function createTrainer(network: Network, batchSize: number) {
  const { widths, weights, biases } = network;
  const layers = widths.length - 1;
  const heads = widths[layers]!;
  const activations = widths.map((width) => new Float64Array(batchSize * width));
  const deltas = widths.map((width) => new Float64Array(batchSize * width));
  const activationsT = widths.map((width) => new Float64Array(batchSize * width));
  const deltasT = widths.map((width) => new Float64Array(batchSize * width));
  const transposed = weights.map((w, l) => transpose(w, widths[l]!, widths[l + 1]!, new Float64Array(w.length)));
  const gradWt = weights.map((w) => new Float64Array(w.length));
  const gradB = biases.map((b) => new Float64Array(b.length));
  const params = [...transposed, ...biases];
  const grads = [...gradWt, ...gradB];
  const adam = params.map((p) => ({ m: new Float64Array(p.length), v: new Float64Array(p.length) }));
  const batchLoss = new Float64Array(heads);
  let step = 0;

  /** Forward pass of `rows[start, end)` into `activations`; returns the batch size. */
  const forward = (x: Float64Array, rows: readonly number[], start: number, end: number): number => {
    const size = end - start;
    const f = widths[0]!;
    const input = activations[0]!;
    for (let r = 0; r < size; r++) {
      const base = rows[start + r]! * f;
      for (let j = 0; j < f; j++) input[r * f + j] = x[base + j]!;
    }
    for (let l = 0; l < layers; l++) {
      const z = activations[l + 1]!;
      multiplyTransposed(activations[l]!, size, transposed[l]!, widths[l + 1]!, widths[l]!, z, biases[l]!);
      if (l < layers - 1) for (let t = 0; t < size * widths[l + 1]!; t++) if (z[t]! < 0) z[t] = 0;
    }
    return size;
  };
  /** Adds each head's weighted cross-entropy of the forwarded batch to `loss`; fills the output deltas (∂loss/∂logit ÷ Σ weights) when asked. */
  const headLoss = (
    y: Float64Array,
    sampleWeights: Float64Array,
    rows: readonly number[],
    start: number,
    size: number,
    loss: Float64Array,
    withDeltas: boolean,
  ): number => {
    const logits = activations[layers]!;
    const delta = deltas[layers]!;
    let weightSum = 0;
    for (let r = 0; r < size; r++) weightSum += sampleWeights[rows[start + r]!]!;
    const scale = weightSum > 0 ? 1 / weightSum : 0;
    for (let r = 0; r < size; r++) {
      const i = rows[start + r]!;
      const sw = sampleWeights[i]!;
      for (let h = 0; h < heads; h++) {
        const z = logits[r * heads + h]!;
        const label = y[i * heads + h]!;
        // softplus(z) − y·z, computed without overflow
        loss[h]! += sw * (Math.max(z, 0) - label * z + Math.log1p(Math.exp(-Math.abs(z))));
        if (withDeltas) delta[r * heads + h] = sw * scale * (1 / (1 + Math.exp(-z)) - label);
      }
    }
    return weightSum;
  };

  const backward = (size: number): void => {
    for (let l = layers - 1; l >= 0; l--) {
      const nin = widths[l]!;
      const nout = widths[l + 1]!;
      const a = activations[l]!;
      const d = deltas[l + 1]!;
      const dT = transpose(d, size, nout, deltasT[l + 1]!);
      multiplyTransposed(dT, nout, transpose(a, size, nin, activationsT[l]!), nin, size, gradWt[l]!);
      const gb = gradB[l]!;
      for (let j = 0; j < nout; j++) {
        let sum = 0;
        for (let r = 0; r < size; r++) sum += dT[j * size + r]!;
        gb[j] = sum;
      }
      if (l === 0) continue;
      const previous = deltas[l]!;
      multiplyTransposed(d, size, weights[l]!, nin, nout, previous);
      // a is the previous layer's ReLU output: its derivative is 1 where a > 0, else 0.
      for (let t = 0; t < size * nin; t++) if (a[t]! <= 0) previous[t] = 0;
    }
  };

  const update = (learningRate: number, l2: number): void => {
    step++;
    const beta1 = 0.9;
    const beta2 = 0.999;
    const correction1 = 1 - beta1 ** step;
    const correction2 = 1 - beta2 ** step;
    params.forEach((p, index) => {
      const g = grads[index]!;
      const { m, v } = adam[index]!;
      const decay = index < transposed.length ? l2 : 0;
      for (let t = 0; t < p.length; t++) {
        const gt = g[t]! + decay * p[t]!;
        m[t] = beta1 * m[t]! + (1 - beta1) * gt;
        v[t] = beta2 * v[t]! + (1 - beta2) * gt * gt;
        p[t]! -= (learningRate * (m[t]! / correction1)) / (Math.sqrt(v[t]! / correction2) + 1e-8);
      }
    });
    for (let l = 0; l < layers; l++) transpose(transposed[l]!, widths[l + 1]!, widths[l]!, weights[l]!);
  };

  return {
    /** One pass over `rows` in their order; returns the mean weighted loss per head of its minibatches (before each step). */
    epoch(x: Float64Array, y: Float64Array, sampleWeights: Float64Array, rows: readonly number[], opts: FitMlpRankerOptions): Float64Array {
      const total = new Float64Array(heads);
      let weightSum = 0;
      for (let start = 0; start < rows.length; start += batchSize) {
        const end = Math.min(rows.length, start + batchSize);
        const size = forward(x, rows, start, end);
        batchLoss.fill(0);
        weightSum += headLoss(y, sampleWeights, rows, start, size, batchLoss, true);
        for (let h = 0; h < heads; h++) total[h]! += batchLoss[h]!;
        backward(size);
        update(opts.learningRate, opts.l2);
      }
      return total.map((value) => (weightSum > 0 ? value / weightSum : 0));
    },
    /** Mean weighted loss per head on `rows` with the current weights. */
    evaluate(x: Float64Array, y: Float64Array, sampleWeights: Float64Array, rows: readonly number[]): Float64Array {
      const total = new Float64Array(heads);
      let weightSum = 0;
      for (let start = 0; start < rows.length; start += batchSize) {
        const end = Math.min(rows.length, start + batchSize);
        const size = forward(x, rows, start, end);
        weightSum += headLoss(y, sampleWeights, rows, start, size, total, false);
      }
      return total.map((value) => (weightSum > 0 ? value / weightSum : 0));
    },
  };
}

/** Writes the `rows × cols` row-major matrix `m` transposed (`cols × rows`) into `out` and returns it. */
function transpose(m: Float64Array, rows: number, cols: number, out: Float64Array): Float64Array {
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c]!;
  return out;
}

/**
 * out[i][j] = bias[j] + Σ_k a[i][k] · bt[j][k] for `a` (`rows × inner`) and `bt` (`cols × inner`),
 * both row-major: every product is a dot product over contiguous memory, four columns at a time so
 * each value of `a` is loaded once per four multiply-adds.
 */
function multiplyTransposed(
  a: Float64Array,
  rows: number,
  bt: Float64Array,
  cols: number,
  inner: number,
  out: Float64Array,
  bias?: Float64Array,
): void {
  for (let i = 0; i < rows; i++) {
    const row = i * inner;
    const target = i * cols;
    let j = 0;
    for (; j + 3 < cols; j += 4) {
      const c0 = j * inner;
      const c1 = c0 + inner;
      const c2 = c1 + inner;
      const c3 = c2 + inner;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < inner; k++) {
        const v = a[row + k]!;
        s0 += v * bt[c0 + k]!;
        s1 += v * bt[c1 + k]!;
        s2 += v * bt[c2 + k]!;
        s3 += v * bt[c3 + k]!;
      }
      out[target + j] = s0 + (bias ? bias[j]! : 0);
      out[target + j + 1] = s1 + (bias ? bias[j + 1]! : 0);
      out[target + j + 2] = s2 + (bias ? bias[j + 2]! : 0);
      out[target + j + 3] = s3 + (bias ? bias[j + 3]! : 0);
    }
    for (; j < cols; j++) {
      const c = j * inner;
      let sum = 0;
      for (let k = 0; k < inner; k++) sum += a[row + k]! * bt[c + k]!;
      out[target + j] = sum + (bias ? bias[j]! : 0);
    }
  }
}
