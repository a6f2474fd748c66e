/**
 * An in-memory stand-in for a Vectorize index binding, for workerd tests: Vectorize has no local
 * simulator (every call fails with "needs to be run remotely"), so the release slots' behaviour is
 * tested against this instead — not a substitute for Vectorize itself.
 *
 * It models what the slots rely on, as Vectorize documents it: vector ids are the index's own (an
 * upsert of an id replaces it whatever its namespace), a query with a namespace searches only that
 * namespace, `getByIds` and `deleteByIds` take no namespace, writes are acknowledged with a mutation
 * id and applied later (here: on {@link FakeVectorize.apply}, or at once with `applyAtOnce`), in order.
 * Exact dot-product search; metadata filters through the embedded index's matcher.
 */
import { matchesFilter } from "../../shared/vector-index/metadata-filter";
import type { MetadataFilter, MetadataIndexType, VectorMetadata } from "../../shared/vector-index/vector-index";

interface StoredVector {
  id: string;
  values: number[];
  namespace?: string;
  metadata?: VectorMetadata;
}

type Mutation = { kind: "upsert"; vectors: StoredVector[] } | { kind: "delete"; ids: string[] };

/** Options of {@link FakeVectorize}. */
export interface FakeVectorizeOptions {
  dimensions: number;
  metadataIndexes?: Record<string, MetadataIndexType>;
  /** Apply every write before acknowledging it (default: false, writes wait for `apply()`). */
  applyAtOnce?: boolean;
}

/** The stand-in binding; cast it to `VectorizeIndex` where an env needs one. */
export class FakeVectorize {
  readonly vectors = new Map<string, StoredVector>();
  readonly queries: { namespace?: string; topK?: number }[] = [];
  private readonly pending: Mutation[] = [];
  private mutations = 0;

  constructor(private readonly options: FakeVectorizeOptions) {}

  /** Applies every acknowledged write, in order. */
  apply(): void {
    for (const mutation of this.pending.splice(0)) {
      if (mutation.kind === "upsert") for (const vector of mutation.vectors) this.vectors.set(vector.id, vector);
      else for (const id of mutation.ids) this.vectors.delete(id);
    }
  }

  /** Ids stored in `namespace` (after applied writes). */
  idsIn(namespace: string | undefined): string[] {
    return [...this.vectors.values()].filter((vector) => vector.namespace === namespace).map((vector) => vector.id);
  }

  async describe() {
    return { vectorCount: this.vectors.size, dimensions: this.options.dimensions, processedUpToDatetime: 0, processedUpToMutation: 0 };
  }

  async query(
    vector: number[],
    options: { topK?: number; namespace?: string; filter?: MetadataFilter; returnMetadata?: unknown; returnValues?: boolean } = {},
  ) {
    this.queries.push({ namespace: options.namespace, topK: options.topK });
    const indexes = this.options.metadataIndexes ?? {};
    const matches = [...this.vectors.values()]
      .filter((stored) => options.namespace === undefined || stored.namespace === options.namespace)
      .filter((stored) => !options.filter || matchesFilter(stored.metadata, options.filter, indexes))
      .map((stored) => ({
        id: stored.id,
        score: stored.values.reduce((sum, value, i) => sum + value * (vector[i] ?? 0), 0),
        ...(stored.namespace === undefined ? {} : { namespace: stored.namespace }),
        ...(options.returnMetadata && options.returnMetadata !== "none" && stored.metadata ? { metadata: stored.metadata } : {}),
        ...(options.returnValues ? { values: stored.values } : {}),
      }))
      .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
      .slice(0, options.topK ?? 5);
    return { matches, count: matches.length };
  }

  async upsert(vectors: StoredVector[]) {
    return this.write({ kind: "upsert", vectors: vectors.map((vector) => ({ ...vector, values: Array.from(vector.values) })) });
  }

  async insert(vectors: StoredVector[]) {
    return this.upsert(vectors.filter((vector) => !this.vectors.has(vector.id)));
  }

  async deleteByIds(ids: string[]) {
    return this.write({ kind: "delete", ids });
  }

  async getByIds(ids: string[]) {
    return ids.flatMap((id) => {
      const stored = this.vectors.get(id);
      return stored ? [stored] : [];
    });
  }

  async queryById(): Promise<never> {
    throw new Error("queryById is not modelled by the fake");
  }

  private write(mutation: Mutation) {
    this.pending.push(mutation);
    if (this.options.applyAtOnce) this.apply();
    this.mutations += 1;
    return { mutationId: `fake-${this.mutations}` };
  }
}
