/**
 * The part of a vector's metadata that Vectorize keeps in its metadata indexes: only configured
 * properties whose value has the index's type, strings cut to their first 64 UTF-8 bytes. Filters
 * see only this projection, and `returnMetadata: "indexed"` returns it.
 */
import { VECTORIZE_LIMITS } from "./limits";
import { truncateUtf8 } from "./utf8";
import type { MetadataIndexType, VectorMetadata } from "./vector-index";

/** Indexed property values (a `string[]` or mistyped value is not indexed). */
export type IndexedMetadata = Record<string, string | number | boolean>;

/** The value Vectorize would index for `value` under an index of `type`, if any. */
export function indexedValue(value: unknown, type: MetadataIndexType): string | number | boolean | undefined {
  switch (type) {
    case "string":
      return typeof value === "string" ? truncateUtf8(value, VECTORIZE_LIMITS.maxIndexedBytes) : undefined;
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? value : undefined;
    case "boolean":
      return typeof value === "boolean" ? value : undefined;
  }
}

/** The indexed projection of `metadata` under `metadataIndexes`. */
export function indexedMetadata(metadata: VectorMetadata | undefined, metadataIndexes: Record<string, MetadataIndexType>): IndexedMetadata {
  const indexed: IndexedMetadata = {};
  if (!metadata) return indexed;
  for (const property in metadataIndexes) {
    if (!Object.hasOwn(metadata, property)) continue;
    const value = indexedValue(metadata[property], metadataIndexes[property]!);
    if (value !== undefined) indexed[property] = value;
  }
  return indexed;
}
