/**
 * Builds the funnel's services from the Worker's bindings and vars: the vector index selected by
 * VECTOR_INDEX_BACKEND (the serving release's, releases/serving-release.ts), the rankers in
 * fallback order (sidecar — asked for the release's model version — behind a circuit breaker, light),
 * the session reader and exposure recorder,
 * and the exploration settings.
 */
import type { VectorIndex } from "../shared/vector-index/vector-index";
import { VectorIndexError } from "../shared/vector-index/vector-index-error";
import type { RecommendDeps } from "./recommend/recommend";
import { sharedCircuitBreaker } from "./ranking/circuit-breaker";
import { withCircuitBreaker } from "./ranking/circuit-breaker-ranker";
import { createLightRanker } from "./ranking/light";
import type { Ranker } from "./ranking/ranker";
import { createSidecarRanker } from "./ranking/sidecar";
import { positiveIntegerVar } from "./config/env-vars";
import { subrequestFetch } from "./metrics/subrequest-counter";
import { explorationConfigFor } from "./exploration/exploration-config";
import { releaseOf } from "./releases/serving-release";
import { type SelectVectorIndexOptions, selectVectorIndex } from "./vector-index/select-vector-index";

/**
 * The vector index for this environment (the serving release's, or the one `options` names: an
 * embedded index, a Vectorize slot); a misconfiguration becomes an index that is unavailable.
 */
export function vectorIndexFor(env: Env, options: SelectVectorIndexOptions = {}): VectorIndex {
  try {
    return selectVectorIndex(env, options);
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

/**
 * The rankers in fallback order: the sidecar (when RANKER_URL is set; authenticated with the
 * RANKER_TOKEN secret) behind this isolate's
 * circuit breaker, then the light ranker from KV; the funnel appends retrieval order.
 */
export function rankersFor(env: Env): Ranker[] {
  const light = createLightRanker({ kv: env.KV });
  if (!env.RANKER_URL) return [light];
  const release = releaseOf(env);
  const sidecar = createSidecarRanker({
    ...(release ? { modelVersion: release.id } : {}),
    baseUrl: env.RANKER_URL,
    token: env.RANKER_TOKEN,
    timeoutMs: millis(env.RANKER_TIMEOUT_MS, 250),
    fetch: subrequestFetch(env, "RANKER_URL"),
  });
  const breaker = sharedCircuitBreaker(`sidecar ${env.RANKER_URL}`, {
    failureThreshold: positiveIntegerVar(env.RANKER_BREAKER_FAILURES, 5),
    cooldownMs: millis(env.RANKER_BREAKER_COOLDOWN_MS, 10_000),
  });
  return [withCircuitBreaker(sidecar, breaker), light];
}

/** Everything `recommend()` needs, for this environment. */
export function recommendDepsFor(env: Env): RecommendDeps {
  return {
    kv: env.KV,
    index: vectorIndexFor(env),
    rankers: rankersFor(env),
    readSession: (userId, options) => env.USER_SESSION.getByName(userId).snapshot(options),
    recordExposures: (userId, requestId, exposures) => env.USER_SESSION.getByName(userId).recordExposures(requestId, exposures),
    exploration: explorationConfigFor(env),
  };
}
