/**
 * Shadow mode: a candidate ranker scores the rows the live ranker served, in the background, and
 * its agreement with the live ranking is logged (`shadow_ranking`: overlap@k, Kendall's τ;
 * shared/ranking/ranking-agreement.ts). The response never changes; a failure is only logged.
 */
import { FEATURE_SPEC } from "../../shared/features/feature-spec";
import { rankingAgreement } from "../../shared/ranking/ranking-agreement";
import type { Logger } from "../logger/logger";
import type { Ranked } from "./rank-with-fallback";
import type { Ranker } from "./ranker";

/** Scores `rows` with `shadow` and logs how far its top `k` agrees with `live`. */
export async function shadowRank(shadow: Ranker, rows: number[][], live: Ranked, k: number, logger: Logger): Promise<void> {
  try {
    const result = await shadow.rank({ rows, featureSpecHash: FEATURE_SPEC.hash });
    const agreement = rankingAgreement(live.scores, result.scores, k);
    logger.info("shadow_ranking", {
      live: live.ranker,
      shadow: shadow.name,
      candidates: rows.length,
      overlap_at_k: round(agreement.overlapAtK),
      k: agreement.k,
      kendall_tau: round(agreement.kendallTau),
    });
  } catch (error) {
    logger.warn("shadow_ranking_failed", { shadow: shadow.name, error });
  }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
