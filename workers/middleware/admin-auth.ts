/**
 * Guards admin routes: `Authorization: Bearer <ADMIN_TOKEN>`, compared in constant time (both
 * sides are hashed first so lengths match and nothing about the token leaks through timing).
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors/api-error";

async function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
}

/** True when `presented` equals `expected`, in time independent of where they differ. */
export async function tokensEqual(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(presented), sha256(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

/** Rejects the request with 401 unless it carries the admin bearer token. */
export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.env.ADMIN_TOKEN;
  if (!expected) throw new ApiError(401, "unauthorized", "admin routes are disabled: ADMIN_TOKEN is not set");
  const header = c.req.header("authorization") ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (!match || !(await tokensEqual(match[1]!.trim(), expected))) {
    throw new ApiError(401, "unauthorized", "admin routes need 'Authorization: Bearer <ADMIN_TOKEN>'");
  }
  await next();
});
