/**
 * The ranker contract: scores feature rows (built by shared/features/feature-spec.ts) for one
 * request's candidates. Implementations, one file each: `sidecar.ts` (the ONNX model in
 * gpu-sidecar/, wrapped in a circuit breaker by `circuit-breaker-ranker.ts`), `light.ts` (the
 * logistic ranker from KV, scored in the Worker) and `retrieval-order.ts` (no model: keeps the
 * order the candidates were retrieved in). The funnel tries them in that order.
 */
import type { RankerName } from "../../shared/ranking/ranker-name";

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
  /** Scores every row, or throws a {@link RankerError} saying why it cannot. */
  rank(request: RankRequest): Promise<RankResult>;
}

/**
 * Why a ranker could not score: `unavailable` (down, 5xx, nothing published), `timeout`,
 * `rejected` (the request or the model does not fit: feature-spec mismatch, bad rows, bad model),
 * `circuit_open` (skipped without trying: it failed too often recently).
 */
export type RankerErrorReason = "unavailable" | "timeout" | "rejected" | "circuit_open";

/** A ranker could not score; the funnel falls back to the next ranker and records the reason. */
export class RankerError extends Error {
  constructor(
    readonly reason: RankerErrorReason,
    message: string,
  ) {
    super(message);
    this.name = "RankerError";
  }
}
