/**
 * A `VectorIndex` that keeps the item vectors it fetched by id in the isolate (isolate-cache.ts),
 * so the vectors every request needs — those of the popular, trending and fresh lists, the same
 * for everyone — cost no index round trip after the first request. Queries pass through (their
 * answers depend on the query vector). Writes through this isolate drop the ids they touch;
 * `forgetAll` (called when the index is reconfigured or a release is published through it)
 * drops everything. Other isolates see a changed vector within {@link ITEM_VECTOR_TTL_MS}.
 */
import type { VectorIndex, VectorMatches, VectorMutation, VectorQueryOptions, VectorRecord } from "../../shared/vector-index/vector-index";
import { invalidateIsolateCache, keepInIsolateCache, peekIsolateCache } from "../store/isolate-cache";

/** How long a fetched item vector is reused in an isolate (milliseconds). */
export const ITEM_VECTOR_TTL_MS = 30_000;

/**
 * Wraps `inner`; `binding` (the Durable Object namespace or Vectorize binding behind it) names the
 * cache, so every wrapper of the same index in this isolate shares it.
 */
export class CachedVectorIndex implements VectorIndex {
  constructor(
    /** The index it wraps. */
    readonly inner: VectorIndex,
    private readonly binding: object,
    private readonly ttlMs: number = ITEM_VECTOR_TTL_MS,
  ) {}

  /** @inheritdoc */
  query(vector: number[], options?: VectorQueryOptions): Promise<VectorMatches> {
    return this.inner.query(vector, options);
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
      invalidateIsolateCache(this.binding, ...vectors.map((vector) => vector.id));
    }
  }

  /** @inheritdoc */
  async deleteByIds(ids: string[]): Promise<VectorMutation> {
    try {
      return await this.inner.deleteByIds(ids);
    } finally {
      invalidateIsolateCache(this.binding, ...ids);
    }
  }

  /** @inheritdoc */
  describe() {
    return this.inner.describe();
  }
}

/** Drops every item vector this isolate keeps for `binding` (after a reconfiguration or a publish). */
export function forgetItemVectors(binding: object): void {
  invalidateIsolateCache(binding);
}
