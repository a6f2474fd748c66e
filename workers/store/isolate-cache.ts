/**
 * An isolate-level cache of values that change rarely (published lists, the block/flag record, a
 * user's trained record), so a busy isolate serves them from memory instead of paying a KV read —
 * a subrequest and a JSON parse — on every request. Values are kept parsed (a list's candidates,
 * the unservable set), so a request allocates nothing to reuse them.
 *
 * Bounds: an entry lives `ttlMs` (the staleness bound each reader documents in kv-store.ts); a
 * writer in this isolate drops its keys at once ({@link invalidateIsolateCache}), so in the
 * isolate that took a change the next request sees it. Other isolates see it within the TTL,
 * on top of KV's own propagation (≤ 60 s). Only settled values are kept — a pending read is never
 * shared between requests (workerd ties I/O to the request that started it), and a failed read is
 * not cached. Each namespace holds at most `maxEntries` keys (oldest evicted first).
 */

interface Entry {
  value: unknown;
  expires: number;
}

/** Keys per binding; a WeakMap, so a binding that goes away takes its cache with it. */
const caches = new WeakMap<object, Map<string, Entry>>();

/**
 * Where a wrapper of a binding (the per-request subrequest counter, workers/metrics) keeps the
 * binding it wraps, so the wrapper and the binding share one cache.
 */
export const BINDING_TARGET = Symbol("binding target");

/** The binding itself, when `binding` is a wrapper of one (resolve it once where a binding is used many times). */
export function bindingOf(binding: object): object {
  return (binding as Record<symbol, object | undefined>)[BINDING_TARGET] ?? binding;
}

/**
 * Where a wrapper that renames keys (a release's view of KV, workers/releases/release-kv.ts) keeps
 * its renaming, so a cached value is kept under the key actually read: two releases' `popular:all`
 * are two entries, while keys it does not rename stay shared with the binding itself.
 */
export const KEY_MAPPER = Symbol("key mapper");

function cacheKey(binding: object, key: string): string {
  const map = (binding as Record<symbol, ((key: string) => string) | undefined>)[KEY_MAPPER];
  return map ? map(key) : key;
}

const scopes = new WeakMap<object, Map<string, object>>();

/**
 * A stable stand-in for `binding` under `scope`, for caches that must not share entries across
 * scopes of one binding (the item vectors of two releases' indexes in one Durable Object namespace).
 */
export function scopedBinding(binding: object, scope: string): object {
  const target = bindingOf(binding);
  let byScope = scopes.get(target);
  if (!byScope) {
    byScope = new Map();
    scopes.set(target, byScope);
  }
  let token = byScope.get(scope);
  if (!token) {
    token = { scope };
    byScope.set(scope, token);
  }
  return token;
}

/**
 * How long an isolate keeps the release pointer (shared/artifacts/release.ts): a publish, rollback
 * or canary change reaches a busy isolate within this bound (its own writes at once).
 */
export const ISOLATE_TTL_MS_RELEASE = 5_000;

/** Most keys one binding's cache holds (per-user records are the many; lists are a handful). */
export const ISOLATE_CACHE_MAX_ENTRIES = 10_000;

function cacheOf(wrapper: object): Map<string, Entry> {
  const binding = bindingOf(wrapper);
  let cache = caches.get(binding);
  if (!cache) {
    cache = new Map();
    caches.set(binding, cache);
  }
  return cache;
}

/**
 * The value of `key` for `binding`: from this isolate's memory when it was loaded less than
 * `ttlMs` ago, else from `load()` (then kept). `ttlMs` ≤ 0 always loads.
 *
 * @example
 * const list = await cached(env.KV, "popular:all", 10_000, () => env.KV.get("popular:all", "json"));
 */
export async function cached<T>(
  binding: object,
  key: string,
  ttlMs: number,
  load: () => Promise<T>,
  now: () => number = Date.now,
): Promise<T> {
  if (ttlMs <= 0) return load();
  const hit = peekIsolateCache<T>(binding, key, now);
  if (hit !== undefined) return hit;
  const value = await load();
  keepInIsolateCache(binding, key, value, ttlMs, now);
  return value;
}

/** The unexpired value of `key` for `binding`, or undefined. */
export function peekIsolateCache<T>(binding: object, key: string, now: () => number = Date.now): T | undefined {
  const hit = caches.get(bindingOf(binding))?.get(cacheKey(binding, key));
  return hit && hit.expires > now() ? (hit.value as T) : undefined;
}

/**
 * Keeps `value` (not undefined) as `key` of `binding` for `ttlMs`, evicting the oldest key when the
 * binding holds `maxEntries` (default {@link ISOLATE_CACHE_MAX_ENTRIES}).
 */
export function keepInIsolateCache(
  binding: object,
  key: string,
  value: unknown,
  ttlMs: number,
  now: () => number = Date.now,
  maxEntries: number = ISOLATE_CACHE_MAX_ENTRIES,
): void {
  if (ttlMs <= 0 || value === undefined) return;
  const cache = cacheOf(binding);
  const mapped = cacheKey(binding, key);
  cache.delete(mapped);
  while (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
  cache.set(mapped, { value, expires: now() + ttlMs });
}

/** Drops `keys` (every key when none are given) of `binding` from this isolate's cache. */
export function invalidateIsolateCache(binding: object, ...keys: string[]): void {
  const cache = caches.get(bindingOf(binding));
  if (!cache) return;
  if (keys.length === 0) cache.clear();
  for (const key of keys) cache.delete(cacheKey(binding, key));
}
