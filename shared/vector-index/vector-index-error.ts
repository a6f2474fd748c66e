/**
 * Typed errors raised by vector index implementations; `code` is machine-readable and `kind`
 * tells the Worker whether to answer 4xx (`caller`) or to fall back down the ladder (`backend`).
 */

/** Why a vector index call was refused or failed. */
export type VectorIndexErrorCode =
  | "invalid_vector"
  | "invalid_id"
  | "invalid_namespace"
  | "invalid_metadata"
  | "invalid_filter"
  | "invalid_options"
  | "top_k_exceeded"
  | "batch_too_large"
  | "dimension_mismatch"
  | "misconfigured"
  | "unavailable";

/**
 * Who is at fault: `caller` errors come from the request (bad vector, topK, filter, …) and map to
 * 4xx; `backend` errors (index down, not configured, unknown backend) trigger the fallback ladder.
 */
export type VectorIndexErrorKind = "caller" | "backend";

/** The kind of every code; a `Record` so a new code cannot be added without classifying it. */
export const VECTOR_INDEX_ERROR_KIND: Record<VectorIndexErrorCode, VectorIndexErrorKind> = {
  invalid_vector: "caller",
  invalid_id: "caller",
  invalid_namespace: "caller",
  invalid_metadata: "caller",
  invalid_filter: "caller",
  invalid_options: "caller",
  top_k_exceeded: "caller",
  batch_too_large: "caller",
  dimension_mismatch: "caller",
  misconfigured: "backend",
  unavailable: "backend",
};

/** A vector index error: see `VECTOR_INDEX_ERROR_KIND` for which codes are caller errors. */
export class VectorIndexError extends Error {
  constructor(
    readonly code: VectorIndexErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "VectorIndexError";
  }

  /** `caller` (answer 4xx) or `backend` (fall back to item-to-item lists and trending). */
  get kind(): VectorIndexErrorKind {
    return VECTOR_INDEX_ERROR_KIND[this.code];
  }
}

/** True when `code` is one of the known `VectorIndexErrorCode`s. */
export function isVectorIndexErrorCode(code: string): code is VectorIndexErrorCode {
  return Object.hasOwn(VECTOR_INDEX_ERROR_KIND, code);
}
