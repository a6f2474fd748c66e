/**
 * The interface every collaborative model in the pipeline implements (popularity, item-based
 * neighbours, implicit ALS, EASE, score blends), so tuning, evaluation, training commands and
 * export are written once against it: `fit`, `scoreItems`, `recommend`, `similarItems`, `save`
 * (and a static `load` per model, dispatched by `loadRecommender`).
 */
import type { InteractionMatrix } from "../data/interaction-matrix";
import { topK, type ScoredIndex } from "../../shared/math/top-k";
import type { SavedModel } from "./saved-model";

/** Latent factors of a factorisation model: row-major `rows × dimensions` Float32 matrices. */
export interface LatentFactors {
  dimensions: number;
  /** User vectors, `users.length = userCount × dimensions`. */
  users: Float32Array;
  /** Item vectors, `items.length = itemCount × dimensions`. */
  items: Float32Array;
}

/** A trained (or trainable) recommender over dense user and item indices. */
export interface Recommender {
  /** Model name recorded in reports and the manifest (`popularity`, `implicit-als`, `ease`, …). */
  readonly name: string;
  /**
   * Learns from a user × item matrix of positive interactions and, optionally, one of negative
   * evidence (same shape; confidence = |summed weight|); replaces any previous fit. Models without
   * a use for negatives (popularity, item-knn, EASE: absent = 0 already) ignore them; implicit ALS
   * trains them as p = 0 with confidence; blends and factorised forms pass them to their parts.
   */
  fit(interactions: InteractionMatrix, negatives?: InteractionMatrix): void;
  /** A score for every item for `userIndex`, higher is better (written into `out` when given). */
  scoreItems(userIndex: number, out?: Float32Array): Float32Array;
  /** The `k` best items for a user, best first, never returning an index in `exclude`. */
  recommend(userIndex: number, k: number, exclude?: Iterable<number>): ScoredIndex[];
  /** The `k` items most similar to `itemIndex` (itself excluded), best first. */
  similarItems(itemIndex: number, k: number): ScoredIndex[];
  /** Latent factors (user · item = score), or null for models without embeddings. */
  readonly factors: LatentFactors | null;
  /**
   * The items the model scores (1 = scored), when it leaves some out — EASE restricted to the
   * supported items of a large catalogue. Absent or null: every item is scored. An unscored item
   * has score 0 in `scoreItems` (no evidence) and is never returned by `recommend`; a blend
   * scores it from its other parts.
   */
  readonly itemCoverage?: Uint8Array | null;
  /** The fitted state, for `writeSavedModel` and the model's static `load`. */
  save(): SavedModel;
}

/** The `dimensions`-long row `index` of a row-major factor matrix (a view, no copy). */
export function factorRow(matrix: Float32Array, dimensions: number, index: number): Float32Array {
  return matrix.subarray(index * dimensions, (index + 1) * dimensions);
}

/** A 0/1 mask over `size` indices with the given indices set (out-of-range ones ignored). */
export function exclusionMask(size: number, exclude: Iterable<number> | undefined): Uint8Array | undefined {
  if (exclude === undefined) return undefined;
  const mask = new Uint8Array(size);
  for (const index of exclude) if (index >= 0 && index < size) mask[index] = 1;
  return mask;
}

/** `recommend` for any model that can score every item: top k of `scores` outside `exclude`. */
export function topScored(scores: ArrayLike<number>, k: number, exclude?: Iterable<number>): ScoredIndex[] {
  const excludeMask = exclusionMask(scores.length, exclude);
  return topK(scores, k, excludeMask ? { excludeMask } : {});
}

/** Throws a RangeError unless `index` is an integer in [0, size). */
export function checkIndex(kind: "user" | "item", index: number, size: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`${kind} index ${index} out of range (0..${size - 1})`);
  }
  return index;
}

/**
 * Dot-product scores of every item for one user of a factor model: out[i] = users[user] · items[i]
 * (offset loops with four accumulators: no views, no allocation per item).
 */
export function factorScores(
  userFactors: Float32Array,
  itemFactors: Float32Array,
  dimensions: number,
  user: number,
  out: Float32Array,
): Float32Array {
  const k = dimensions;
  const x = Float64Array.from(userFactors.subarray(user * k, (user + 1) * k));
  const items = itemFactors.length / k;
  for (let i = 0; i < items; i++) {
    const y = i * k;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let d = 0;
    for (; d + 3 < k; d += 4) {
      s0 += x[d]! * itemFactors[y + d]!;
      s1 += x[d + 1]! * itemFactors[y + d + 1]!;
      s2 += x[d + 2]! * itemFactors[y + d + 2]!;
      s3 += x[d + 3]! * itemFactors[y + d + 3]!;
    }
    for (; d < k; d++) s0 += x[d]! * itemFactors[y + d]!;
    out[i] = s0 + s1 + (s2 + s3);
  }
  return out;
}
