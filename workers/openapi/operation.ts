/**
 * `operation({...})` — the OpenAPI description of one route, as a middleware placed before its
 * validators and handler (hono-openapi's `describeRoute`): summary, who may call it, its success
 * response's schema and the error responses it can answer. The request's schemas come from the
 * route's validators themselves (middleware/validate.ts, middleware/json-body.ts), so the document
 * shows exactly what is checked.
 *
 * @example
 * .get("/", operation({ summary: "Trending items", tag: "trending", access: "recommendations:read", response: trendingResponse }),
 *   validate("query", querySchema), async (c) => …)
 */
import { type DescribeRouteOptions, describeRoute, resolver } from "hono-openapi";
import type { z } from "zod";
import type { Scope } from "../auth/principal";

/** Who may call a route: anybody, or a credential holding the scope (app.ts). */
export type Access = "public" | Scope;

/** Error statuses a route may answer, each a shared response of the document (openapi-document.ts). */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503;

/** The shared error response of each status, by name under `components.responses`. */
export const ERROR_RESPONSE_NAMES: Record<ErrorStatus, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  409: "Conflict",
  413: "PayloadTooLarge",
  429: "RateLimited",
  500: "InternalError",
  503: "Unavailable",
};

/** The security schemes (under `components.securitySchemes`) that may call a route of each access. */
const SECURITY: Record<Access, NonNullable<DescribeRouteOptions["security"]>> = {
  public: [],
  "recommendations:read": [{ serverKey: [] }, { userToken: [] }, { adminKey: [] }],
  "events:write": [{ serverKey: [] }, { userToken: [] }, { adminKey: [] }],
  admin: [{ adminKey: [] }, { serverKey: [] }],
};

/**
 * A success answer in other media types than one JSON body, each with its zod schema or as
 * `"text"` / `"binary"` (`GET /docs`, `GET /v1/admin/event-log/object`, `GET /v1/admin/metrics`).
 */
export interface MediaResponse {
  description: string;
  content: Record<string, z.ZodType | "text" | "binary">;
}

/** Options of {@link operation}. */
export interface OperationOptions {
  summary: string;
  description?: string;
  /** The group the reference page lists it under. */
  tag: string;
  access: Access;
  /** The success body: a zod schema (JSON), or other media types. */
  response: z.ZodType | MediaResponse;
  /** Success status; default 200. */
  status?: 200 | 201;
  /** Error statuses besides those every route may answer (401, 403 and 429 when authenticated, 500). */
  errors?: ErrorStatus[];
  /**
   * A body the handler checks itself rather than through a validator middleware (events checked one
   * by one, NDJSON lines): documented with the schema the handler uses.
   */
  requestBody?: { schema: z.ZodType; media: string; description: string };
}

/** The OpenAPI operation of a route, as a no-op middleware hono-openapi finds on the route. */
export function operation(options: OperationOptions) {
  const { summary, description, tag, access, response, status = 200, errors = [], requestBody } = options;
  const implied: ErrorStatus[] = access === "public" ? [500] : [401, 403, 429, 500];
  const errorResponses = Object.fromEntries(
    [...new Set([...errors, ...implied])]
      .sort((a, b) => a - b)
      .map((code) => [String(code), { $ref: `#/components/responses/${ERROR_RESPONSE_NAMES[code]}` }]),
  );
  const success =
    "content" in response
      ? {
          description: response.description,
          content: Object.fromEntries(
            Object.entries(response.content).map(([media, schema]) => [
              media,
              {
                schema:
                  schema === "text"
                    ? { type: "string" as const }
                    : schema === "binary"
                      ? { type: "string" as const, format: "binary" }
                      : resolver(schema, { options: { io: "output" } }),
              },
            ]),
          ),
        }
      : { description: summary, content: { "application/json": { schema: resolver(response, { options: { io: "output" } }) } } };
  const spec: DescribeRouteOptions = {
    summary,
    ...(description ? { description } : {}),
    tags: [tag],
    security: SECURITY[access],
    ...(requestBody
      ? {
          requestBody: {
            required: true,
            description: requestBody.description,
            content: { [requestBody.media]: { schema: resolver(requestBody.schema) } },
          },
        }
      : {}),
    responses: { [String(status)]: success, ...errorResponses },
  };
  return describeRoute(Object.assign(spec, { "x-required-scope": access }));
}
