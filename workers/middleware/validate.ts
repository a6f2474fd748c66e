/**
 * Request validation with zod through @hono/zod-validator, reporting failures in the API's error
 * shape: 400 `invalid_request` with the zod issues as details.
 */
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";
import { ApiError } from "../errors/api-error";

/** A validator middleware for `target` that throws {@link ApiError} on bad input. */
export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const issues = result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
      const first = issues[0];
      throw new ApiError(400, "invalid_request", first ? `${first.path || target}: ${first.message}` : "invalid request", issues);
    }
  });
}
