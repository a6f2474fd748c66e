/**
 * Typed reads of the KV namespace the pipeline publishes (see shared/artifacts/kv-keys.ts).
 * Reads use a short edge cache TTL: KV is eventually consistent anyway, and popular lists and
 * trained user vectors change only when a new model is published. Also reads what the Worker
 * writes itself: live trending lists, fresh, blocked and flagged items (see kv-keys.ts).
 */
import type { z } from "zod";
import { type BlockedItems, kvKeys, type PopularList, type UserRecord } from "../../shared/artifacts/kv-keys";
import type { ModelManifest } from "../../shared/artifacts/model-manifest";
import { type ContentEncoderModel, contentEncoderModelSchema } from "../../shared/content/content-encoder";
import { type FoldInModel, foldInModelSchema } from "../../shared/realtime/fold-in-model";
import { createLogger, type Logger } from "../logger/logger";

/** Seconds a KV read may be served from the edge cache (KV's minimum is 30). */
export const KV_CACHE_TTL_SECONDS = 60;

async function readJson<T>(kv: KVNamespace, key: string): Promise<T | null> {
  return kv.get<T>(key, { type: "json", cacheTtl: KV_CACHE_TTL_SECONDS });
}

/** The trained record of a user, or null for users the model has not seen. */
export function readUserRecord(kv: KVNamespace, userId: string): Promise<UserRecord | null> {
  return readJson<UserRecord>(kv, kvKeys.user(userId));
}

/** A popular list: overall, or for one category. */
export function readPopularList(kv: KVNamespace, category?: string): Promise<PopularList | null> {
  return readJson<PopularList>(kv, category ? kvKeys.popularCategory(category) : kvKeys.popularAll);
}

/** The manifest of the published model, or null before the first publish. */
export function readManifest(kv: KVNamespace): Promise<ModelManifest | null> {
  return readJson<ModelManifest>(kv, kvKeys.manifest);
}

/** The fold-in model (YᵀY, λ, α); null before it is published or when it fails validation (logged to `logger`). */
export async function readFoldInModel(kv: KVNamespace, logger: Logger = createLogger()): Promise<FoldInModel | null> {
  return parsed(foldInModelSchema, await readJson<unknown>(kv, kvKeys.foldIn), kvKeys.foldIn, logger);
}

/** The content encoder; null before it is published or when it fails validation (logged to `logger`). */
export async function readContentEncoder(kv: KVNamespace, logger: Logger = createLogger()): Promise<ContentEncoderModel | null> {
  return parsed(contentEncoderModelSchema, await readJson<unknown>(kv, kvKeys.contentEncoder), kvKeys.contentEncoder, logger) as ContentEncoderModel | null;
}

/** The live trending list (overall, or for one category) the TrendingAggregator flushed. */
export function readTrendingList(kv: KVNamespace, category?: string): Promise<PopularList | null> {
  return readJson<PopularList>(kv, category ? kvKeys.trendingCategory(category) : kvKeys.trendingAll);
}

/** Items added through the admin API, newest first. */
export function readFreshItems(kv: KVNamespace): Promise<PopularList | null> {
  return readJson<PopularList>(kv, kvKeys.freshItems);
}

/** Items removed from the catalogue or flagged unsafe / unavailable (older records lack the flags). */
export function readBlockedItems(kv: KVNamespace): Promise<BlockedItems | null> {
  return readJson<BlockedItems>(kv, kvKeys.blockedItems);
}

function parsed<T>(schema: z.ZodType<T>, value: unknown, key: string, logger: Logger): T | null {
  if (value === null) return null;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  logger.error("kv_value_invalid", { kv_key: key, error: `invalid value: ${result.error.issues[0]?.message ?? "schema mismatch"}` });
  return null;
}
