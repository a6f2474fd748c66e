/**
 * Mints a user token as a customer's backend would: a JWT signed HS256 with `USER_TOKEN_SECRET`,
 * claims `{sub, iat, exp, scope?}`, with a lifetime the Worker accepts (at most 86400 s). Used by
 * `npm run token` (`mint-user-token.ts`) to try the local system as one user.
 */
import { sign } from "hono/jwt";
import { z } from "zod";

/** Longest lifetime the Worker accepts (its default USER_TOKEN_MAX_TTL_SECONDS), in seconds. */
export const MAX_USER_TOKEN_TTL_SECONDS = 86_400;

/** Scopes are space-separated `resource:action` words, e.g. `recommendations:read events:write`. */
const scopeSchema = z
  .string()
  .trim()
  .regex(
    /^[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*( +[a-z][a-z0-9_-]*:[a-z][a-z0-9_-]*)*$/,
    'must be space-separated "resource:action" words, e.g. "recommendations:read events:write"',
  );

const userTokenRequestSchema = z.object({
  secret: z.string().min(16, "USER_TOKEN_SECRET must be at least 16 characters"),
  userId: z.string().trim().min(1, "the user id must not be empty").max(256, "the user id must be at most 256 characters"),
  ttlSeconds: z
    .number()
    .int("the lifetime must be a whole number of seconds")
    .min(1, "the lifetime must be at least 1 second")
    .max(
      MAX_USER_TOKEN_TTL_SECONDS,
      `the lifetime must be at most ${MAX_USER_TOKEN_TTL_SECONDS} seconds (the Worker refuses longer tokens)`,
    ),
  scope: scopeSchema.optional(),
  nowSeconds: z.number().int(),
});

/** Options of {@link mintUserToken}. */
export interface MintUserTokenOptions {
  /** The HS256 key (`USER_TOKEN_SECRET`). */
  secret: string;
  /** The user the token acts for (`sub`). */
  userId: string;
  /** Lifetime in seconds (default 3600, at most 86400). */
  ttlSeconds?: number;
  /** Space-separated scopes (`scope` claim); omitted: the Worker's default for user tokens. */
  scope?: string;
  /** Issue time in Unix seconds (default now). */
  nowSeconds?: number;
}

/** The claims of a minted token. */
export interface UserTokenClaims {
  sub: string;
  iat: number;
  exp: number;
  scope?: string;
}

/** A request the Worker would refuse, or that makes no sense; the message says which part. */
export class UserTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserTokenError";
  }
}

/**
 * Signs a user token.
 *
 * @example
 * await mintUserToken({ secret: vars.USER_TOKEN_SECRET, userId: "u00042", scope: "recommendations:read" });
 * // "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1MDAwNDIiLC…"
 */
export async function mintUserToken(options: MintUserTokenOptions): Promise<string> {
  const parsed = userTokenRequestSchema.safeParse({ ttlSeconds: 3600, nowSeconds: Math.floor(Date.now() / 1000), ...options });
  if (!parsed.success)
    throw new UserTokenError(
      parsed.error.issues.map((issue) => (issue.path[0] === "scope" ? `--scope ${issue.message}` : issue.message)).join("; "),
    );
  const { secret, userId, ttlSeconds, scope, nowSeconds } = parsed.data;
  const claims: UserTokenClaims = {
    sub: userId,
    iat: nowSeconds,
    exp: nowSeconds + ttlSeconds,
    ...(scope ? { scope: scope.split(/ +/).join(" ") } : {}),
  };
  return sign({ ...claims }, secret, "HS256");
}
