/**
 * The starting vector of a user who gave onboarding demographics: the mean of the trained user
 * vectors of their demographic segments (`FoldInModel.segmentVectors`), before any event.
 */
import { type Demographics, demographicSegments } from "../realtime/demographic-segments";

/**
 * The mean of the segment vectors the demographics name, or null when none is published.
 * @example seedVector({ country: "DE" }, { "country:DE": [1, 0] }) // → [1, 0]
 */
export function seedVector(demographics: Demographics | undefined, segmentVectors: Record<string, number[]> | undefined): number[] | null {
  const segments = demographicSegments(demographics);
  if (segments.length === 0 || !segmentVectors) return null;
  const vectors = segments.map((segment) => segmentVectors[segment]).filter((v): v is number[] => v !== undefined);
  if (vectors.length === 0) return null;
  return vectors[0]!.map((_, d) => vectors.reduce((sum, v) => sum + v[d]!, 0) / vectors.length);
}
