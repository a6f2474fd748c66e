/**
 * A JSON body validated by a zod schema before the handler runs, and documented with that schema in
 * the OpenAPI document (openapi/openapi-document.ts). The body is read under a byte limit while it
 * streams (routes/read-body-text.ts): 413 `payload_too_large` past it, 400 `invalid_json` when it
 * does not parse, 400 `invalid_request` naming the first issue otherwise. The handler reads it with
 * `c.req.valid("json")`.
 */
import type { Env, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { resolver, uniqueSymbol } from "hono-openapi";
import type { z } from "zod";
import { ApiError } from "../errors/api-error";
import { readJsonBody } from "../routes/read-json-body";

/** Options of {@link jsonBody}. */
export interface JsonBodyOptions {
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** The 400 message for a body the schema rejects; default: the first issue's path and message. */
  invalidMessage?: (issue: z.core.$ZodIssue | undefined) => string;
}

const firstIssueMessage = (issue: z.core.$ZodIssue | undefined) =>
  issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "invalid body";

/**
 * Validates the request's JSON body with `schema`.
 *
 * @example
 * .post("/", jsonBody(newKeySchema, { maxBytes: 4096 }), async (c) => { const { name } = c.req.valid("json"); … })
 */
export function jsonBody<Schema extends z.ZodType, E extends Env = Env, P extends string = string>(
  schema: Schema,
  options: JsonBodyOptions,
): MiddlewareHandler<E, P, { in: { json: z.input<Schema> }; out: { json: z.output<Schema> } }> {
  const { maxBytes, invalidMessage = firstIssueMessage } = options;
  const middleware = createMiddleware(async (c, next) => {
    const parsed = schema.safeParse(await readJsonBody(c.req.raw, maxBytes));
    if (!parsed.success) throw new ApiError(400, "invalid_request", invalidMessage(parsed.error.issues[0]));
    c.req.addValidatedData("json", parsed.data as object);
    await next();
  });
  return Object.assign(middleware, { [uniqueSymbol]: { target: "json", ...resolver(schema) } });
}
