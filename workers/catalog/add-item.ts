/**
 * Adds (or replaces) a catalogue item from its metadata: the content encoder (published to KV by
 * the pipeline) places it in the collaborative embedding space, its norm is calibrated to the
 * trained item vectors' (the median norm of its category, else overall, from KV
 * `model:item-fold-in`: a ridge encoder's outputs are short, and under dot product a short vector
 * never reaches a user's top 100), the vector is upserted into the
 * vector index — so ANN retrieves it at once (Vectorize applies writes within seconds; the
 * embedded index immediately) — and the item joins the fresh list that exploration slots draw
 * from. An item that had been removed is unblocked; `unsafe` / `available` set its flags
 * (item-status.ts) in the same change to the CatalogState object, answered once KV holds it.
 */
import type { ItemMetadata } from "../../shared/artifacts/item-metadata";
import { encodeItemContent } from "../../shared/content/content-encoder";
import { releaseYear } from "../../shared/content/content-features";
import { calibrateItemNorm } from "../../shared/realtime/item-fold-in-model";
import { shardForKey } from "../../shared/realtime/shard-for-key";
import { TRENDING_AGGREGATOR_NAME, trendingConfigFor, trendingShardName } from "../config/trending-config";
import { ApiError } from "../errors/api-error";
import { vectorIndexFor } from "../services";
import { createLogger, type Logger } from "../logger/logger";
import { readContentEncoder, readItemFoldInModel } from "../store/kv-store";
import { forgetItemLookups } from "../vector-index/item-lookup";
import { catalogStateFor, writtenOrThrow } from "./catalog-state-client";
import { flagChange, type ItemFlags } from "./item-status";

/** An item to add, optionally with its flags. */
export interface NewItem extends ItemFlags {
  itemId: string;
  title?: string;
  genres: string[];
  /** Primary category; default the first genre. */
  category?: string;
  /** Release time, seconds since epoch; or `year`. */
  released_at?: number;
  year?: number;
  sponsored?: boolean;
  /** An explicit vector (skips the content encoder), e.g. from an external embedding job. */
  values?: number[];
}

/** What was stored. */
export interface AddedItem {
  item_id: string;
  vector_source: "content_encoder" | "provided";
  /** The ALS model version the encoder maps into. */
  model_version?: string;
  /** The L2 norm the encoded vector was scaled to (the trained items' median; absent without `model:item-fold-in` or with `values`). */
  calibrated_norm?: number;
  dimensions: number;
  metadata: ItemMetadata;
  mutation_id: string;
}

/**
 * Adds an item; 409 when no content encoder is published (and no vector given) or shapes disagree.
 * An encoder that fails validation is logged to `logger` (the request's).
 */
export async function addItem(env: Env, item: NewItem, now: Date = new Date(), logger: Logger = createLogger()): Promise<AddedItem> {
  const index = vectorIndexFor(env);
  const [info, encoder, norms] = await Promise.all([
    index.describe(),
    item.values ? Promise.resolve(null) : readContentEncoder(env.KV, logger),
    item.values ? Promise.resolve(null) : readItemFoldInModel(env.KV, logger),
  ]);
  const category = item.category ?? item.genres[0] ?? "";
  let calibratedNorm: number | undefined;
  let values = item.values;
  if (!values) {
    if (!encoder) {
      throw new ApiError(
        409,
        "model_not_published",
        "no content encoder is published (KV model:content-encoder); send `values` or publish the encoder",
      );
    }
    if (encoder.dimensions !== info.dimensions) {
      throw new ApiError(
        409,
        "dimension_mismatch",
        `the content encoder gives ${encoder.dimensions}-d vectors, the index holds ${info.dimensions}-d`,
      );
    }
    values = encodeItemContent(encoder, item);
    if (norms && norms.dimensions === values.length) {
      values = calibrateItemNorm(values, norms, category);
      calibratedNorm = Math.sqrt(values.reduce((sum, x) => sum + x * x, 0));
    }
  }
  if (values.length !== info.dimensions) {
    throw new ApiError(400, "dimension_mismatch", `values has ${values.length} entries, the index holds ${info.dimensions}-d vectors`);
  }
  const year = releaseYear(item);
  const metadata: ItemMetadata = {
    category,
    popularity: 0,
    released_at: item.released_at ?? (year !== null ? Date.UTC(year, 0, 1) / 1000 : Math.floor(now.getTime() / 1000)),
    sponsored: item.sponsored ?? false,
    title: item.title ?? "",
    genres: item.genres,
  };
  const mutation = await index.upsert([{ id: item.itemId, values, metadata: { ...metadata } }]);
  forgetItemLookups([item.itemId]);
  const { shards } = trendingConfigFor(env);
  // One change in the CatalogState object: unblocked, flagged as asked, at the front of the fresh list.
  const added = await catalogStateFor(env).addItem(
    {
      itemId: item.itemId,
      score: Math.floor(now.getTime() / 1000),
      category: metadata.category,
      popularity: 0,
      releasedAt: metadata.released_at,
      sponsored: metadata.sponsored,
    },
    flagChange(item),
  );
  // Trending follows once the change is stored (published or not); a refused change leaves it blocked.
  if (added.ok || added.code === "catalog_publish_failed") {
    await Promise.all([
      env.TRENDING_SHARD.getByName(trendingShardName(shardForKey(item.itemId, shards))).unblock(item.itemId),
      env.TRENDING_AGGREGATOR.getByName(TRENDING_AGGREGATOR_NAME).restoreItem(item.itemId),
    ]);
  }
  writtenOrThrow(env, added);
  return {
    item_id: item.itemId,
    vector_source: item.values ? "provided" : "content_encoder",
    ...(encoder ? { model_version: encoder.modelVersion } : {}),
    ...(calibratedNorm !== undefined ? { calibrated_norm: Math.round(calibratedNorm * 1e6) / 1e6 } : {}),
    dimensions: info.dimensions,
    metadata,
    mutation_id: mutation.mutationId,
  };
}
