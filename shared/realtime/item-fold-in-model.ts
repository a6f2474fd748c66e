/**
 * What the edge needs to place a new item among the trained item vectors, published by the
 * pipeline to KV under `kvKeys.itemFoldIn`: the trained item vectors' norm statistics (median
 * norm overall and per category) and the user Gram matrix XᵀX with the training λ and α.
 *
 * - **Norm calibration.** The content encoder is a ridge regression onto the item vectors, so its
 *   outputs shrink towards the mean: their norms are short next to trained vectors, and under
 *   dot-product ANN a new item never reaches a user's top 100. `PUT /v1/items` rescales the encoded
 *   vector to the median norm of trained items of its category (else overall).
 * - **Item fold-in.** Once users interact with a new item, its least-squares vector against their
 *   trained vectors is the ALS item half-step transposed: y = (XᵀX + Xᵤᵀ(Cᵤ − I)Xᵤ + λI)⁻¹ Xᵤᵀ Cᵤ pᵤ
 *   (the same solver as the user fold-in, shared/realtime/fold-in-user-vector.ts, with X for Y).
 */
import { z } from "zod";
import { gramMatrix } from "../math/gram-matrix";
import { type FoldInInteraction, foldInUserVector } from "./fold-in-user-vector";
import { checkGramShape, gramFoldInFields } from "./fold-in-model";

/** Schema of the KV value (XᵀX: the user Gram matrix); checks that the Gram matrix is k×k. */
export const itemFoldInModelSchema = z
  .object({
    ...gramFoldInFields,
    /** Median L2 norm of the trained (non-zero) item vectors, overall and per category. */
    norms: z.object({ overall: z.number().finite().positive(), categories: z.record(z.string(), z.number().finite().positive()) }),
  })
  .superRefine(checkGramShape);

/** The item fold-in model (norm statistics, XᵀX, λ, α). */
export type ItemFoldInModel = z.output<typeof itemFoldInModelSchema>;

/** Inputs of {@link buildItemFoldInModel}. */
export interface ItemFoldInModelInput {
  modelVersion: string;
  dimensions: number;
  /** Item factors, row-major `items × dimensions`. */
  itemFactors: ArrayLike<number>;
  /** Category of each item row. */
  itemCategories: readonly string[];
  /** User factors, row-major `users × dimensions`. */
  userFactors: ArrayLike<number>;
  regularization: number;
  alpha: number;
  /** Significant digits kept per number (default 7). */
  precision?: number;
}

/** The model for a trained factorisation; null when no item has a non-zero vector. */
export function buildItemFoldInModel(input: ItemFoldInModelInput): ItemFoldInModel | null {
  const k = input.dimensions;
  const round = (x: number) => Number(x.toPrecision(input.precision ?? 7));
  const items = input.itemFactors.length / k;
  const all: number[] = [];
  const byCategory = new Map<string, number[]>();
  for (let i = 0; i < items; i++) {
    let squared = 0;
    for (let d = 0; d < k; d++) squared += input.itemFactors[i * k + d]! ** 2;
    if (squared === 0) continue;
    const norm = Math.sqrt(squared);
    all.push(norm);
    const category = input.itemCategories[i];
    if (category) byCategory.set(category, [...(byCategory.get(category) ?? []), norm]);
  }
  if (all.length === 0) return null;
  const users = input.userFactors.length / k;
  return {
    modelVersion: input.modelVersion,
    dimensions: k,
    gram: Array.from(gramMatrix(input.userFactors, users, k), round),
    regularization: input.regularization,
    alpha: input.alpha,
    norms: {
      overall: round(median(all)),
      categories: Object.fromEntries([...byCategory].sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, norms]) => [c, round(median(norms))])),
    },
  };
}

/** The norm a new item of `category` is calibrated to: its category's median, else the overall median. */
export function targetItemNorm(model: Pick<ItemFoldInModel, "norms">, category: string | undefined): number {
  return (category !== undefined ? model.norms.categories[category] : undefined) ?? model.norms.overall;
}

/**
 * `vector` rescaled to the target norm of its category (direction unchanged); a zero vector stays zero.
 * @example calibrateItemNorm([3, 4], { norms: { overall: 10, categories: {} } }, "Drama") // → [6, 8]
 */
export function calibrateItemNorm(
  vector: readonly number[],
  model: Pick<ItemFoldInModel, "norms">,
  category: string | undefined,
): number[] {
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
  if (norm === 0) return [...vector];
  const scale = targetItemNorm(model, category) / norm;
  return vector.map((x) => x * scale);
}

/**
 * The item's least-squares vector against the trained vectors of the users who interacted with it
 * (`weight` = the user's summed event weight on the item; negative = disliked); null without a
 * positive interaction.
 * @example foldInItemVector(model, [{ vector: userVector, weight: 1 }])
 */
export function foldInItemVector(model: ItemFoldInModel, users: readonly FoldInInteraction[]): number[] | null {
  const vector = foldInUserVector(model, users);
  return vector ? Array.from(vector) : null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
