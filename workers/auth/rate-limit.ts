/**
 * Rate limits on the Workers Rate Limiting binding (`[[ratelimits]]` in wrangler.toml; wrangler dev
 * and the tests simulate it): one limiter per kind of credential, counted per key id or per user
 * token's user, and one for failed authentications counted per client IP. An exceeded limit is a
 * 429 `rate_limited` with `retry-after` (the limiter's period).
 */
import { ApiError } from "../errors/api-error";
import type { CredentialKind, Principal } from "./principal";

/** Seconds a throttled client is told to wait (the longest configured period). */
export const RATE_LIMIT_RETRY_AFTER_SECONDS = 60;

/** The limiter each kind of credential is counted by. */
const LIMITER_OF = {
  admin_key: "ADMIN_RATE_LIMIT",
  server_key: "SERVER_KEY_RATE_LIMIT",
  user_token: "USER_TOKEN_RATE_LIMIT",
} as const satisfies Record<CredentialKind, keyof Env>;

/** A 429 for `what`, with the retry-after it should carry. */
export function rateLimited(what: string): ApiError {
  return new ApiError(429, "rate_limited", `${what}; retry after ${RATE_LIMIT_RETRY_AFTER_SECONDS} s`, {
    retry_after_s: RATE_LIMIT_RETRY_AFTER_SECONDS,
  });
}

/**
 * Counts one request of `principal`; throws 429 past its limit. Admin-scoped server keys count on
 * the admin limiter. A limiter that fails open (binding error) lets the request through: a limit is
 * protection, not a reason to fail a correct request.
 */
export async function limitPrincipal(env: Env, principal: Principal): Promise<void> {
  const limiter = env[principal.scopes.includes("admin") ? LIMITER_OF.admin_key : LIMITER_OF[principal.kind]];
  const { success } = await limiter.limit({ key: principal.id }).catch(() => ({ success: true }));
  if (!success) throw rateLimited(`too many requests for this ${principal.kind.replace("_", " ")}`);
}

/** Counts one failed authentication from `ip`; true when the address is over its limit. */
export async function failedAuthOverLimit(env: Env, ip: string): Promise<boolean> {
  const { success } = await env.AUTH_FAILURE_RATE_LIMIT.limit({ key: ip }).catch(() => ({ success: true }));
  return !success;
}
