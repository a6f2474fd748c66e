/**
 * The error every sidecar route reports: a machine-readable code mapped to one HTTP status,
 * rendered as `{"error": {"code", "message"}}` (the same shape as the edge API's errors), plus a
 * `Retry-After` header when the sidecar is overloaded (`queue_full`, `request_timeout`).
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Machine-readable error codes of the sidecar API. */
export type SidecarErrorCode =
  | "invalid_json"
  | "invalid_request"
  | "invalid_features"
  | "unauthorized"
  | "not_found"
  | "feature_spec_mismatch"
  | "model_version_unavailable"
  | "too_many_rows"
  | "payload_too_large"
  | "reload_failed"
  | "inference_failed"
  | "internal"
  | "model_not_loaded"
  | "queue_full"
  | "request_timeout";

/** HTTP status of each code; 4xx codes are the caller's to fix, 5xx the operator's. */
export const SIDECAR_ERROR_STATUS = {
  invalid_json: 400,
  invalid_request: 400,
  invalid_features: 400,
  unauthorized: 401,
  not_found: 404,
  feature_spec_mismatch: 409,
  /** The request named a model version the sidecar does not have and cannot load: the caller ranks without the sidecar. */
  model_version_unavailable: 409,
  too_many_rows: 413,
  payload_too_large: 413,
  reload_failed: 500,
  inference_failed: 500,
  internal: 500,
  model_not_loaded: 503,
  queue_full: 503,
  request_timeout: 503,
} as const satisfies Record<SidecarErrorCode, ContentfulStatusCode>;

/** The JSON body of an error response. */
export interface SidecarErrorBody {
  error: { code: SidecarErrorCode; message: string };
}

/** Options of {@link SidecarError}. */
export interface SidecarErrorOptions {
  /** Sent as `Retry-After` (seconds): when an overloaded sidecar expects to have room again. */
  retryAfterSeconds?: number;
}

/** An error a route throws; the app renders it with its code's status. */
export class SidecarError extends Error {
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: SidecarErrorCode,
    message: string,
    options: SidecarErrorOptions = {},
  ) {
    super(message);
    this.name = "SidecarError";
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** HTTP status of this error. */
  get status(): ContentfulStatusCode {
    return SIDECAR_ERROR_STATUS[this.code];
  }

  /** The JSON body of this error. */
  toJSON(): SidecarErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}
