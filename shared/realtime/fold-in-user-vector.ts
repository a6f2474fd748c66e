/**
 * ALS fold-in: the user vector the trained implicit-ALS model would give a user whose only
 * interactions are the session's, without retraining (Hu, Koren & Volinsky 2008). With the item
 * factors Y fixed, the least-squares user vector is exactly
 *
 *   x = (YᵀY + Yₛᵀ(Cₛ − I)Yₛ + λI)⁻¹ Yₛᵀ Cₛ pₛ
 *
 * over the session items Yₛ, confidence c = 1 + α·r (r = summed event weight) and preference p = 1.
 * YᵀY comes precomputed with the model (`FoldInModel.gram`), so one fold-in costs O(s·k² + k³):
 * microseconds at k = 32. As an extension, items with a net negative weight enter with p = 0 and
 * confidence 1 + α·|r| — explicit dislikes pull the user's score for them towards 0.
 */
import { solveSymmetricPositiveDefinite } from "../math/cholesky";
import type { FoldInModel } from "./fold-in-model";

/** One session item: its trained vector and the user's summed event weight on it. */
export interface FoldInInteraction {
  vector: ArrayLike<number>;
  /** > 0: positive (p = 1, c = 1 + α·weight); < 0: negative (p = 0, c = 1 + α·|weight|); 0: ignored. */
  weight: number;
}

/** The model parts the fold-in reads. */
export type FoldInParameters = Pick<FoldInModel, "dimensions" | "gram" | "regularization" | "alpha">;

/**
 * The folded-in user vector, or null when the session has no positive interaction (the solution
 * would be the zero vector).
 * @example
 * const x = foldInUserVector(model, [{ vector: itemVector, weight: 1 }]); // after one click
 */
export function foldInUserVector(model: FoldInParameters, interactions: readonly FoldInInteraction[]): Float64Array | null {
  const k = model.dimensions;
  const a = Float64Array.from(model.gram);
  for (let d = 0; d < k; d++) a[d * k + d]! += model.regularization;
  const b = new Float64Array(k);
  let positives = 0;
  for (const { vector, weight } of interactions) {
    if (weight === 0 || !Number.isFinite(weight)) continue;
    if (vector.length !== k) throw new RangeError(`item vector has ${vector.length} entries, the model has k = ${k}`);
    const confidence = 1 + model.alpha * Math.abs(weight);
    const extra = confidence - 1;
    for (let i = 0; i < k; i++) {
      const yi = vector[i]!;
      if (yi === 0) continue;
      for (let j = 0; j < k; j++) a[i * k + j]! += extra * yi * vector[j]!;
      if (weight > 0) b[i]! += confidence * yi;
    }
    if (weight > 0) positives++;
  }
  if (positives === 0) return null;
  return solveSymmetricPositiveDefinite(a, b, k);
}
