/** ANN candidates: nearest items to the user's vector in the vector index. */
import type { VectorIndex, VectorMatch } from "../../shared/vector-index/vector-index";
import { ITEM_INDEX_METRIC } from "../../shared/artifacts/item-metadata";
import { VECTORIZE_LIMITS } from "../../shared/vector-index/limits";
import { similarityFromScore } from "../../shared/vector-index/similarity-from-score";
import type { Candidate, CandidateSource } from "./candidate";

/** Options of {@link annCandidates}. */
export interface AnnCandidateOptions {
  /** How many neighbours to ask for (capped at Vectorize's topK limit of 100). */
  topK?: number;
  source?: CandidateSource;
}

/**
 * Converts an index match with indexed metadata into a candidate; the retrieval score is the
 * similarity (higher is better: Vectorize reports dot-product scores negated), i.e. the same
 * user·item dot product the ranker was trained on.
 */
export function candidateFromMatch(match: VectorMatch, source: CandidateSource): Candidate {
  const metadata = match.metadata ?? {};
  return {
    itemId: match.id,
    source,
    retrievalScore: similarityFromScore(ITEM_INDEX_METRIC, match.score),
    category: typeof metadata.category === "string" ? metadata.category : undefined,
    popularity: typeof metadata.popularity === "number" ? metadata.popularity : undefined,
    recentPopularity: typeof metadata.recent_popularity === "number" ? metadata.recent_popularity : undefined,
    releasedAt: typeof metadata.released_at === "number" ? metadata.released_at : undefined,
    sponsored: typeof metadata.sponsored === "boolean" ? metadata.sponsored : undefined,
  };
}

/** Items nearest to `vector`, best first. */
export async function annCandidates(index: VectorIndex, vector: number[], options: AnnCandidateOptions = {}): Promise<Candidate[]> {
  const { topK, source } = { topK: VECTORIZE_LIMITS.maxTopK, source: "ann" as const, ...options };
  const result = await index.query(vector, {
    topK: Math.min(topK, VECTORIZE_LIMITS.maxTopK),
    returnMetadata: "indexed",
  });
  return result.matches.map((match) => candidateFromMatch(match, source));
}
