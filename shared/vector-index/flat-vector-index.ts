/**
 * The embedded vector index: exact (brute-force) search in memory, behind the same interface and
 * limits as Vectorize. Vectors live in one contiguous Float32Array (grown by doubling, swap-remove
 * on delete, id → slot map), so a query is one pass over n·d floats plus an O(n log k) bounded
 * heap. Suitable for local dev, tests and catalogues up to ~10⁵ vectors; beyond that use Vectorize.
 */
import { compileMetadataFilter, type MetadataPredicate } from "./metadata-filter";
import { indexedMetadata, type IndexedMetadata } from "./indexed-metadata";
import { TopKSelector } from "../math/top-k-selector";
import { compareUtf8 } from "./utf8";
import type {
  VectorIndex,
  VectorIndexInfo,
  VectorMatch,
  VectorMatches,
  VectorMetadata,
  VectorMutation,
  VectorQueryOptions,
  VectorRecord,
} from "./vector-index";
import { validateVectorIndexConfig, type VectorIndexConfig } from "./vector-index-config";
import { VectorIndexError } from "./vector-index-error";
import {
  assertVectorIds,
  resolveQueryOptions,
  toFloat32Vector,
  validateUpsertBatch,
  type ValidatedVectorRecord,
} from "./vector-input-validation";

/** One stored vector in its compact form (what snapshots hold and `restore` takes). */
export interface FlatVectorIndexEntry {
  id: string;
  namespace?: string;
  values: Float32Array;
  metadata?: VectorMetadata;
}

/** Everything needed to rebuild an index. */
export interface FlatVectorIndexSnapshot {
  config: VectorIndexConfig;
  entries: FlatVectorIndexEntry[];
}

/** An upsert batch that passed validation, ready for `applyUpsert`. */
export interface PreparedUpsert {
  readonly records: readonly ValidatedVectorRecord[];
}

/** Construction options. */
export interface FlatVectorIndexOptions {
  /** Slots to allocate up front (e.g. the stored row count when restoring). */
  initialCapacity?: number;
}

const DEFAULT_OPTIONS = { initialCapacity: 64 } satisfies Required<FlatVectorIndexOptions>;

/**
 * In-memory exact vector index with Vectorize's API, scores and limits.
 * @example
 * const index = new FlatVectorIndex({ dimensions: 2, metric: "cosine", metadataIndexes: { genre: "string" } });
 * await index.upsert([{ id: "a", values: [1, 0], metadata: { genre: "drama" } }]);
 * await index.query([1, 0.1], { topK: 10, filter: { genre: "drama" } });
 */
export class FlatVectorIndex implements VectorIndex {
  readonly #dimensions: number;
  readonly #metric: VectorIndexConfig["metric"];
  #metadataIndexes: VectorIndexConfig["metadataIndexes"];
  #capacity: number;
  #values: Float32Array;
  /** 1/‖v‖ per slot (0 for a zero vector), used by cosine. */
  #inverseNorms: Float64Array;
  readonly #ids: string[] = [];
  readonly #namespaces: (string | undefined)[] = [];
  readonly #metadata: (VectorMetadata | undefined)[] = [];
  readonly #indexed: IndexedMetadata[] = [];
  readonly #slots = new Map<string, number>();

  constructor(config: VectorIndexConfig, options: FlatVectorIndexOptions = {}) {
    const { dimensions, metric, metadataIndexes } = validateVectorIndexConfig(config);
    const { initialCapacity } = { ...DEFAULT_OPTIONS, ...options };
    this.#dimensions = dimensions;
    this.#metric = metric;
    this.#metadataIndexes = metadataIndexes;
    this.#capacity = Math.max(1, initialCapacity);
    this.#values = new Float32Array(this.#capacity * dimensions);
    this.#inverseNorms = new Float64Array(this.#capacity);
  }

  /**
   * Rebuilds an index from trusted entries (a snapshot or the Durable Object's rows) without
   * re-checking limits; only the vector length is checked, against corrupt storage.
   * @throws VectorIndexError `misconfigured` when an entry's length differs from `config.dimensions`.
   */
  static restore(
    config: VectorIndexConfig,
    entries: Iterable<FlatVectorIndexEntry>,
    options: FlatVectorIndexOptions = {},
  ): FlatVectorIndex {
    const index = new FlatVectorIndex(config, options);
    for (const entry of entries) {
      if (entry.values.length !== index.#dimensions) {
        throw new VectorIndexError(
          "misconfigured",
          `stored vector ${JSON.stringify(entry.id)} has ${entry.values.length} dimensions; ` + `the index has ${index.#dimensions}`,
        );
      }
      index.#put(entry.id, entry.namespace, entry.values, entry.metadata);
    }
    return index;
  }

  /** A copy of the index's configuration. */
  get config(): VectorIndexConfig {
    return { dimensions: this.#dimensions, metric: this.#metric, metadataIndexes: { ...this.#metadataIndexes } };
  }

  /** Number of stored vectors. */
  get size(): number {
    return this.#ids.length;
  }

  /** Every stored vector in compact form (values are copies). */
  *entries(): IterableIterator<FlatVectorIndexEntry> {
    for (let slot = 0; slot < this.#ids.length; slot++) yield this.#entry(slot);
  }

  /** A self-contained copy of the index, for `FlatVectorIndex.restore`. */
  snapshot(): FlatVectorIndexSnapshot {
    return { config: this.config, entries: [...this.entries()] };
  }

  /**
   * Replaces the metadata indexes (dimensions and metric never change). Unlike Vectorize, which
   * indexes only vectors upserted after an index is created, every stored vector is re-indexed.
   */
  setMetadataIndexes(metadataIndexes: VectorIndexConfig["metadataIndexes"]): void {
    const config = validateVectorIndexConfig({ ...this.config, metadataIndexes });
    this.#metadataIndexes = config.metadataIndexes;
    for (let slot = 0; slot < this.#ids.length; slot++) {
      this.#indexed[slot] = indexedMetadata(this.#metadata[slot], this.#metadataIndexes);
    }
  }

  /**
   * Validates an upsert batch without changing anything (so a caller can persist it first).
   * @throws VectorIndexError as `upsert`.
   */
  prepareUpsert(vectors: VectorRecord[]): PreparedUpsert {
    return { records: validateUpsertBatch(vectors, this.#dimensions) };
  }

  /** Applies a prepared batch; later records win over earlier ones with the same id. */
  applyUpsert(prepared: PreparedUpsert): void {
    for (const { id, namespace, values, metadata } of prepared.records) this.#put(id, namespace, values, metadata);
  }

  /** Removes the given ids (unknown ids are ignored) and returns how many were removed. */
  remove(ids: readonly string[]): number {
    let removed = 0;
    for (const id of ids) {
      const slot = this.#slots.get(id);
      if (slot === undefined) continue;
      this.#removeSlot(slot);
      removed++;
    }
    return removed;
  }

  /** @inheritdoc */
  async upsert(vectors: VectorRecord[]): Promise<VectorMutation> {
    this.applyUpsert(this.prepareUpsert(vectors));
    return { mutationId: crypto.randomUUID() };
  }

  /** @inheritdoc */
  async deleteByIds(ids: string[]): Promise<VectorMutation> {
    assertVectorIds(ids);
    this.remove(ids);
    return { mutationId: crypto.randomUUID() };
  }

  /** @inheritdoc */
  async getByIds(ids: string[]): Promise<VectorRecord[]> {
    assertVectorIds(ids);
    const seen = new Set<string>();
    const records: VectorRecord[] = [];
    for (const id of ids) {
      const slot = this.#slots.get(id);
      if (slot === undefined || seen.has(id)) continue;
      seen.add(id);
      const record: VectorRecord = { id, values: this.#valuesOf(slot) };
      const namespace = this.#namespaces[slot];
      const metadata = this.#metadata[slot];
      if (namespace !== undefined) record.namespace = namespace;
      if (metadata !== undefined) record.metadata = copyMetadata(metadata);
      records.push(record);
    }
    return records;
  }

  /** @inheritdoc */
  async describe(): Promise<VectorIndexInfo> {
    return { vectorCount: this.#ids.length, dimensions: this.#dimensions };
  }

  /** @inheritdoc */
  async query(vector: number[], options?: VectorQueryOptions): Promise<VectorMatches> {
    const { topK, namespace, returnValues, returnMetadata, filter } = resolveQueryOptions(options);
    const query = toFloat32Vector(vector, this.#dimensions, "query vector");
    const predicate = filter === undefined ? undefined : compileMetadataFilter(filter, this.#metadataIndexes);
    const ids = this.#ids;
    const selector = new TopKSelector(topK, (a, b) => compareUtf8(ids[a]!, ids[b]!));
    this.#scan(query, namespace, predicate, selector);
    const matches = selector.sorted().map(({ item: slot, key }): VectorMatch => {
      const match: VectorMatch = { id: ids[slot]!, score: this.#scoreFromKey(key) };
      const slotNamespace = this.#namespaces[slot];
      if (slotNamespace !== undefined) match.namespace = slotNamespace;
      if (returnValues) match.values = this.#valuesOf(slot);
      if (returnMetadata === "all") match.metadata = copyMetadata(this.#metadata[slot] ?? {});
      else if (returnMetadata === "indexed") match.metadata = { ...this.#indexed[slot]! };
      return match;
    });
    return { matches, count: matches.length };
  }

  /**
   * Scores every eligible slot into `selector` with a higher-is-better key: cosine similarity,
   * −(squared L2 distance), or the dot product. One tight loop per metric.
   */
  #scan(query: Float32Array, namespace: string | undefined, predicate: MetadataPredicate | undefined, selector: TopKSelector): void {
    const d = this.#dimensions;
    const values = this.#values;
    const count = this.#ids.length;
    const namespaces = this.#namespaces;
    const indexed = this.#indexed;
    const filtered = namespace !== undefined || predicate !== undefined;
    const eligible = (slot: number) =>
      (namespace === undefined || namespaces[slot] === namespace) && (predicate === undefined || predicate(indexed[slot]!));
    switch (this.#metric) {
      case "cosine": {
        let squaredNorm = 0;
        for (let j = 0; j < d; j++) squaredNorm += query[j]! * query[j]!;
        const inverseQueryNorm = squaredNorm > 0 ? 1 / Math.sqrt(squaredNorm) : 0;
        const inverseNorms = this.#inverseNorms;
        for (let slot = 0, offset = 0; slot < count; slot++, offset += d) {
          if (filtered && !eligible(slot)) continue;
          let dot = 0;
          for (let j = 0; j < d; j++) dot += query[j]! * values[offset + j]!;
          selector.push(slot, dot * inverseQueryNorm * inverseNorms[slot]!);
        }
        return;
      }
      case "euclidean": {
        for (let slot = 0, offset = 0; slot < count; slot++, offset += d) {
          if (filtered && !eligible(slot)) continue;
          let squared = 0;
          for (let j = 0; j < d; j++) {
            const difference = query[j]! - values[offset + j]!;
            squared += difference * difference;
          }
          selector.push(slot, -squared);
        }
        return;
      }
      case "dot-product": {
        for (let slot = 0, offset = 0; slot < count; slot++, offset += d) {
          if (filtered && !eligible(slot)) continue;
          let dot = 0;
          for (let j = 0; j < d; j++) dot += query[j]! * values[offset + j]!;
          selector.push(slot, dot);
        }
        return;
      }
    }
  }

  /** The Vectorize score for a scan key: similarity, L2 distance, or the negative dot product. */
  #scoreFromKey(key: number): number {
    switch (this.#metric) {
      case "cosine":
        return key;
      case "euclidean":
        return Math.sqrt(0 - key);
      case "dot-product":
        return 0 - key;
    }
  }

  #valuesOf(slot: number): number[] {
    const offset = slot * this.#dimensions;
    return Array.from(this.#values.subarray(offset, offset + this.#dimensions));
  }

  #entry(slot: number): FlatVectorIndexEntry {
    const offset = slot * this.#dimensions;
    const entry: FlatVectorIndexEntry = {
      id: this.#ids[slot]!,
      values: this.#values.slice(offset, offset + this.#dimensions),
    };
    const namespace = this.#namespaces[slot];
    const metadata = this.#metadata[slot];
    if (namespace !== undefined) entry.namespace = namespace;
    if (metadata !== undefined) entry.metadata = copyMetadata(metadata);
    return entry;
  }

  #put(id: string, namespace: string | undefined, values: Float32Array, metadata: VectorMetadata | undefined): void {
    let slot = this.#slots.get(id);
    if (slot === undefined) {
      slot = this.#ids.length;
      this.#grow(slot + 1);
      this.#slots.set(id, slot);
      this.#ids.push(id);
      this.#namespaces.push(namespace);
      this.#metadata.push(metadata);
      this.#indexed.push(indexedMetadata(metadata, this.#metadataIndexes));
    } else {
      this.#namespaces[slot] = namespace;
      this.#metadata[slot] = metadata;
      this.#indexed[slot] = indexedMetadata(metadata, this.#metadataIndexes);
    }
    this.#values.set(values, slot * this.#dimensions);
    let squaredNorm = 0;
    for (let j = 0; j < values.length; j++) squaredNorm += values[j]! * values[j]!;
    this.#inverseNorms[slot] = squaredNorm > 0 ? 1 / Math.sqrt(squaredNorm) : 0;
  }

  #removeSlot(slot: number): void {
    const last = this.#ids.length - 1;
    const d = this.#dimensions;
    this.#slots.delete(this.#ids[slot]!);
    if (slot !== last) {
      this.#values.copyWithin(slot * d, last * d, last * d + d);
      this.#inverseNorms[slot] = this.#inverseNorms[last]!;
      this.#ids[slot] = this.#ids[last]!;
      this.#namespaces[slot] = this.#namespaces[last];
      this.#metadata[slot] = this.#metadata[last];
      this.#indexed[slot] = this.#indexed[last]!;
      this.#slots.set(this.#ids[slot]!, slot);
    }
    this.#ids.pop();
    this.#namespaces.pop();
    this.#metadata.pop();
    this.#indexed.pop();
  }

  #grow(needed: number): void {
    if (needed <= this.#capacity) return;
    let capacity = this.#capacity;
    while (capacity < needed) capacity *= 2;
    const values = new Float32Array(capacity * this.#dimensions);
    values.set(this.#values);
    const inverseNorms = new Float64Array(capacity);
    inverseNorms.set(this.#inverseNorms);
    this.#values = values;
    this.#inverseNorms = inverseNorms;
    this.#capacity = capacity;
  }
}

function copyMetadata(metadata: VectorMetadata): VectorMetadata {
  const copy: VectorMetadata = {};
  for (const key in metadata) {
    const value = metadata[key]!;
    copy[key] = Array.isArray(value) ? [...value] : value;
  }
  return copy;
}
