/** Typed errors raised while loading a ranker model; `code` says which check failed. */

/** Why a model could not be loaded. */
export type ModelLoadErrorCode =
  | "manifest_missing"
  | "manifest_invalid"
  | "model_file_missing"
  | "model_invalid"
  | "feature_width_mismatch"
  /** A release folder's manifest names another model version than the folder's name. */
  | "version_mismatch";

/** A model version that cannot be served; the sidecar keeps the previous one (or refuses to start). */
export class ModelLoadError extends Error {
  constructor(
    readonly code: ModelLoadErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ModelLoadError";
  }
}
