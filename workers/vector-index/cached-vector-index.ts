/**
 * A `VectorIndex` that keeps what it read in the isolate (isolate-cache.ts):
 * - item vectors fetched by id, so the vectors every request needs — those of the popular,
 *   trending and fresh lists, the same for everyone — cost no index round trip after the first;
 * - the matches of the last {@link QUERY_CACHE_ENTRIES} queries, keyed by the exact query (vector,
 *   topK, filter, …), so a user who asks again before anything they did moved their vector (a
 *   refresh, the next page, another surface with the same vector) costs no scan or Vectorize
 *   query. A new event changes the user's vector, hence the key: it never serves an old answer
 *   to a new question.
 * Writes through this isolate drop the ids they touch and every cached query; `forgetItemVectors`
 * (called when the index is reconfigured or a release is published through it) drops everything.
 * Other isolates see a changed index within {@link ITEM_VECTOR_TTL_MS}; items removed or flagged
 * meanwhile are still filtered out by the serving path, which applies the block list to every
 * candidate.
 */
import type { VectorIndex, VectorMatches, VectorMutation, VectorQueryOptions, VectorRecord } from "../../shared/vector-index/vector-index";
import { bindingOf, invalidateIsolateCache, keepInIsolateCache, peekIsolateCache } from "../store/isolate-cache";

/** How long a fetched item vector or a query's matches are reused in an isolate (milliseconds). */
export const ITEM_VECTOR_TTL_MS = 30_000;

/** Most query answers an isolate keeps per index (each ≤ 100 matches with indexed metadata, ~10 KB: ≤ ~10 MB in all). */
export const QUERY_CACHE_ENTRIES = 1024;

/** Per index binding, the object its query answers are cached under (apart from its item vectors). */
const queryCaches = new WeakMap<object, object>();

function queriesOf(binding: object): object {
  let queries = queryCaches.get(binding);
  if (!queries) {
    queries = {};
    queryCaches.set(binding, queries);
  }
  return queries;
}

/**
 * Wraps `inner`; `binding` (the Durable Object namespace or Vectorize binding behind it) names the
 * cache, so every wrapper of the same index in this isolate shares it.
 */
export class CachedVectorIndex implements VectorIndex {
  /** The binding itself (not a per-request wrapper of it): the cache's name, resolved once. */
  private readonly binding: object;

  constructor(
    /** The index it wraps. */
    readonly inner: VectorIndex,
    binding: object,
    private readonly ttlMs: number = ITEM_VECTOR_TTL_MS,
  ) {
    this.binding = bindingOf(binding);
  }

  /** @inheritdoc Cached matches are shared: callers must not modify them. */
  async query(vector: number[], options?: VectorQueryOptions): Promise<VectorMatches> {
    const key = queryKey(vector, options);
    const queries = queriesOf(this.binding);
    const hit = peekIsolateCache<VectorMatches>(queries, key);
    if (hit) return hit;
    const matches = await this.inner.query(vector, options);
    keepInIsolateCache(queries, key, matches, this.ttlMs, Date.now, QUERY_CACHE_ENTRIES);
    return matches;
  }

  /** @inheritdoc Cached records are shared: callers must not modify them. */
  async getByIds(ids: string[]): Promise<VectorRecord[]> {
    const found = new Map<string, VectorRecord>();
    const missing = new Set<string>();
    for (const id of ids) {
      const hit = peekIsolateCache<VectorRecord>(this.binding, id);
      if (hit) found.set(id, hit);
      else missing.add(id);
    }
    if (missing.size > 0) {
      for (const record of await this.inner.getByIds([...missing])) {
        keepInIsolateCache(this.binding, record.id, record, this.ttlMs);
        found.set(record.id, record);
      }
    }
    const records: VectorRecord[] = [];
    for (const id of ids) {
      const record = found.get(id);
      if (record) {
        records.push(record);
        found.delete(id);
      }
    }
    return records;
  }

  /** @inheritdoc */
  async upsert(vectors: VectorRecord[]): Promise<VectorMutation> {
    try {
      return await this.inner.upsert(vectors);
    } finally {
      this.#forget(vectors.map((vector) => vector.id));
    }
  }

  /** @inheritdoc */
  async deleteByIds(ids: string[]): Promise<VectorMutation> {
    try {
      return await this.inner.deleteByIds(ids);
    } finally {
      this.#forget(ids);
    }
  }

  /** Drops the vectors of `ids` and every cached query (any answer may have changed). */
  #forget(ids: readonly string[]): void {
    invalidateIsolateCache(this.binding, ...ids);
    invalidateIsolateCache(queriesOf(this.binding));
  }

  /** @inheritdoc */
  describe() {
    return this.inner.describe();
  }
}

/** Drops every item vector and query answer this isolate keeps for `binding` (after a reconfiguration or a publish). */
export function forgetItemVectors(binding: object): void {
  invalidateIsolateCache(binding);
  invalidateIsolateCache(queriesOf(bindingOf(binding)));
}

/** The cache key of a query: everything that shapes its answer. */
function queryKey(vector: readonly number[], options: VectorQueryOptions | undefined): string {
  const { topK, namespace, returnValues, returnMetadata, filter } = options ?? {};
  return `${topK ?? ""}|${namespace ?? ""}|${returnValues ? 1 : 0}|${returnMetadata ?? ""}|${filter ? JSON.stringify(filter) : ""}|${vector.join(",")}`;
}
