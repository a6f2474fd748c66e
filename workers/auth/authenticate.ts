/**
 * The credential check every route except `/healthz` passes: `Authorization: Bearer <credential>`,
 * where the credential is the admin key (ADMIN_TOKEN), a server key (api-key-store.ts) or a user
 * token (user-token.ts). Sets `c.var.principal`, counts the request against its rate limit, and
 * answers 401 `unauthorized` for a missing or wrong credential — or 429 once one address has
 * failed too often (AUTH_FAILURE_RATE_LIMIT). Credentials are never logged or echoed.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors/api-error";
import type { Logger } from "../logger/logger";
import { findServerKey, looksLikeServerKey } from "./api-key-store";
import { credentialDigest, digestHex, isAdminKey } from "./credential-digest";
import type { Principal } from "./principal";
import { failedAuthOverLimit, limitPrincipal, rateLimited } from "./rate-limit";
import { looksLikeJwt, UserTokenError, verifyUserToken } from "./user-token";

const ADMIN: Principal = { kind: "admin_key", id: "admin", scopes: ["admin"] };

/** The principal of `credential`, or a 401 saying (without the credential) why not. */
async function principalFor(env: Env, credential: string, logger: Logger): Promise<Principal> {
  const digest = await credentialDigest(credential);
  if (env.ADMIN_TOKEN && (await isAdminKey(digest, env.ADMIN_TOKEN))) return ADMIN;
  if (looksLikeServerKey(credential)) {
    const principal = await findServerKey(env.KV, digestHex(digest));
    if (principal) return principal;
    throw new ApiError(401, "unauthorized", "unknown or revoked server key");
  }
  if (looksLikeJwt(credential)) {
    try {
      return await verifyUserToken(credential, env, undefined, logger);
    } catch (error) {
      if (error instanceof UserTokenError) throw new ApiError(401, "unauthorized", error.message);
      throw error;
    }
  }
  throw new ApiError(401, "unauthorized", "unrecognised credential: expected the admin key, a server key (erk_…) or a user token (JWT)");
}

/** The bearer credential of a request, or null. */
function bearer(header: string | undefined): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "");
  return match ? match[1]! : null;
}

/** Verifies the request's credential and sets `c.var.principal`. */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const credential = bearer(c.req.header("authorization"));
  let principal: Principal;
  try {
    if (credential === null) {
      throw new ApiError(401, "unauthorized", "missing credential: send 'Authorization: Bearer <key or user token>'");
    }
    principal = await principalFor(c.env, credential, c.var.logger);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      c.header("www-authenticate", 'Bearer realm="edge-recs"');
      const ip = c.req.header("cf-connecting-ip") ?? "unknown";
      if (await failedAuthOverLimit(c.env, ip)) throw rateLimited("too many failed authentications from this address");
    }
    throw error;
  }
  await limitPrincipal(c.env, principal);
  c.set("principal", principal);
  await next();
});
