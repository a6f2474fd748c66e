/**
 * The rank stage of the funnel: tries the rankers in fallback order (sidecar, light), then
 * retrieval order, which never fails. Each ranker that fails with a {@link RankerError} (any other
 * error counts as `unavailable`) becomes one `ranker` fallback whose `used` names the ranker that
 * finally served; the failed ranker and its error are in `detail`.
 */
import { FEATURE_SPEC } from "../../shared/features/feature-spec";
import { RANKER_NAMES, type RankerName } from "../../shared/ranking/ranker-name";
import { errorMessage } from "../../shared/errors/error-message";
import type { FallbackLog } from "../fallbacks/fallback-log";
import { type Ranker, RankerError, type RankerErrorReason } from "./ranker";
import { retrievalOrderRanker } from "./retrieval-order";

/** What the rank stage produced: one score per row, and who scored. */
export interface Ranked {
  scores: number[];
  ranker: RankerName;
  modelVersion?: string;
}

/**
 * Scores `rows` with the first ranker of `rankers` that can. The chain is taken in
 * {@link RANKER_NAMES} order, so the sidecar is only ever the first rung and a fallback always
 * names a ranker after it.
 */
export async function rankWithFallback(rows: number[][], rankers: readonly Ranker[], fallbacks: FallbackLog): Promise<Ranked> {
  if (rows.length === 0) return { scores: [], ranker: retrievalOrderRanker.name };
  const chain = [...rankers, retrievalOrderRanker].sort((a, b) => RANKER_NAMES.indexOf(a.name) - RANKER_NAMES.indexOf(b.name));
  const failures: { reason: RankerErrorReason; detail: string }[] = [];
  for (const ranker of chain) {
    try {
      const result = await ranker.rank({ rows, featureSpecHash: FEATURE_SPEC.hash });
      const used = ranker.name;
      if (used !== "sidecar") {
        for (const failure of failures) fallbacks.add({ stage: "ranker", reason: failure.reason, used }, failure.detail);
      }
      return { scores: result.scores, ranker: used, ...(result.modelVersion !== undefined ? { modelVersion: result.modelVersion } : {}) };
    } catch (error) {
      const reason = error instanceof RankerError ? error.reason : "unavailable";
      failures.push({ reason, detail: `${ranker.name}: ${errorMessage(error)}` });
    }
  }
  throw new Error("unreachable: retrieval order always ranks");
}
