/**
 * One engagement a TrendingShard counts (durable-objects/trending-shard.ts), as the Worker's events
 * route sends it: the shard's RPC input, shared by both sides.
 */

/** One positive engagement to count. */
export interface TrendingEntry {
  itemId: string;
  /** Weight to add (> 0): the user's credited weight for the item, not a raw event count. */
  weight: number;
  /** Event time, ms (taken as the shard's clock when later). */
  ts: number;
}
