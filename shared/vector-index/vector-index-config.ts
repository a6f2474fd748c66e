/**
 * The shape of an index — dimensions, metric and metadata indexes — as Vectorize fixes it at
 * creation (`wrangler vectorize create` + `create-metadata-index`) and as the embedded index is
 * configured by the publisher.
 */
import { VECTORIZE_LIMITS } from "./limits";
import { assertMetadataKey } from "./vector-input-validation";
import type { MetadataIndexType, VectorIndexInfo, VectorMetric } from "./vector-index";
import { VectorIndexError } from "./vector-index-error";

/** How an index is built: fixed for its lifetime except the metadata indexes. */
export interface VectorIndexConfig {
  /** Length of every vector, 1..1536. */
  dimensions: number;
  metric: VectorMetric;
  /** Filterable properties (≤ 10) and their types; only these can appear in a query filter. */
  metadataIndexes: Record<string, MetadataIndexType>;
}

/** `describe()` of an index that knows its own configuration (the embedded index). */
export interface ConfiguredVectorIndexInfo extends VectorIndexInfo, VectorIndexConfig {
  /** Free-form version set by the publisher (e.g. the model version), "" when never set. */
  version: string;
}

/** Options of configuring an embedded index (`EmbeddedVectorIndex.configure`, durable-objects/embedded-vector-index.ts). */
export interface ConfigureVectorIndexOptions {
  /** Drop every stored vector and accept a new dimensions/metric (default false). */
  reset?: boolean;
  /** Version to record, e.g. the model version being published. */
  version?: string;
}

const METRICS: Record<VectorMetric, true> = { cosine: true, euclidean: true, "dot-product": true };
const METADATA_INDEX_TYPES: Record<MetadataIndexType, true> = { string: true, number: true, boolean: true };

/**
 * Checks a configuration and returns a normalised copy.
 * @throws VectorIndexError `misconfigured` naming the offending field.
 */
export function validateVectorIndexConfig(config: VectorIndexConfig): VectorIndexConfig {
  const fail = (message: string): never => {
    throw new VectorIndexError("misconfigured", message);
  };
  if (typeof config !== "object" || config === null) fail("config must be an object");
  const { dimensions, metric, metadataIndexes = {} } = config;
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > VECTORIZE_LIMITS.maxDimensions) {
    fail(`dimensions must be an integer in 1..${VECTORIZE_LIMITS.maxDimensions}, got ${String(dimensions)}`);
  }
  if (typeof metric !== "string" || !Object.hasOwn(METRICS, metric)) {
    fail(`metric must be one of ${Object.keys(METRICS).join(", ")}, got ${String(metric)}`);
  }
  if (typeof metadataIndexes !== "object" || metadataIndexes === null || Array.isArray(metadataIndexes)) {
    fail("metadataIndexes must be an object of property name → type");
  }
  const entries = Object.entries(metadataIndexes);
  if (entries.length > VECTORIZE_LIMITS.maxMetadataIndexes) {
    fail(`at most ${VECTORIZE_LIMITS.maxMetadataIndexes} metadata indexes, got ${entries.length}`);
  }
  for (const [property, type] of entries) {
    try {
      assertMetadataKey(property);
    } catch (error) {
      fail(`metadata index ${JSON.stringify(property)}: ${(error as Error).message}`);
    }
    if (typeof type !== "string" || !Object.hasOwn(METADATA_INDEX_TYPES, type)) {
      fail(`metadata index ${JSON.stringify(property)} has unknown type ${String(type)}`);
    }
  }
  return { dimensions, metric, metadataIndexes: Object.fromEntries(entries) };
}
