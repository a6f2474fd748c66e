/**
 * Server keys: secrets a customer's backend presents to act for any of its users, with the scopes
 * an admin gave them. Stored hashed in KV — only the SHA-256 of a key is ever written, so neither
 * KV nor a log can give a key away — and created, listed and revoked through admin routes
 * (routes/keys.ts) without a redeploy.
 *
 * A key reads `erk_<key id>_<secret>`: the id (16 hex) names it in lists and logs, the secret is 32
 * random bytes. KV holds `auth:key:<sha256 of the key>` → its record (what a request looks up) and
 * `auth:key-id:<key id>` → the same record plus the hash (listing and revocation; the record rides
 * in the list metadata so a listing reads no values).
 *
 * Lookups are cached in the isolate for {@link KEY_CACHE_TTL_MS}, so a busy key costs no KV read
 * per request. A revocation therefore reaches every isolate within that TTL plus KV's own edge
 * cache (60 s) — at once in the isolate that served it (docs/security.md).
 */
import { credentialDigest, digestHex } from "./credential-digest";
import type { Principal, Scope } from "./principal";

/** How long an isolate trusts a looked-up key (or its absence), in milliseconds. */
export const KEY_CACHE_TTL_MS = 30_000;

/** Bounds of the store. */
export const API_KEY_LIMITS = { maxNameLength: 100, maxKeys: 1000 } as const;

/** A key as an admin sees it (never the secret). */
export interface ApiKeyRecord {
  key_id: string;
  name: string;
  scopes: Scope[];
  created_at: string;
}

const KEY_PREFIX = "erk_";
const kvKey = {
  byHash: (hash: string) => `auth:key:${hash}`,
  byId: (keyId: string) => `auth:key-id:${keyId}`,
  idPrefix: "auth:key-id:",
} as const;

const cache = new Map<string, { record: ApiKeyRecord | null; until: number }>();

/** True when `credential` has the shape of a server key. */
export function looksLikeServerKey(credential: string): boolean {
  return /^erk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/.test(credential);
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/**
 * The principal of the server key whose SHA-256 is `hash` (hex, credential-digest.ts), or null
 * when no such key exists (or it was revoked).
 */
export async function findServerKey(kv: KVNamespace, hash: string, now: number = Date.now()): Promise<Principal | null> {
  let entry = cache.get(hash);
  if (!entry || entry.until <= now) {
    const record = await kv.get<ApiKeyRecord>(kvKey.byHash(hash), { type: "json", cacheTtl: 60 });
    entry = { record, until: now + KEY_CACHE_TTL_MS };
    if (cache.size >= 10_000) cache.clear();
    cache.set(hash, entry);
  }
  const record = entry.record;
  return record ? { kind: "server_key", id: record.key_id, scopes: record.scopes } : null;
}

/** Creates a key with `scopes`; the answer holds the key itself, which is shown only this once. */
export async function createServerKey(kv: KVNamespace, name: string, scopes: Scope[]): Promise<ApiKeyRecord & { key: string }> {
  const keyId = [...crypto.getRandomValues(new Uint8Array(8))].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  const key = `${KEY_PREFIX}${keyId}_${base64Url(crypto.getRandomValues(new Uint8Array(32)))}`;
  const hash = digestHex(await credentialDigest(key));
  const record: ApiKeyRecord = { key_id: keyId, name, scopes: [...new Set(scopes)], created_at: new Date().toISOString() };
  await kv.put(kvKey.byHash(hash), JSON.stringify(record));
  await kv.put(kvKey.byId(keyId), JSON.stringify({ ...record, hash }), { metadata: record });
  cache.delete(hash);
  return { ...record, key };
}

/** Every key (newest first), without secrets or hashes. */
export async function listServerKeys(kv: KVNamespace): Promise<ApiKeyRecord[]> {
  const records: ApiKeyRecord[] = [];
  let cursor: string | undefined;
  do {
    const page: KVNamespaceListResult<ApiKeyRecord> = await kv.list<ApiKeyRecord>({
      prefix: kvKey.idPrefix,
      ...(cursor ? { cursor } : {}),
    });
    for (const entry of page.keys) if (entry.metadata) records.push(entry.metadata);
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return records.sort((a, b) => b.created_at.localeCompare(a.created_at));
}

/** Revokes a key by id; false when there is no such key. */
export async function revokeServerKey(kv: KVNamespace, keyId: string): Promise<boolean> {
  const stored = await kv.get<ApiKeyRecord & { hash: string }>(kvKey.byId(keyId), "json");
  if (!stored) return false;
  await kv.delete(kvKey.byHash(stored.hash));
  await kv.delete(kvKey.byId(keyId));
  cache.delete(stored.hash);
  return true;
}
