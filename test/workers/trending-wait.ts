/**
 * Waiting for trending counts in workerd tests: the queue consumer counts trending credits after
 * the queue's batch timeout (1 s in tests), so a test polls the item's shard until it holds the
 * expected live score (bounded).
 */
import { env } from "cloudflare:workers";
import { expect, vi } from "vitest";
import { shardForKey } from "../../shared/realtime/shard-for-key";
import { trendingConfigFor, trendingShardName } from "../../workers/config/trending-config";

/** The live (decayed) score `itemId`'s shard holds for it, or 0. */
export async function shardScore(itemId: string): Promise<number> {
  const stub = env.TRENDING_SHARD.getByName(trendingShardName(shardForKey(itemId, trendingConfigFor(env).shards)));
  return (await stub.top(1000)).find((entry) => entry.itemId === itemId)?.score ?? 0;
}

/** Waits (≤ 20 s) until each item's shard holds its expected score (within 0.01). */
export async function waitForTrendingScores(expected: Record<string, number>): Promise<void> {
  await vi.waitFor(
    async () => {
      for (const [itemId, score] of Object.entries(expected)) expect(await shardScore(itemId)).toBeCloseTo(score, 2);
    },
    { timeout: 20_000, interval: 200 },
  );
}
