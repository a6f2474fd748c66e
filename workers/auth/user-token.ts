/**
 * User tokens: short-lived JWTs a customer's backend signs for one user, so a browser or an app can
 * call the edge for that user only. Verified with Hono's JWT utilities (`hono/jwt`): HS256 with the
 * `USER_TOKEN_SECRET` secret, or ES256 with a public key from the `USER_TOKEN_JWKS` var (a JWKS
 * document held in config, picked by the token's `kid`; nothing is fetched per request).
 *
 * Claims: `sub` (the user id, required), `exp` (required; at most USER_TOKEN_MAX_TTL_SECONDS after
 * `iat` and after now), `iat` (optional), `scope` (optional, space-separated subset of
 * `recommendations:read events:write`; both when absent — a user token never carries `admin`),
 * `iss`/`aud` when USER_TOKEN_ISSUER/USER_TOKEN_AUDIENCE are set.
 *
 * @example
 * // a customer's backend (Node, or any JWT library):
 * const token = await sign({ sub: "u00042", iat: now, exp: now + 3600 }, process.env.USER_TOKEN_SECRET, "HS256");
 */
import { decode, verify, verifyWithJwks } from "hono/jwt";
import type { HonoJsonWebKey } from "hono/utils/jwt/jws";
import { idSchema } from "../../shared/events/interaction-event";
import { positiveIntegerVar } from "../config/env-vars";
import { createLogger, type Logger } from "../logger/logger";
import type { Principal, Scope } from "./principal";

/** Scopes a user token may carry. */
export const USER_TOKEN_SCOPES = ["recommendations:read", "events:write"] as const satisfies readonly Scope[];

/** Default longest lifetime of a user token, in seconds. */
export const USER_TOKEN_DEFAULT_MAX_TTL_SECONDS = 86_400;

/** Clock skew tolerated between the customer's backend and the edge, in seconds. */
const CLOCK_SKEW_SECONDS = 60;

/** A token that cannot be accepted; `reason` is safe to show (it never contains the token). */
export class UserTokenError extends Error {
  constructor(readonly reason: string) {
    super(`user token rejected: ${reason}`);
    this.name = "UserTokenError";
  }
}

/** True when `credential` has the shape of a JWT (three base64url parts). */
export function looksLikeJwt(credential: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(credential);
}

let jwksCache: { source: string; keys: HonoJsonWebKey[] } | null = null;

/** The ES256 keys of USER_TOKEN_JWKS (parsed once per isolate and value); [] when unset or invalid (logged). */
function jwksKeys(source: string | undefined, logger: Logger): HonoJsonWebKey[] {
  if (!source || source.trim() === "") return [];
  if (jwksCache?.source === source) return jwksCache.keys;
  let keys: HonoJsonWebKey[] = [];
  try {
    const parsed = JSON.parse(source) as { keys?: unknown };
    if (Array.isArray(parsed.keys))
      keys = parsed.keys.filter((key): key is HonoJsonWebKey => typeof key === "object" && key !== null && "kid" in key);
  } catch {
    logger.error("user_token_jwks_invalid", { stage: "auth", error: "USER_TOKEN_JWKS is not valid JSON; ES256 user tokens are refused" });
  }
  jwksCache = { source, keys };
  return keys;
}

/** Why hono's verifier refused a token, in words that never include the token itself. */
function reasonOf(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  const reasons: Record<string, string> = {
    JwtTokenExpired: "expired",
    JwtTokenNotBefore: "not valid yet (nbf)",
    JwtTokenSignatureMismatched: "bad signature",
    JwtTokenIssuer: "wrong issuer (iss)",
    JwtTokenAudience: "wrong audience (aud)",
    JwtPayloadRequiresAud: "missing audience (aud)",
    JwtHeaderInvalid: "invalid header",
    JwtHeaderRequiresKid: "an ES256 token needs a kid header",
    JwtAlgorithmMismatch: "algorithm does not match the key",
    JwtAlgorithmNotAllowed: "algorithm not allowed",
    JwtSymmetricAlgorithmNotAllowed: "algorithm not allowed",
  };
  return reasons[name] ?? "malformed or signed with an unknown key";
}

/**
 * Verifies a user token and returns its principal, or throws {@link UserTokenError}.
 * `now` is seconds since epoch; a configuration problem is logged to `logger` (never the token).
 */
export async function verifyUserToken(
  token: string,
  env: Pick<Env, "USER_TOKEN_SECRET" | "USER_TOKEN_JWKS" | "USER_TOKEN_ISSUER" | "USER_TOKEN_AUDIENCE" | "USER_TOKEN_MAX_TTL_SECONDS">,
  now: number = Math.floor(Date.now() / 1000),
  logger: Logger = createLogger(),
): Promise<Principal> {
  let alg: unknown;
  try {
    alg = decode(token).header.alg;
  } catch {
    throw new UserTokenError("malformed");
  }
  const verification = {
    ...(env.USER_TOKEN_ISSUER ? { iss: env.USER_TOKEN_ISSUER } : {}),
    ...(env.USER_TOKEN_AUDIENCE ? { aud: env.USER_TOKEN_AUDIENCE } : {}),
    // iat is checked below, with a tolerance for clock skew.
    iat: false,
  };
  let payload: Record<string, unknown>;
  try {
    if (alg === "HS256") {
      if (!env.USER_TOKEN_SECRET) throw new UserTokenError("HS256 user tokens are not configured (USER_TOKEN_SECRET)");
      payload = await verify(token, env.USER_TOKEN_SECRET, { alg: "HS256", ...verification });
    } else if (alg === "ES256") {
      const keys = jwksKeys(env.USER_TOKEN_JWKS, logger);
      if (keys.length === 0) throw new UserTokenError("ES256 user tokens are not configured (USER_TOKEN_JWKS)");
      payload = await verifyWithJwks(token, { keys, allowedAlgorithms: ["ES256"], verification });
    } else {
      throw new UserTokenError("algorithm must be HS256 or ES256");
    }
  } catch (error) {
    if (error instanceof UserTokenError) throw error;
    throw new UserTokenError(reasonOf(error));
  }
  return userTokenPrincipal(payload, positiveIntegerVar(env.USER_TOKEN_MAX_TTL_SECONDS, USER_TOKEN_DEFAULT_MAX_TTL_SECONDS), now);
}

/** The principal of a verified payload, after the claims this API requires. */
function userTokenPrincipal(payload: Record<string, unknown>, maxTtl: number, now: number): Principal {
  const { sub, exp, iat, scope } = payload;
  if (typeof sub !== "string" || !idSchema.safeParse(sub).success)
    throw new UserTokenError("sub must be a user id (1–64 of A-Z a-z 0-9 _ - . : @)");
  if (typeof exp !== "number" || !Number.isFinite(exp)) throw new UserTokenError("exp is required");
  if (iat !== undefined && (typeof iat !== "number" || !Number.isFinite(iat) || iat > now + CLOCK_SKEW_SECONDS)) {
    throw new UserTokenError("iat is in the future");
  }
  if (exp - (typeof iat === "number" ? iat : now) > maxTtl || exp - now > maxTtl) {
    throw new UserTokenError(`lifetime over ${maxTtl} s (USER_TOKEN_MAX_TTL_SECONDS)`);
  }
  let scopes: Scope[] = [...USER_TOKEN_SCOPES];
  if (scope !== undefined) {
    if (typeof scope !== "string") throw new UserTokenError("scope must be a space-separated string");
    const asked = new Set(scope.split(/\s+/).filter(Boolean));
    scopes = USER_TOKEN_SCOPES.filter((known) => asked.has(known));
    if (scopes.length === 0) throw new UserTokenError(`scope grants nothing: use ${USER_TOKEN_SCOPES.join(" and/or ")}`);
  }
  return { kind: "user_token", id: `user:${sub}`, scopes, userId: sub };
}
