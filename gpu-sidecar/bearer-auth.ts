/**
 * The sidecar's caller check: a Hono middleware that lets a request through only when it carries
 * `Authorization: Bearer <token>` with the shared secret (`SIDECAR_AUTH_TOKEN`, which the Worker
 * sends as its `RANKER_TOKEN`), except for the few routes listed as open (`GET /healthz`).
 * Anything else is refused with 401 `unauthorized` before the body is read. The comparison is
 * constant-time (both sides are hashed to the same length first, so not even the token's length
 * leaks), and neither the expected nor the presented token is ever logged or echoed.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { SidecarError } from "./sidecar-error";

/** A route callers may use without the token. */
export interface OpenRoute {
  /** HTTP method; `GET` also covers `HEAD`. */
  method: string;
  /** Exact path. */
  path: string;
}

/** Options of {@link requireBearer}. */
export interface RequireBearerOptions {
  /** The shared secret. */
  token: string;
  /** Routes served without the token (default none). */
  open?: readonly OpenRoute[];
}

const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest();

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), or `undefined`. */
function bearerToken(header: string | undefined): string | undefined {
  return /^\s*bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
}

/**
 * Requires the bearer token on every route but the open ones.
 *
 * @example
 * app.use("*", requireBearer({ token: config.authToken, open: [{ method: "GET", path: "/healthz" }] }));
 * // curl -X POST http://127.0.0.1:8788/admin/reload                 → 401 {"error":{"code":"unauthorized",...}}
 * // curl -X POST -H "authorization: Bearer $TOKEN" .../admin/reload → 200
 */
export function requireBearer(options: RequireBearerOptions): MiddlewareHandler {
  const { token, open } = { open: [], ...options } satisfies Required<RequireBearerOptions>;
  const expected = sha256(token);
  const isOpen = (method: string, path: string) =>
    open.some((route) => route.path === path && (route.method === method || (route.method === "GET" && method === "HEAD")));
  return async (c, next) => {
    if (isOpen(c.req.method, c.req.path)) return next();
    const header = c.req.header("authorization");
    const given = bearerToken(header);
    if (given === undefined) {
      throw new SidecarError(
        "unauthorized",
        `${c.req.method} ${c.req.path} needs Authorization: Bearer <SIDECAR_AUTH_TOKEN>${header === undefined ? "" : " (the header is not a bearer token)"}`,
      );
    }
    if (!timingSafeEqual(sha256(given), expected)) {
      throw new SidecarError("unauthorized", `${c.req.method} ${c.req.path}: the bearer token is not this sidecar's SIDECAR_AUTH_TOKEN`);
    }
    return next();
  };
}
