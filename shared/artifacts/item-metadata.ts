/**
 * Item metadata as stored with each item vector. The indexed properties are the ones the Worker
 * reads back from ANN queries (`returnMetadata: "indexed"` allows topK 100) and filters on;
 * create the same metadata indexes on Vectorize (`wrangler vectorize create-metadata-index`).
 */
import type { MetadataIndexType, VectorMetric } from "../vector-index/vector-index";

/** Metadata of one catalogue item. */
export interface ItemMetadata {
  /** Primary category (first genre). Indexed. */
  category: string;
  /** Interaction count in the training log. Indexed. */
  popularity: number;
  /**
   * The item's training users whose latest interaction falls in the 7 days before the log's end
   * (`countRecent`, shared/features/sequence-features.ts): feature `item_log_recent_popularity`.
   * Indexed, so ANN matches carry it. Absent on items written before feature spec v5 and on items
   * added through the API (0).
   */
  recent_popularity?: number;
  /** Release time, seconds since epoch. Indexed. */
  released_at: number;
  /** Paid placement. Indexed. */
  sponsored: boolean;
  title: string;
  genres: string[];
}

/** The metadata indexes the item index is created with. */
export const ITEM_METADATA_INDEXES = {
  category: "string",
  popularity: "number",
  recent_popularity: "number",
  released_at: "number",
  sponsored: "boolean",
} as const satisfies Partial<Record<keyof ItemMetadata, MetadataIndexType>>;

/** The item index's metric: ALS scores are dot products of user and item vectors. */
export const ITEM_INDEX_METRIC = "dot-product" as const satisfies VectorMetric;
