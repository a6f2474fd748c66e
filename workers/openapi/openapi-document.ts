/**
 * The OpenAPI 3.1 document of the app, generated from its routes (hono-openapi): each route's
 * `operation(...)` (operation.ts) and validators (middleware/validate.ts, middleware/json-body.ts)
 * give its operation, so the document lists what the app serves and the schemas it checks.
 * Served at `GET /openapi.json` (routes/openapi.ts); client/openapi.json is a committed copy that
 * test/workers/openapi.test.ts keeps equal to it.
 */
import type { Hono } from "hono";
import { type GenerateSpecOptions, generateSpecs, resolver } from "hono-openapi";
import type { AppEnv } from "../app-env";
import { apiErrorSchema } from "../errors/api-error";
import { ERROR_RESPONSE_NAMES, type ErrorStatus } from "./operation";

/** What each shared error response says, by status. */
const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: "Bad input: `invalid_request` (naming the field; a validator's issues in `details`), `invalid_json`, …",
  401: "`unauthorized`: no credential, or a wrong, expired or revoked one.",
  403: "`forbidden`: the credential lacks the route's scope; `forbidden_user`: a user token acting for another user.",
  404: "`not_found` (or `item_not_found`): nothing under that id.",
  409: "The request conflicts with the current state: `release_not_ready`, `release_in_use`, `key_limit_reached`, `unsupported_backend`, …",
  413: "`payload_too_large`: the body (counted while it streams) or a batch is over its limit.",
  429: "`rate_limited`: over the credential's rate limit; retry after `retry-after` seconds.",
  500: "`internal` or `invalid_config`: a server fault.",
  503: "A backend is unavailable (`session_unavailable`, `event_log_unavailable`, `index_error`); retrying is safe.",
};

const errorResponses = Object.fromEntries(
  (Object.keys(ERROR_RESPONSE_NAMES) as unknown as ErrorStatus[]).map((status) => [
    ERROR_RESPONSE_NAMES[status],
    { description: ERROR_DESCRIPTIONS[status], content: { "application/json": { schema: resolver(apiErrorSchema) } } },
  ]),
);

const CREDENTIALS =
  "Every route but `/healthz`, `/openapi.json` and `/docs` needs `Authorization: Bearer <credential>`: the admin key, " +
  "a server key (scopes `recommendations:read`, `events:write`, `admin`) or a user token (a JWT acting for its own user only). " +
  "`x-required-scope` on each operation names the scope it needs.";

/** Options for hono-openapi's generator: the document's frame around the generated paths. */
export const OPENAPI_OPTIONS: Partial<GenerateSpecOptions> = {
  documentation: {
    info: {
      title: "edge-recs API",
      version: "1",
      description: `A recommendation engine on Cloudflare Workers. ${CREDENTIALS} Errors are \`{"error": {"code", "message", "details"?}}\`.`,
    },
    components: {
      securitySchemes: {
        adminKey: { type: "http", scheme: "bearer", description: "The admin key (ADMIN_TOKEN): every scope." },
        serverKey: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "erk_…",
          description: "A server key made with `POST /v1/admin/keys`, holding the scopes it was given.",
        },
        userToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "A user token (HS256 or ES256 JWT, `sub` = user id): `recommendations:read` and `events:write` for its own user.",
        },
      },
      responses: errorResponses,
    },
  },
  excludeStaticFile: false,
  defaultValidationErrorResponse: { $ref: `#/components/responses/${ERROR_RESPONSE_NAMES[400]}` } as never,
};

/** The app's OpenAPI document. */
export function openApiDocument(app: Hono<AppEnv>) {
  return generateSpecs(app, OPENAPI_OPTIONS);
}
