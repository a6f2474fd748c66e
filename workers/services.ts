/**
 * Builds the funnel's services from the Worker's bindings and vars: the vector index selected by
 * VECTOR_INDEX_BACKEND, the rankers in fallback order, and the session reader.
 */
import type { VectorIndex } from "../shared/vector-index/vector-index";
import { VectorIndexError } from "../shared/vector-index/vector-index-error";
import type { RecommendDeps } from "./recommend/recommend";
import { createSidecarRanker } from "./ranking/sidecar";
import { selectVectorIndex } from "./vector-index/select-vector-index";

/** The vector index for this environment; a misconfiguration becomes an index that is unavailable. */
export function vectorIndexFor(env: Env): VectorIndex {
  try {
    return selectVectorIndex(env);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unavailable = async (): Promise<never> => {
      throw new VectorIndexError("unavailable", message);
    };
    return { query: unavailable, upsert: unavailable, getByIds: unavailable, deleteByIds: unavailable, describe: unavailable };
  }
}

/** Milliseconds from a var, or the default when unset or not a positive number. */
function millis(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}

/** Everything `recommend()` needs, for this environment. */
export function recommendDepsFor(env: Env): RecommendDeps {
  return {
    kv: env.KV,
    index: vectorIndexFor(env),
    rankers: env.RANKER_URL
      ? [createSidecarRanker({ baseUrl: env.RANKER_URL, timeoutMs: millis(env.RANKER_TIMEOUT_MS, 250) })]
      : [],
    readSession: (userId) => env.USER_SESSION.getByName(userId).snapshot(),
  };
}
