/**
 * Builds the {@link FoldInModel} the pipeline publishes next to a trained ALS model: YᵀY over
 * the item factors, the training λ and α, the mean item vector per category and the mean user
 * vector per demographic segment. Pure and platform-neutral; the pipeline calls it at export.
 */
import { gramMatrix } from "../math/gram-matrix";
import type { FoldInModel } from "./fold-in-model";

/** Inputs of {@link buildFoldInModel}. */
export interface FoldInModelInput {
  modelVersion: string;
  dimensions: number;
  /** Item factors Y, row-major `items × dimensions`. */
  itemFactors: ArrayLike<number>;
  /** λ and α the factors were trained with. */
  regularization: number;
  alpha: number;
  /** Category of each item (same order as the factor rows); enables `categoryVectors`. */
  itemCategories?: readonly string[];
  /** User factors, row-major `users × dimensions`; with `userSegments`, enables `segmentVectors`. */
  userFactors?: ArrayLike<number>;
  /** Segment keys of each user (`demographicSegments(profile)`), same order as the user rows. */
  userSegments?: readonly (readonly string[])[];
}

/** Options of {@link buildFoldInModel}. */
export interface BuildFoldInModelOptions {
  /** Significant digits kept per number in the JSON (float32 needs ~7). */
  precision: number;
  /** Segments with fewer users are left out (their mean is noise). */
  minSegmentUsers: number;
}

/** Defaults: 7 significant digits, segments of at least 20 users. */
export const BUILD_FOLD_IN_MODEL_DEFAULTS = { precision: 7, minSegmentUsers: 20 } as const satisfies BuildFoldInModelOptions;

/** The fold-in model for a trained factorisation. */
export function buildFoldInModel(input: FoldInModelInput, options: Partial<BuildFoldInModelOptions> = {}): FoldInModel {
  const opts = { ...BUILD_FOLD_IN_MODEL_DEFAULTS, ...options } satisfies BuildFoldInModelOptions;
  const k = input.dimensions;
  const items = input.itemFactors.length / k;
  if (!Number.isInteger(items)) throw new RangeError(`item factors (${input.itemFactors.length}) are not a multiple of k = ${k}`);
  const round = (x: number) => Number(x.toPrecision(opts.precision));
  const gram = gramMatrix(input.itemFactors, items, k);
  const model: FoldInModel = {
    modelVersion: input.modelVersion,
    dimensions: k,
    gram: Array.from(gram, round),
    regularization: input.regularization,
    alpha: input.alpha,
  };
  if (input.itemCategories) {
    if (input.itemCategories.length !== items) throw new RangeError(`${input.itemCategories.length} categories for ${items} items`);
    model.categoryVectors = groupMeans(input.itemFactors, k, (i) => [input.itemCategories![i]!], items, 1, round);
  }
  if (input.userFactors && input.userSegments) {
    const users = input.userFactors.length / k;
    if (input.userSegments.length !== users) throw new RangeError(`${input.userSegments.length} segment lists for ${users} users`);
    model.segmentVectors = groupMeans(input.userFactors, k, (u) => input.userSegments![u]!, users, opts.minSegmentUsers, round);
  }
  return model;
}

function groupMeans(
  factors: ArrayLike<number>,
  k: number,
  groupsOf: (row: number) => readonly string[],
  rows: number,
  minRows: number,
  round: (x: number) => number,
): Record<string, number[]> {
  const sums = new Map<string, { sum: Float64Array; count: number }>();
  for (let row = 0; row < rows; row++) {
    let zero = true;
    for (let d = 0; d < k && zero; d++) zero = factors[row * k + d] === 0;
    if (zero) continue;
    for (const group of groupsOf(row)) {
      const entry = sums.get(group) ?? { sum: new Float64Array(k), count: 0 };
      for (let d = 0; d < k; d++) entry.sum[d]! += factors[row * k + d]!;
      entry.count++;
      sums.set(group, entry);
    }
  }
  const means: Record<string, number[]> = {};
  for (const group of [...sums.keys()].sort()) {
    const { sum, count } = sums.get(group)!;
    if (count >= minRows) means[group] = Array.from(sum, (x) => round(x / count));
  }
  return means;
}
