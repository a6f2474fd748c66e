/**
 * KV key layout shared by the publisher (pipeline) and the reader (Worker).
 *
 * - `manifest` → {@link ModelManifest}
 * - `popular:all`, `popular:cat:<category>` → {@link PopularList}
 * - `user:<user_id>` → {@link UserRecord}
 *   (deleted by `DELETE /v1/users/:id` with the session; the event-log tombstone keeps the next
 *   training run from writing it again)
 * - `model:fold-in` → `FoldInModel` (shared/realtime/fold-in-model.ts): YᵀY, λ, α for session fold-in
 * - `model:content-encoder` → `ContentEncoderModel` (shared/content/content-encoder.ts): metadata → vector
 * - `model:item-fold-in` → `ItemFoldInModel` (shared/realtime/item-fold-in-model.ts): trained item norms
 *   (median overall and per category) and XᵀX, λ, α, for placing and refreshing items added since training
 * - `ranker:light` → `LinearRankerModel` (shared/ranking/linear-ranker.ts): the pipeline's `ranker.json`,
 *   scored in the Worker when the sidecar is down or slow
 *
 * Written by the Worker itself (not the pipeline):
 * - `trending:all`, `trending:cat:<category>` → {@link PopularList}: live time-decayed lists, flushed
 *   by the TrendingAggregator Durable Object; the edge prefers them to the trained `popular:*` lists
 * - `catalog:fresh` → {@link PopularList} of items added through `PUT /v1/items/:id` (newest first)
 * - `catalog:blocked` → {@link BlockedItems}: items removed through `DELETE /v1/items/:id`, and the
 *   reversible `unsafe` / `unavailable` flags of `PUT /v1/items/:id/status` (one record, so a request
 *   reads every item it must not serve in one KV read)
 */
import type { Demographics } from "../realtime/demographic-segments";

/** Keys in the KV namespace. */
export const kvKeys = {
  manifest: "manifest",
  popularAll: "popular:all",
  popularCategory: (category: string) => `popular:cat:${category}`,
  user: (userId: string) => `user:${userId}`,
  foldIn: "model:fold-in",
  contentEncoder: "model:content-encoder",
  itemFoldIn: "model:item-fold-in",
  lightRanker: "ranker:light",
  trendingAll: "trending:all",
  trendingCategory: (category: string) => `trending:cat:${category}`,
  freshItems: "catalog:fresh",
  blockedItems: "catalog:blocked",
} as const;

/** One entry of a popular list, with the item metadata the ranker's features need. */
export interface PopularItem {
  itemId: string;
  /** Time-decayed popularity score the list is ordered by. */
  score: number;
  category: string;
  /** Interaction count in the training log (as the vector metadata `popularity`). */
  popularity?: number;
  /** Release time, seconds since epoch. */
  releasedAt?: number;
  sponsored?: boolean;
}

/** A ranked popular list, as stored in KV. */
export interface PopularList {
  generatedAt: string;
  items: PopularItem[];
}

/** What the trained model knows of a user, as stored in KV. */
export interface UserRecord {
  /** Trained user vector (same space as item vectors). */
  vector: number[];
  /** Items the user interacted with in the training log, most recent last (≤ 100). */
  history: string[];
  /** Number of training interactions. */
  activity: number;
  modelVersion: string;
  /** The user's demographics in the training data (feature spec inputs), when known. */
  demographics?: Demographics;
  /**
   * The trained part of `category_affinity`: the user's interacted items per category over the
   * full training history (`trainedCategoryAffinity`, shared/features/category-affinity.ts).
   * Absent in records written before feature spec v4 (then only the session counts).
   */
  categoryAffinity?: Record<string, number>;
  /**
   * The trained part of `category_recency_7d`: the latest training interaction per category,
   * seconds since epoch (`trainedCategoryLastSeen`, shared/features/sequence-features.ts). Absent
   * in records written before feature spec v5 (then only the session counts).
   */
  categoryLastSeen?: Record<string, number>;
}

/**
 * Items no response may contain, whatever list or history mentions them: removed from the
 * catalogue (blocked), or flagged unsafe or unavailable (reversible; the vector index keeps them).
 */
export interface BlockedItems {
  updatedAt: string;
  /** Removed items, newest last; bounded (the oldest fall off once the vector index has long forgotten them). */
  itemIds: string[];
  /** Items flagged unsafe, newest last. Absent in records written before flags existed. */
  unsafe?: string[];
  /** Items flagged unavailable, newest last. Absent in records written before flags existed. */
  unavailable?: string[];
}
