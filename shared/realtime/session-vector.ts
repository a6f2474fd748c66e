/**
 * The user vector a session stands for: the exact ALS fold-in when the fold-in model is
 * published, else the confidence-weighted mean of the positive items' vectors (a cheap stand-in
 * that still points the right way), so a new user is personalised after the first click either way.
 */
import type { FoldInModel } from "./fold-in-model";
import { type FoldInInteraction, foldInUserVector } from "./fold-in-user-vector";

/** How a session vector was computed. */
export type SessionVectorMethod = "als_fold_in" | "item_average";

/** A session vector and how it was obtained. */
export interface SessionVector {
  vector: number[];
  method: SessionVectorMethod;
  /** Σ of the positive weights behind it: how much evidence the session holds. */
  strength: number;
}

/** The session vector of `interactions`, or null without a positive interaction. */
export function sessionVector(interactions: readonly FoldInInteraction[], model: FoldInModel | null): SessionVector | null {
  const positive = interactions.filter((interaction) => interaction.weight > 0);
  if (positive.length === 0) return null;
  const strength = positive.reduce((sum, interaction) => sum + interaction.weight, 0);
  if (model) {
    const vector = foldInUserVector(model, interactions);
    if (vector) return { vector: Array.from(vector), method: "als_fold_in", strength };
  }
  const k = positive[0]!.vector.length;
  const mean = new Array<number>(k).fill(0);
  for (const { vector, weight } of positive) for (let d = 0; d < k; d++) mean[d]! += (weight / strength) * vector[d]!;
  return { vector: mean, method: "item_average", strength };
}
