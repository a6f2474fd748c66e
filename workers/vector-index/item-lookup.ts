/**
 * Looks items up in the vector index the Worker serves from (vector + metadata), for the Durable
 * Objects that need an item's category or trained vector: at most 20 ids per `getByIds` call
 * (Vectorize returns values and full metadata for at most 20 results at a time), calls in parallel.
 *
 * Lookups go through a small per-isolate cache (module scope: shared by every object the isolate
 * hosts), so popular items — most of the events — cost no index call at all, and the index (a
 * single object when the embedded backend serves it) is not hit once per event. Entries expire
 * after a minute, which bounds how long a re-published or removed item's old vector is used for
 * session fold-ins.
 */
import { VECTORIZE_LIMITS } from "../../shared/vector-index/limits";
import type { VectorIndex } from "../../shared/vector-index/vector-index";
import { selectVectorIndex } from "./select-vector-index";

/** Ids per `getByIds` call. */
export const LOOKUP_BATCH = VECTORIZE_LIMITS.maxTopKWithValuesOrMetadata;

/** What a lookup returns per item (null: not in the index). */
export interface ItemLookup {
  values: number[];
  category: string;
  metadata: Record<string, unknown>;
}

/** Options of the lookup cache. */
export interface ItemLookupCacheOptions {
  /** Entries kept (≈ 300 bytes each at k = 32). */
  maxEntries: number;
  ttlMs: number;
}

/** Defaults: 20 000 entries, one minute. */
export const ITEM_LOOKUP_CACHE_DEFAULTS = { maxEntries: 20_000, ttlMs: 60_000 } as const satisfies ItemLookupCacheOptions;

const cache = new Map<string, { item: ItemLookup | null; at: number }>();

/** The items of `ids` (null when not in the index), from the cache or the index. */
export async function lookUpItems(
  index: VectorIndex,
  ids: readonly string[],
  options: Partial<ItemLookupCacheOptions> = {},
): Promise<Map<string, ItemLookup | null>> {
  const { maxEntries, ttlMs } = { ...ITEM_LOOKUP_CACHE_DEFAULTS, ...options } satisfies ItemLookupCacheOptions;
  const now = Date.now();
  const result = new Map<string, ItemLookup | null>();
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const hit = cache.get(id);
    if (hit && now - hit.at < ttlMs) result.set(id, hit.item);
    else missing.push(id);
  }
  const batches: string[][] = [];
  for (let i = 0; i < missing.length; i += LOOKUP_BATCH) batches.push(missing.slice(i, i + LOOKUP_BATCH));
  const records = (await Promise.all(batches.map((batch) => index.getByIds(batch)))).flat();
  const found = new Map(records.map((record) => [record.id, record]));
  for (const id of missing) {
    const record = found.get(id);
    const metadata = record?.metadata ?? {};
    const item = record
      ? { values: record.values, category: typeof metadata.category === "string" ? metadata.category : "", metadata }
      : null;
    result.set(id, item);
    cache.delete(id);
    cache.set(id, { item, at: now });
  }
  while (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
  return result;
}

/** Forgets cached lookups (an item was re-published or removed). */
export function forgetItemLookups(ids: readonly string[]): void {
  for (const id of ids) cache.delete(id);
}

/** The Worker's vector index, from a Durable Object's env (throws when misconfigured). */
export function itemIndexFor(env: Env): VectorIndex {
  return selectVectorIndex(env);
}

/** The `category` metadata of a record, or '' when it has none. */
export function categoryOf(record: { metadata?: Record<string, unknown> } | undefined | null): string {
  const category = record?.metadata?.category;
  return typeof category === "string" ? category : "";
}
