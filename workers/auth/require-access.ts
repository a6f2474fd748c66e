/**
 * What a verified credential may do on a route: `requireScope` checks a scope, the `actsFor*`
 * guards check that a user token acts only for its own user (the user id read from the route's
 * query or path). Each answers 403 JSON; authentication itself (401) is authenticate.ts.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors/api-error";
import { assertActsFor, assertScope, type Principal, type Scope } from "./principal";

/** The request's principal; 401 when no credential was verified (a route mounted without authenticate). */
export function principalOf(c: Context<AppEnv>): Principal {
  const principal = c.get("principal") as Principal | undefined;
  if (!principal) throw new ApiError(401, "unauthorized", "missing credential: send 'Authorization: Bearer <key or user token>'");
  return principal;
}

/** A middleware that answers 403 `forbidden` unless the credential holds `scope`. */
export function requireScope(scope: Scope) {
  return createMiddleware<AppEnv>(async (c, next) => {
    assertScope(principalOf(c), scope);
    await next();
  });
}

/**
 * A middleware that answers 403 `forbidden_user` when a user token asks for another user than its
 * own in the query parameter `name` (a missing parameter is left to the route's validation).
 */
export function actsForQueryUser(name = "user_id") {
  return createMiddleware<AppEnv>(async (c, next) => {
    const userId = c.req.query(name);
    if (userId !== undefined) assertActsFor(principalOf(c), userId);
    await next();
  });
}

/** Like {@link actsForQueryUser}, for the path parameter `name`. */
export function actsForPathUser(name = "user_id") {
  return createMiddleware<AppEnv>(async (c, next) => {
    const userId = c.req.param(name);
    if (userId !== undefined) assertActsFor(principalOf(c), userId);
    await next();
  });
}
