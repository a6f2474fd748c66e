/**
 * The vector index contract used for ANN retrieval.
 *
 * It mirrors the Cloudflare Vectorize binding (query, upsert, getByIds, deleteByIds, describe) so
 * that the Worker is written once: production binds Vectorize, while local dev, tests and small
 * catalogs bind the embedded index, which enforces the same limits (see `limits.ts`).
 */

/** A metadata value, as Vectorize accepts it. */
export type VectorMetadataValue = string | number | boolean | string[];

/** Metadata attached to one vector (≤ 10 KiB serialised). */
export type VectorMetadata = Record<string, VectorMetadataValue>;

/** One stored vector. */
export interface VectorRecord {
  id: string;
  values: number[];
  namespace?: string;
  metadata?: VectorMetadata;
}

/** Scalar values a filter can compare against (string[] is not filterable). */
export type FilterScalar = string | number | boolean | null;

/** Comparison operators on one metadata field. */
export type FilterOperators = {
  $eq?: FilterScalar;
  $ne?: FilterScalar;
  $lt?: FilterScalar;
  $lte?: FilterScalar;
  $gt?: FilterScalar;
  $gte?: FilterScalar;
  $in?: Exclude<FilterScalar, null>[];
  $nin?: Exclude<FilterScalar, null>[];
};

/** A metadata filter: every field condition must hold (implicit AND); a bare value means `$eq`. */
export type MetadataFilter = Record<string, FilterScalar | FilterOperators>;

/** How much metadata a query returns: none, only indexed properties, or all of it. */
export type MetadataRetrievalLevel = "none" | "indexed" | "all";

/** Options of a similarity query (Vectorize defaults: topK 5, no values, no metadata). */
export interface VectorQueryOptions {
  topK?: number;
  namespace?: string;
  returnValues?: boolean;
  returnMetadata?: boolean | MetadataRetrievalLevel;
  filter?: MetadataFilter;
}

/** One scored match, best first. */
export interface VectorMatch {
  id: string;
  /**
   * The score as Vectorize reports it for the index's metric — cosine: similarity (higher is
   * better); euclidean: L2 distance (lower is better); dot-product: the NEGATIVE dot product
   * (lower is better). Use `similarityFromScore` for a higher-is-better number.
   */
  score: number;
  values?: number[];
  namespace?: string;
  metadata?: VectorMetadata;
}

/** The result of a query. */
export interface VectorMatches {
  matches: VectorMatch[];
  count: number;
}

/** The acknowledgement of a write (Vectorize applies writes asynchronously). */
export interface VectorMutation {
  mutationId: string;
}

/** What `describe()` reports (implementations may add fields, e.g. the embedded index's config). */
export interface VectorIndexInfo {
  vectorCount: number;
  dimensions: number;
}

/** Distance metrics supported by Vectorize and by the embedded index. */
export type VectorMetric = "cosine" | "euclidean" | "dot-product";

/** Types a metadata index can have. */
export type MetadataIndexType = "string" | "number" | "boolean";

/** The ANN index used by the Worker. */
export interface VectorIndex {
  /** Nearest neighbours of `vector`, best first. */
  query(vector: number[], options?: VectorQueryOptions): Promise<VectorMatches>;
  /** Insert or replace vectors (≤ 1000 per call, as Vectorize's Workers binding). */
  upsert(vectors: VectorRecord[]): Promise<VectorMutation>;
  /** Stored vectors (values and all metadata) for the ids that exist, in the order asked. */
  getByIds(ids: string[]): Promise<VectorRecord[]>;
  /** Remove vectors; unknown ids are ignored. */
  deleteByIds(ids: string[]): Promise<VectorMutation>;
  /** Size and shape of the index. */
  describe(): Promise<VectorIndexInfo>;
}
