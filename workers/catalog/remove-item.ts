/**
 * Removes an item everywhere it could be served from: the vector index (ANN, "more like this"),
 * the trained popular lists in KV (overall and its category), the fresh list, the live trending
 * counters and lists (republished at once), and puts it on the blocked list the funnel filters
 * every response by — which also covers user histories, edge caches of KV (≤ 60 s) and the list
 * built into the Worker. The block, the fresh list and the popular-list edits go through the
 * CatalogState object, one removal at a time, so simultaneous removals all stick. Idempotent: a
 * removal answered 503 (`catalog_publish_failed`: stored, KV publish retried) can simply be sent again.
 */
import { kvKeys } from "../../shared/artifacts/kv-keys";
import { shardForKey } from "../../shared/realtime/shard-for-key";
import { TRENDING_AGGREGATOR_NAME, trendingConfigFor, trendingShardName } from "../config/trending-config";
import { vectorIndexFor } from "../services";
import { categoryOf, forgetItemLookups } from "../vector-index/item-lookup";
import { catalogStateFor, writtenOrThrow } from "./catalog-state-client";

/** What a removal touched. */
export interface RemovedItem {
  item_id: string;
  /** Whether the vector index held it. */
  was_indexed: boolean;
  /** KV popular lists it was taken out of. */
  popular_lists: string[];
  was_fresh: boolean;
  blocked: true;
}

/** Removes and blocks an item. */
export async function removeItem(env: Env, itemId: string): Promise<RemovedItem> {
  const index = vectorIndexFor(env);
  const [record] = await index.getByIds([itemId]);
  const category = categoryOf(record);
  const listKeys = [kvKeys.popularAll, ...(category ? [kvKeys.popularCategory(category)] : [])];
  // Blocked first: should KV refuse the record (503), the index still holds the item, so sending
  // the removal again finds its category lists; meanwhile the stored block is being published.
  const removed = writtenOrThrow(env, await catalogStateFor(env).removeItem(itemId, listKeys));
  await index.deleteByIds([itemId]);
  forgetItemLookups([itemId]);
  const { shards } = trendingConfigFor(env);
  await env.TRENDING_SHARD.getByName(trendingShardName(shardForKey(itemId, shards))).block(itemId);
  await env.TRENDING_AGGREGATOR.getByName(TRENDING_AGGREGATOR_NAME).removeItem(itemId);
  return {
    item_id: itemId,
    was_indexed: record !== undefined,
    popular_lists: removed.popularLists,
    was_fresh: removed.wasFresh,
    blocked: true,
  };
}
