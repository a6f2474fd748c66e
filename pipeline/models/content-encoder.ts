/**
 * Fits the content encoder (shared/content/content-encoder.ts): a ridge regression from item
 * content features (genres, release year, hashed title words) to the trained ALS item factors,
 * on the items that have interactions. Quality is the mean cosine between predicted and trained
 * vectors on items held out of the fit, next to a baseline that predicts the mean item vector.
 * The exported model is refitted on all eligible items; its JSON goes to KV under
 * `kvKeys.contentEncoder` and lets the edge place a brand-new item in the collaborative space.
 */
import { cholesky, choleskySolve } from "../../shared/math/cholesky";
import { createRng } from "../../shared/math/random";
import { cosineSimilarity } from "../../shared/math/vector";
import type { ContentEncoderModel } from "../../shared/content/content-encoder";
import { type ContentFeatureSpec, type ContentMetadata, contentFeatures, releaseYear } from "../../shared/content/content-features";

/** Options of {@link fitContentEncoder}. */
export interface ContentEncoderOptions {
  /** L2 penalty on every weight except the bias row. */
  ridge: number;
  /** Signed hash buckets for title words. */
  titleBuckets: number;
  /** Share of eligible items held out to measure quality. */
  heldOutShare: number;
  seed: number;
  /** Significant digits kept per weight in the JSON. */
  precision: number;
}

/** Defaults: ridge 10 (best held-out cosine on the demo data among 0.1–30), 64 title buckets, 20% held out, seed 42. */
export const CONTENT_ENCODER_DEFAULTS = {
  ridge: 10,
  titleBuckets: 64,
  heldOutShare: 0.2,
  seed: 42,
  precision: 7,
} as const satisfies ContentEncoderOptions;

/** What the encoder is fitted on. */
export interface ContentEncoderInput {
  /** Item metadata, in the order of the factor rows. */
  items: readonly ContentMetadata[];
  /** Trained item factors, row-major `items × dimensions`. */
  itemFactors: ArrayLike<number>;
  dimensions: number;
  /** The ALS model version the factors belong to. */
  modelVersion: string;
  /** Items the fit may use (e.g. those with interactions); default: every item with a non-zero vector. */
  eligible?: (itemIndex: number) => boolean;
}

/** Quality of a fit. */
export interface ContentEncoderReport {
  /** Eligible items, and how many of them were held out. */
  items: number;
  heldOutItems: number;
  /** Mean cosine(predicted, trained) on held-out items. */
  heldOutCosine: number;
  /** Same, for the baseline that predicts the mean training vector for every item. */
  baselineCosine: number;
  /** Mean cosine on the items the evaluation fit saw. */
  trainCosine: number;
}

/** Fits the encoder; returns the model (refitted on all eligible items) and the held-out report. */
export function fitContentEncoder(
  input: ContentEncoderInput,
  options: Partial<ContentEncoderOptions> = {},
): { model: ContentEncoderModel; report: ContentEncoderReport } {
  const opts = { ...CONTENT_ENCODER_DEFAULTS, ...options } satisfies ContentEncoderOptions;
  const k = input.dimensions;
  if (input.itemFactors.length !== input.items.length * k) {
    throw new RangeError(`${input.items.length} items but ${input.itemFactors.length / k} factor rows`);
  }
  const eligible: number[] = [];
  for (let i = 0; i < input.items.length; i++) {
    if (input.eligible && !input.eligible(i)) continue;
    let nonZero = false;
    for (let d = 0; d < k && !nonZero; d++) nonZero = input.itemFactors[i * k + d] !== 0;
    if (nonZero) eligible.push(i);
  }
  if (eligible.length < 2) throw new Error(`need at least 2 items with trained vectors to fit the content encoder, got ${eligible.length}`);
  const spec = contentFeatureSpecFor(
    eligible.map((i) => input.items[i]!),
    opts.titleBuckets,
  );
  const target = (i: number) => Array.from({ length: k }, (_, d) => input.itemFactors[i * k + d]!);

  const shuffled = createRng(opts.seed).shuffle([...eligible]);
  const heldOutCount = Math.min(eligible.length - 1, Math.round(eligible.length * opts.heldOutShare));
  const heldOut = shuffled.slice(0, heldOutCount);
  const train = shuffled.slice(heldOutCount);
  const evaluation = ridgeFit(
    train.map((i) => contentFeatures(input.items[i]!, spec)),
    train.map(target),
    k,
    opts.ridge,
  );
  const meanVector = new Array<number>(k).fill(0);
  for (const i of train) for (let d = 0; d < k; d++) meanVector[d]! += input.itemFactors[i * k + d]! / train.length;
  const meanCosine = (indices: number[], predict: (i: number) => number[]) =>
    indices.length === 0 ? Number.NaN : indices.reduce((sum, i) => sum + cosineSimilarity(predict(i), target(i)), 0) / indices.length;
  const predictWith = (weights: Float64Array) => (i: number) => applyWeights(contentFeatures(input.items[i]!, spec), weights, k);
  const report: ContentEncoderReport = {
    items: eligible.length,
    heldOutItems: heldOut.length,
    heldOutCosine: meanCosine(heldOut, predictWith(evaluation)),
    baselineCosine: meanCosine(heldOut, () => meanVector),
    trainCosine: meanCosine(train, predictWith(evaluation)),
  };

  const weights = ridgeFit(
    eligible.map((i) => contentFeatures(input.items[i]!, spec)),
    eligible.map(target),
    k,
    opts.ridge,
  );
  const round = (x: number) => Number(x.toPrecision(opts.precision));
  const model: ContentEncoderModel = {
    kind: "linear-content-encoder",
    modelVersion: input.modelVersion,
    dimensions: k,
    features: spec,
    weights: Array.from(weights, round),
    ridge: opts.ridge,
    metrics: {
      items: report.items,
      held_out_items: report.heldOutItems,
      held_out_cosine: round(report.heldOutCosine),
      baseline_cosine: round(report.baselineCosine),
      train_cosine: round(report.trainCosine),
    },
  };
  return { model, report };
}

/** The feature spec for a set of items: genres by frequency, decades and year statistics. */
export function contentFeatureSpecFor(items: readonly ContentMetadata[], titleBuckets: number): ContentFeatureSpec {
  const genreCounts = new Map<string, number>();
  const years: number[] = [];
  for (const item of items) {
    const genres = new Set(item.genres ?? []);
    if (item.category) genres.add(item.category);
    for (const genre of genres) genreCounts.set(genre, (genreCounts.get(genre) ?? 0) + 1);
    const year = releaseYear(item);
    if (year !== null) years.push(year);
  }
  const genres = [...genreCounts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([genre]) => genre);
  if (years.length === 0) return { genres, decades: { first: 0, count: 0 }, year: { mean: 0, std: 0 }, titleBuckets };
  const minYear = Math.min(...years);
  const maxYear = Math.max(...years);
  const first = Math.floor(minYear / 10) * 10;
  const mean = years.reduce((sum, y) => sum + y, 0) / years.length;
  const std = Math.sqrt(years.reduce((sum, y) => sum + (y - mean) ** 2, 0) / years.length);
  return { genres, decades: { first, count: Math.floor(maxYear / 10) - first / 10 + 1 }, year: { mean, std }, titleBuckets };
}

/** W = (FᵀF + ridge·I′)⁻¹ FᵀY, with the bias (feature 0) unpenalised; row-major features × k. */
function ridgeFit(rows: Float64Array[], targets: number[][], k: number, ridge: number): Float64Array {
  const f = rows[0]!.length;
  const gram = new Float64Array(f * f);
  const rhs = new Float64Array(f * k);
  rows.forEach((row, n) => {
    const y = targets[n]!;
    for (let a = 0; a < f; a++) {
      const xa = row[a]!;
      if (xa === 0) continue;
      for (let b = a; b < f; b++) gram[a * f + b]! += xa * row[b]!;
      for (let d = 0; d < k; d++) rhs[a * k + d]! += xa * y[d]!;
    }
  });
  for (let a = 0; a < f; a++) {
    for (let b = 0; b < a; b++) gram[a * f + b] = gram[b * f + a]!;
    gram[a * f + a]! += a === 0 ? 1e-9 : ridge;
    if (gram[a * f + a]! <= 0) gram[a * f + a] = 1e-9;
  }
  const factor = cholesky(gram, f);
  const weights = new Float64Array(f * k);
  const column = new Float64Array(f);
  for (let d = 0; d < k; d++) {
    for (let a = 0; a < f; a++) column[a] = rhs[a * k + d]!;
    const solution = choleskySolve(factor, column, f);
    for (let a = 0; a < f; a++) weights[a * k + d] = solution[a]!;
  }
  return weights;
}

function applyWeights(row: Float64Array, weights: Float64Array, k: number): number[] {
  const vector = new Array<number>(k).fill(0);
  for (let a = 0; a < row.length; a++) {
    const x = row[a]!;
    if (x !== 0) for (let d = 0; d < k; d++) vector[d]! += x * weights[a * k + d]!;
  }
  return vector;
}
