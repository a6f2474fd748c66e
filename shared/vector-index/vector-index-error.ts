/** Typed errors raised by vector index implementations; `code` is machine-readable. */

/** Why a vector index call was refused or failed. */
export type VectorIndexErrorCode =
  | "invalid_vector"
  | "invalid_id"
  | "invalid_metadata"
  | "invalid_filter"
  | "top_k_exceeded"
  | "batch_too_large"
  | "dimension_mismatch"
  | "unavailable";

/** A vector index error: `invalid_*`, `*_exceeded` and `*_mismatch` are caller errors. */
export class VectorIndexError extends Error {
  constructor(
    readonly code: VectorIndexErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "VectorIndexError";
  }
}
