/**
 * The error every route reports: an HTTP status plus a machine-readable code, rendered as
 * `{"error": {"code", "message", "details"?}}`.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";

/** Machine-readable error codes of the public API. */
export const API_ERROR_CODES = [
  "invalid_request",
  "invalid_json",
  "unauthorized",
  "forbidden",
  "forbidden_user",
  "rate_limited",
  "key_limit_reached",
  "not_found",
  "item_not_found",
  "payload_too_large",
  "unsupported_backend",
  "index_error",
  "session_unavailable",
  "event_log_unavailable",
  "model_not_published",
  "dimension_mismatch",
  "invalid_config",
  "flag_list_full",
  "catalog_publish_failed",
  "release_not_ready",
  "release_in_use",
  "no_free_vector_slot",
  "internal",
] as const;

/** A machine-readable error code of the public API. */
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** The JSON body of every error response (the OpenAPI document's `ApiError`). */
export const apiErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(API_ERROR_CODES),
      message: z.string(),
      details: z.unknown().optional().describe("Route-specific detail: the zod issues of a rejected request, rejected events, …"),
    }),
  })
  .meta({ id: "ApiError", description: "Every 4xx and 5xx answer: a machine-readable code and a message." });

/** An error with an HTTP status, thrown by routes and rendered by the app's error handler. */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The JSON body of this error. */
  toJSON(): { error: { code: ApiErrorCode; message: string; details?: unknown } } {
    return {
      error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) },
    };
  }
}
