/**
 * Guards admin routes: the request's credential (verified by auth/authenticate.ts, which runs
 * before every route but `/healthz`) must hold the `admin` scope — the admin key or an
 * admin-scoped server key. Anything else authenticated is 403 `forbidden`.
 */
import { requireScope } from "../auth/require-access";

/** Rejects the request with 403 unless its credential holds the `admin` scope. */
export const adminAuth = requireScope("admin");
