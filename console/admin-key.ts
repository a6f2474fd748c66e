/**
 * The admin key the operator typed in, kept in sessionStorage: it lives as long as the tab and is
 * never written anywhere else (no cookie, no localStorage, no URL).
 */

const STORAGE_KEY = "edge-recs.console.admin-key";

/** The stored key, or null before sign-in. */
export function readAdminKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

/** Keeps `key` for this tab. */
export function storeAdminKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

/** Forgets the key (sign-out, or the Worker refused it). */
export function forgetAdminKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
