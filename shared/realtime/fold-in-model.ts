/**
 * What the edge needs to fold a session into the trained ALS space, published by the pipeline to
 * KV under `kvKeys.foldIn`: the item Gram matrix YᵀY, the regularisation λ and confidence scale α
 * the factors were trained with, and optional prototype vectors that seed new users (onboarding
 * categories, demographic segments). Validated with {@link foldInModelSchema} when read.
 */
import { z } from "zod";

/** Largest embedding size the edge folds in (a k×k Cholesky per refresh). */
export const MAX_FOLD_IN_DIMENSIONS = 256;

/** Schema of the KV value; checks that the Gram matrix is k×k and every vector has k entries. */
export const foldInModelSchema = z
  .object({
    /** The model version whose item vectors are in the index (the manifest's `modelVersion`). */
    modelVersion: z.string().min(1),
    /** k, the embedding size. */
    dimensions: z.number().int().min(1).max(MAX_FOLD_IN_DIMENSIONS),
    /** YᵀY over all trained item vectors, row-major k×k, WITHOUT λ on the diagonal. */
    gram: z.array(z.number().finite()),
    /** λ, the L2 penalty of the trained model. */
    regularization: z.number().finite().min(0),
    /** α in c = 1 + α · (summed event weight). */
    alpha: z.number().finite().min(0),
    /** Mean trained item vector per category: the pseudo-item a preferred category stands for. */
    categoryVectors: z.record(z.string(), z.array(z.number().finite())).optional(),
    /** Mean trained user vector per demographic segment (`age_bucket:25-34`, `country:DE`, …). */
    segmentVectors: z.record(z.string(), z.array(z.number().finite())).optional(),
  })
  .superRefine((model, ctx) => {
    const k = model.dimensions;
    if (model.gram.length !== k * k) {
      ctx.addIssue({ code: "custom", path: ["gram"], message: `expected ${k * k} entries (k×k), got ${model.gram.length}` });
    }
    for (const field of ["categoryVectors", "segmentVectors"] as const) {
      for (const [name, vector] of Object.entries(model[field] ?? {})) {
        if (vector.length !== k)
          ctx.addIssue({ code: "custom", path: [field, name], message: `expected ${k} entries, got ${vector.length}` });
      }
    }
  });

/** The fold-in model as stored in KV. */
export type FoldInModel = z.infer<typeof foldInModelSchema>;
