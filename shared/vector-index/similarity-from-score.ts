/**
 * What a Vectorize score means per metric. Vectorize reports cosine similarity (higher is
 * better), euclidean distance (lower is better) and the NEGATIVE dot product (lower is better;
 * developers.cloudflare.com/vectorize/best-practices/create-indexes/#distance-metrics). Code that
 * mixes candidate sources should compare `similarityFromScore` values, never raw scores.
 */
import type { VectorMetric } from "./vector-index";

/** Whether a larger raw score is a better match. */
export const SCORE_ORDER: Record<VectorMetric, "higher-is-better" | "lower-is-better"> = {
  cosine: "higher-is-better",
  euclidean: "lower-is-better",
  "dot-product": "lower-is-better",
};

/**
 * A higher-is-better similarity from a raw score: cosine similarity, the negated euclidean
 * distance, or the dot product itself.
 * @example similarityFromScore("dot-product", -3.5) // 3.5
 */
export function similarityFromScore(metric: VectorMetric, score: number): number {
  return SCORE_ORDER[metric] === "higher-is-better" ? score : -score;
}
