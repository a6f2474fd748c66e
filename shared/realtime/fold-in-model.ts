/**
 * What the edge needs to fold a session into the trained ALS space, published by the pipeline to
 * KV under `kvKeys.foldIn`: the item Gram matrix YᵀY, the regularisation λ and confidence scale α
 * the factors were trained with, and optional prototype vectors that seed new users (onboarding
 * categories, demographic segments). Validated with {@link foldInModelSchema} when read.
 */
import { z } from "zod";

/** Largest embedding size the edge folds in (a k×k Cholesky per refresh). */
export const MAX_FOLD_IN_DIMENSIONS = 256;

/**
 * The fields every Gram-matrix fold-in shares (the user fold-in here, the item fold-in in
 * item-fold-in-model.ts): the model version, k, the k×k Gram matrix of the other side's trained
 * vectors WITHOUT λ on the diagonal, λ and α.
 */
export const gramFoldInFields = {
  /** The model version whose vectors are in the index and KV (the manifest's `modelVersion`). */
  modelVersion: z.string().min(1),
  /** k, the embedding size. */
  dimensions: z.number().int().min(1).max(MAX_FOLD_IN_DIMENSIONS),
  /** The other side's Gram matrix, row-major k×k, WITHOUT λ on the diagonal. */
  gram: z.array(z.number().finite()),
  /** λ, the L2 penalty of the trained model. */
  regularization: z.number().finite().min(0),
  /** α in c = 1 + α · (summed event weight). */
  alpha: z.number().finite().min(0),
};

/** Adds an issue when `gram` is not k×k (a `superRefine` step of the schemas built on {@link gramFoldInFields}). */
export function checkGramShape(model: { dimensions: number; gram: readonly number[] }, ctx: z.RefinementCtx): void {
  const k = model.dimensions;
  if (model.gram.length !== k * k) {
    ctx.addIssue({ code: "custom", path: ["gram"], message: `expected ${k * k} entries (k×k), got ${model.gram.length}` });
  }
}

/** Schema of the KV value (YᵀY: the item Gram matrix); checks that the Gram matrix is k×k and every vector has k entries. */
export const foldInModelSchema = z
  .object({
    ...gramFoldInFields,
    /** Mean trained item vector per category: the pseudo-item a preferred category stands for. */
    categoryVectors: z.record(z.string(), z.array(z.number().finite())).optional(),
    /** Mean trained user vector per demographic segment (`age_bucket:25-34`, `country:DE`, …). */
    segmentVectors: z.record(z.string(), z.array(z.number().finite())).optional(),
  })
  .superRefine((model, ctx) => {
    checkGramShape(model, ctx);
    const k = model.dimensions;
    for (const field of ["categoryVectors", "segmentVectors"] as const) {
      for (const [name, vector] of Object.entries(model[field] ?? {})) {
        if (vector.length !== k)
          ctx.addIssue({ code: "custom", path: [field, name], message: `expected ${k} entries, got ${vector.length}` });
      }
    }
  });

/** The fold-in model as stored in KV. */
export type FoldInModel = z.infer<typeof foldInModelSchema>;
