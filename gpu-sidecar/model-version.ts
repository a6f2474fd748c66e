/**
 * Model versions a request may name (`x-model-version`, or `model_version` in a JSON body): a
 * release id, which is also the name of its folder in `SIDECAR_RELEASES_DIR`. The check is strict
 * because the name becomes a path: letters, digits, `.`, `_` and `-`, 1–128 characters, and
 * never `.` or `..` (no separator can appear, so the name cannot leave the releases folder).
 */

/** Characters and length of a model version. */
export const MODEL_VERSION_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/** Whether `version` may name a model version (and hence a folder inside the releases folder). */
export function isValidModelVersion(version: string): boolean {
  return MODEL_VERSION_PATTERN.test(version) && version !== "." && version !== "..";
}

/** Why a named model version cannot serve a request. */
export type ModelVersionErrorCode =
  /** The name is not a valid model version (the caller's mistake: 400). */
  | "invalid_version"
  /** No such release, no releases folder, or its model failed to load (409: the caller falls back). */
  | "unavailable";

/** A request named a model version the store cannot serve. */
export class ModelVersionError extends Error {
  constructor(
    readonly code: ModelVersionErrorCode,
    readonly version: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ModelVersionError";
  }
}
