/**
 * Who a request acts as, once its credential is verified (workers/auth/authenticate.ts): the kind of
 * credential, its scopes, and — for a user token — the one user it may act for.
 */
import { ApiError } from "../errors/api-error";

/** What a credential may do. `admin` implies every other scope. */
export const SCOPES = ["recommendations:read", "events:write", "admin"] as const;
/** One of {@link SCOPES}. */
export type Scope = (typeof SCOPES)[number];

/** The three kinds of credential (docs/security.md). */
export type CredentialKind = "admin_key" | "server_key" | "user_token";

/** The verified caller of a request. */
export interface Principal {
  kind: CredentialKind;
  /** Stable, non-secret id for logs and limits: `admin`, the key's id, or `user:<id>`. */
  id: string;
  scopes: readonly Scope[];
  /** A user token's user: the only user this principal may act for. Undefined = any user. */
  userId?: string;
}

/** True when `principal` holds `scope` (admin holds every scope). */
export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.includes("admin") || principal.scopes.includes(scope);
}

/** Throws 403 `forbidden` unless `principal` holds `scope`. */
export function assertScope(principal: Principal, scope: Scope): void {
  if (!hasScope(principal, scope)) {
    throw new ApiError(403, "forbidden", `this credential lacks the '${scope}' scope`);
  }
}

/** Throws 403 `forbidden_user` unless `principal` may act for `userId` (a user token binds one user). */
export function assertActsFor(principal: Principal, userId: string): void {
  if (principal.userId !== undefined && principal.userId !== userId) {
    throw new ApiError(403, "forbidden_user", `this user token is for another user, not '${userId}'`);
  }
}
