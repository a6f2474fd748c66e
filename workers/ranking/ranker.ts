/**
 * The ranker contract: scores feature rows (built by shared/features/feature-spec.ts) for one
 * request's candidates. Implementations: `sidecar` (the ONNX model in gpu-sidecar/) and
 * `retrieval-order` (no model: keeps the order the candidates were retrieved in).
 */

/** Names of the rankers; the response says which one served. */
export type RankerName = "sidecar" | "retrieval_order";

/** What a ranker scores. */
export interface RankRequest {
  /** One row per candidate, in candidate order. */
  rows: number[][];
  /** `FEATURE_SPEC.hash` of the code that built the rows. */
  featureSpecHash: string;
}

/** Scores, one per row (higher is better), and the model that produced them. */
export interface RankResult {
  scores: number[];
  modelVersion?: string;
}

/** A ranker. */
export interface Ranker {
  readonly name: RankerName;
  rank(request: RankRequest): Promise<RankResult>;
}

/** Why a ranker could not score; the funnel falls back to the next ranker. */
export class RankerError extends Error {
  constructor(
    readonly reason: "unavailable" | "timeout" | "rejected",
    message: string,
  ) {
    super(message);
    this.name = "RankerError";
  }
}
