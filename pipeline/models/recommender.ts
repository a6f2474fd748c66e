/**
 * The interface every collaborative model in the pipeline implements (popularity, implicit ALS,
 * later BPR, …), so training commands, evaluation and export are written once against it.
 */
import type { InteractionMatrix } from "../data/interaction-matrix";
import type { ScoredIndex } from "../../shared/math/top-k";

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
  /** Model name recorded in the manifest (`popularity`, `implicit-als`). */
  readonly name: string;
  /** Learns from a user × item matrix of positive interactions; replaces any previous fit. */
  fit(interactions: InteractionMatrix): void;
  /** The `k` best items for a user, best first, never returning an index in `exclude`. */
  recommend(userIndex: number, k: number, exclude?: Iterable<number>): ScoredIndex[];
  /** The `k` items most similar to `itemIndex` (itself excluded), best first. */
  similarItems(itemIndex: number, k: number): ScoredIndex[];
  /** Latent factors, or null for models without embeddings. */
  readonly factors: LatentFactors | null;
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
