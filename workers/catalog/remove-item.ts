/**
 * Removes an item everywhere it could be served from: the vector index (ANN, "more like this"),
 * the trained popular lists in KV (overall and its category), the fresh list, the live trending
 * counters and lists (republished at once), and puts it on the blocked list the funnel filters
 * every response by — which also covers user histories, edge caches of KV (≤ 60 s) and the list
 * built into the Worker. Idempotent.
 */
import { kvKeys } from "../../shared/artifacts/kv-keys";
import { shardForKey } from "../../shared/realtime/shard-for-key";
import { categoryOf, forgetItemLookups } from "../../durable-objects/item-lookup";
import { TRENDING_AGGREGATOR_NAME, trendingConfigFor, trendingShardName } from "../config/trending-config";
import { vectorIndexFor } from "../services";
import { removeFreshItem, removeFromList, updateCatalogStatus } from "./catalog-lists";

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
  await index.deleteByIds([itemId]);
  forgetItemLookups([itemId]);
  await updateCatalogStatus(env.KV, itemId, { blocked: true });
  const category = categoryOf(record);
  const listKeys = [kvKeys.popularAll, ...(category ? [kvKeys.popularCategory(category)] : [])];
  const { shards } = trendingConfigFor(env);
  const [removedFrom, wasFresh] = await Promise.all([
    Promise.all(listKeys.map(async (key) => ((await removeFromList(env.KV, key, itemId)) ? key : null))),
    removeFreshItem(env.KV, itemId),
    env.TRENDING_SHARD.getByName(trendingShardName(shardForKey(itemId, shards))).block(itemId),
  ]);
  await env.TRENDING_AGGREGATOR.getByName(TRENDING_AGGREGATOR_NAME).removeItem(itemId);
  return {
    item_id: itemId,
    was_indexed: record !== undefined,
    popular_lists: removedFrom.filter((key): key is string => key !== null),
    was_fresh: wasFresh,
    blocked: true,
  };
}
