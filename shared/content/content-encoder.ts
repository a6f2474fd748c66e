/**
 * The content encoder: maps item metadata (genres, release year, title words) into the
 * collaborative embedding space with a linear map W fitted offline by ridge regression onto the
 * trained ALS item factors (pipeline/models/content-encoder.ts). A new item gets a vector the
 * moment it is added, so ANN retrieves it before anyone has interacted with it. Published to KV
 * under `kvKeys.contentEncoder`; validated with {@link contentEncoderModelSchema} when read.
 */
import { z } from "zod";
import { type ContentFeatureSpec, type ContentMetadata, contentFeatureCount, contentFeatures } from "./content-features";

/** Schema of the published encoder (checks that W is features × dimensions). */
export const contentEncoderModelSchema = z
  .object({
    kind: z.literal("linear-content-encoder"),
    /** The ALS model version whose item space the encoder maps into. */
    modelVersion: z.string().min(1),
    /** k, the embedding size. */
    dimensions: z.number().int().min(1),
    features: z.object({
      genres: z.array(z.string()),
      decades: z.object({ first: z.number().int(), count: z.number().int().min(0) }),
      year: z.object({ mean: z.number().finite(), std: z.number().finite().min(0) }),
      titleBuckets: z.number().int().min(0),
    }),
    /** W, row-major `featureCount × dimensions`. */
    weights: z.array(z.number().finite()),
    /** Ridge penalty it was fitted with. */
    ridge: z.number().min(0),
    /** Quality on items held out of the fit (mean cosine to their trained vectors), and sizes. */
    metrics: z.record(z.string(), z.number()).optional(),
  })
  .superRefine((model, ctx) => {
    const expected = contentFeatureCount(model.features) * model.dimensions;
    if (model.weights.length !== expected) {
      ctx.addIssue({
        code: "custom",
        path: ["weights"],
        message: `expected ${expected} entries (features × dimensions), got ${model.weights.length}`,
      });
    }
  });

/** A published content encoder. */
export type ContentEncoderModel = z.infer<typeof contentEncoderModelSchema> & { features: ContentFeatureSpec };

/**
 * The vector of an item with `metadata` in the collaborative space: featuresᵀ · W.
 * @example
 * const vector = encodeItemContent(model, { title: "The Silent Harbor", genres: ["Drama"], year: 2019 });
 */
export function encodeItemContent(model: ContentEncoderModel, metadata: ContentMetadata): number[] {
  const k = model.dimensions;
  const row = contentFeatures(metadata, model.features);
  const vector = new Array<number>(k).fill(0);
  for (let f = 0; f < row.length; f++) {
    const x = row[f]!;
    if (x === 0) continue;
    for (let d = 0; d < k; d++) vector[d]! += x * model.weights[f * k + d]!;
  }
  return vector;
}
