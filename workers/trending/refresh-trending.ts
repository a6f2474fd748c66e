/**
 * Refreshes the live trending lists now: every TrendingShard flushes its decayed counts to the
 * TrendingAggregator, which republishes the KV lists with every shard's report decayed to the same
 * "now". Shards also flush themselves by alarm while events arrive; this is for when they do not —
 * the scheduled refresh (workers/scheduled/) keeps the published lists decaying and ageing out when
 * traffic stops, and retries a publish whose KV writes failed — and for `POST /v1/trending/flush`.
 * A shard that fails is logged and counted; the others still report and the lists are republished.
 */
import { TRENDING_AGGREGATOR_NAME, trendingConfigFor, trendingShardName } from "../config/trending-config";
import type { Logger } from "../logger/logger";

/**
 * Flushes every shard, then publishes the merged lists; returns the shards flushed and failed, the
 * items they reported (each shard's overall list) and the aggregator's publication.
 */
export async function refreshTrending(env: Env, logger: Logger) {
  const { shards } = trendingConfigFor(env);
  const results = await Promise.allSettled(
    Array.from({ length: shards }, (_, shard) => env.TRENDING_SHARD.getByName(trendingShardName(shard)).flush()),
  );
  let itemsReported = 0;
  let failed = 0;
  results.forEach((result, shard) => {
    if (result.status === "fulfilled") itemsReported += result.value.all.length;
    else {
      failed++;
      logger.error("trending_flush_failed", { stage: "trending", shard: trendingShardName(shard), error: result.reason });
    }
  });
  const publication = await env.TRENDING_AGGREGATOR.getByName(TRENDING_AGGREGATOR_NAME).publish();
  return { shards_flushed: shards - failed, shards_failed: failed, items_reported: itemsReported, ...publication };
}

/** What a refresh did. */
export type TrendingRefresh = Awaited<ReturnType<typeof refreshTrending>>;
