/**
 * Per-batch trending aggregates: the queue consumer sums the credits of every message in a batch
 * per item before it calls the shards, so a shard is called once per batch, not once per event
 * request. An item's credits become one entry with the summed weight, stamped with the latest
 * credit's time: the shards decay counts by a half-life of hours, and a batch spans seconds, so the
 * stamp moves a count by less than the batch's wait (max_batch_timeout).
 */
import type { TrendingEntry } from "./trending-entry";

/** `credits` summed per item (positive weights only), in first-seen item order. */
export function aggregateTrending(credits: Iterable<TrendingEntry>): TrendingEntry[] {
  const byItem = new Map<string, TrendingEntry>();
  for (const credit of credits) {
    if (!(credit.weight > 0) || !Number.isFinite(credit.weight)) continue;
    const entry = byItem.get(credit.itemId);
    if (entry) {
      entry.weight += credit.weight;
      entry.ts = Math.max(entry.ts, credit.ts);
    } else {
      byItem.set(credit.itemId, { itemId: credit.itemId, weight: credit.weight, ts: credit.ts });
    }
  }
  return [...byItem.values()];
}
