/**
 * KV key layout shared by the publisher (pipeline) and the reader (Worker).
 *
 * - `manifest` → {@link ModelManifest}
 * - `popular:all`, `popular:cat:<category>` → {@link PopularList}
 * - `user:<user_id>` → {@link UserRecord}
 */

/** Keys in the KV namespace. */
export const kvKeys = {
  manifest: "manifest",
  popularAll: "popular:all",
  popularCategory: (category: string) => `popular:cat:${category}`,
  user: (userId: string) => `user:${userId}`,
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
}
