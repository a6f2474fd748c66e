/**
 * Request validation with zod through @hono/zod-validator, reporting failures in the API's error
 * shape: 400 `invalid_request` with the zod issues as details. The middleware also carries its
 * schema for the OpenAPI document (hono-openapi reads it from the route, openapi/openapi-document.ts):
 * the schema that validates a request is the one the document shows.
 */
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import { resolver, uniqueSymbol } from "hono-openapi";
import type { ZodType } from "zod";
import { ApiError } from "../errors/api-error";

/** A validator middleware for `target` that throws {@link ApiError} on bad input, documented in the OpenAPI document. */
export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) {
  const middleware = zValidator(target, schema, (result) => {
    if (!result.success) {
      const issues = result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
      const first = issues[0];
      throw new ApiError(400, "invalid_request", first ? `${first.path || target}: ${first.message}` : "invalid request", issues);
    }
  });
  return Object.assign(middleware, { [uniqueSymbol]: { target, ...resolver(schema) } });
}
