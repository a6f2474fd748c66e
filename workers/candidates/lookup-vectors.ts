/**
 * Item vectors by id from the vector index, for the parts of the funnel that need embeddings of
 * candidates the ANN query did not return them for: the user–item similarity of list candidates
 * (ranking features) and MMR and "because you watched X" (re-ranking). One batch of `getByIds`
 * calls, ≤ 20 ids each (Vectorize returns values for at most 20 vectors per call). Best effort: a
 * failed lookup records a fallback and gives no vectors.
 */
import type { VectorIndex, VectorRecord } from "../../shared/vector-index/vector-index";
import type { FallbackRung } from "../../shared/fallbacks/fallback-ladder";
import type { FallbackLog } from "../fallbacks/fallback-log";

/** Most ids per `getByIds` call. */
export const IDS_PER_LOOKUP = 20;

/**
 * The records of `ids` (duplicates and ids in `known` are not fetched again), merged with `known`;
 * when the lookup fails, `failure` (the rung of the stage that goes on without vectors) is recorded.
 */
export async function lookupVectors(
  index: VectorIndex,
  ids: readonly string[],
  fallbacks: FallbackLog,
  failure: FallbackRung,
  known: ReadonlyMap<string, VectorRecord> = new Map(),
): Promise<Map<string, VectorRecord>> {
  const missing = [...new Set(ids)].filter((id) => !known.has(id));
  const records = new Map(known);
  if (missing.length === 0) return records;
  const chunks: string[][] = [];
  for (let k = 0; k < missing.length; k += IDS_PER_LOOKUP) chunks.push(missing.slice(k, k + IDS_PER_LOOKUP));
  try {
    const results = await Promise.all(chunks.map((chunk) => index.getByIds(chunk)));
    for (const record of results.flat()) records.set(record.id, record);
  } catch (error) {
    fallbacks.add(failure, error);
  }
  return records;
}
