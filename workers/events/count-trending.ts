/**
 * Hands the sessions' trending credits to the trending shards, by hash of the item id. Trending is
 * best effort: a shard that fails is logged and the events still count as accepted.
 */
import { shardForKey } from "../../shared/realtime/shard-for-key";
import type { TrendingEntry } from "../../shared/realtime/trending-entry";
import { trendingConfigFor, trendingShardName } from "../config/trending-config";
import type { Logger } from "../logger/logger";

/** Records `credits` (those with a positive weight) in their shards. */
export async function countTrending(env: Env, credits: readonly TrendingEntry[], logger: Logger): Promise<void> {
  const { shards } = trendingConfigFor(env);
  const byShard = new Map<number, TrendingEntry[]>();
  for (const entry of credits) {
    if (!(entry.weight > 0)) continue;
    const shard = shardForKey(entry.itemId, shards);
    const entries = byShard.get(shard) ?? [];
    entries.push(entry);
    byShard.set(shard, entries);
  }
  const results = await Promise.allSettled(
    [...byShard].map(([shard, entries]) => env.TRENDING_SHARD.getByName(trendingShardName(shard)).record(entries)),
  );
  for (const result of results) {
    if (result.status === "rejected") logger.error("trending_count_failed", { stage: "trending", error: result.reason });
  }
}
