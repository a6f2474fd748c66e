/**
 * Cloudflare Vectorize's documented limits (V2 indexes), enforced by the embedded index so that
 * code which works locally also works against Vectorize.
 * Source: developers.cloudflare.com/vectorize/platform/limits/
 */
export const VECTORIZE_LIMITS = {
  /** Maximum topK without values or full metadata. */
  maxTopK: 100,
  /** Maximum topK when returnValues is true or returnMetadata is "all". */
  maxTopKWithValuesOrMetadata: 20,
  maxDimensions: 1536,
  maxIdBytes: 64,
  maxNamespaceBytes: 64,
  maxMetadataBytes: 10 * 1024,
  /** Upsert batch size through the Workers binding. */
  maxUpsertBatch: 1000,
  maxMetadataIndexes: 10,
  /** Indexed bytes per metadata index per vector; longer strings are indexed by this prefix. */
  maxIndexedBytes: 64,
  /** Serialised size of a query filter. */
  maxFilterBytes: 2048,
} as const;
