/**
 * "More like this" candidates: the nearest items to a seed item in the embedding space (source
 * `similar`). One neighbour lookup for both ways of asking — `GET /v1/items/:id/similar` (the
 * neighbours as they are) and `surface=more_like_this` (the neighbours through the funnel:
 * session exclusions, ranker, rules, "More like X"). When the vector index fails, both record
 * `candidates / unavailable / popular` and the caller serves from the lists instead.
 */
import type { FallbackRung } from "../../shared/fallbacks/fallback-ladder";
import type { VectorIndex, VectorRecord } from "../../shared/vector-index/vector-index";
import { ApiError } from "../errors/api-error";
import type { FallbackLog } from "../fallbacks/fallback-log";
import { annCandidates } from "./ann";
import type { Candidate, CandidateSource } from "./candidate";

/** The seed item; 404 `item_not_found` when the index does not hold it, null (and a fallback) when the index fails. */
export async function readSeedItem(index: VectorIndex, itemId: string, fallbacks: FallbackLog): Promise<VectorRecord | null> {
  let seed: VectorRecord | undefined;
  try {
    [seed] = await index.getByIds([itemId]);
  } catch (error) {
    fallbacks.add({ stage: "candidates", reason: "unavailable", used: "popular" }, error);
    return null;
  }
  if (!seed) throw new ApiError(404, "item_not_found", `no item '${itemId}' in the vector index`);
  return seed;
}

/** Where {@link similarCandidates} records a failed neighbour query unless told otherwise. */
const INDEX_FAILED: FallbackRung = { stage: "candidates", reason: "unavailable", used: "popular" };

/**
 * Up to `topK` items nearest to `seed`, best first, without the seed, tagged `source` (default
 * `similar`); null (and the `failure` rung) when the index fails.
 */
export async function similarCandidates(
  index: VectorIndex,
  seed: VectorRecord,
  topK: number,
  fallbacks: FallbackLog,
  { source = "similar", failure = INDEX_FAILED }: { source?: CandidateSource; failure?: FallbackRung } = {},
): Promise<Candidate[] | null> {
  try {
    const neighbours = await annCandidates(index, seed.values, { topK, source });
    return neighbours.filter((candidate) => candidate.itemId !== seed.id);
  } catch (error) {
    fallbacks.add(failure, error);
    return null;
  }
}
