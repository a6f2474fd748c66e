/**
 * Typed reads of the KV namespace the pipeline publishes (see shared/artifacts/kv-keys.ts).
 * Reads use a short edge cache TTL: KV is eventually consistent anyway, and popular lists and
 * trained user vectors change only when a new model is published. Also reads what the Worker
 * writes itself: live trending lists, fresh, blocked and flagged items (see kv-keys.ts).
 *
 * On top of KV's edge cache, each value is kept parsed in the isolate for the time in
 * {@link ISOLATE_TTL_MS} (isolate-cache.ts), so a busy isolate pays no KV read for it. Writers in
 * this isolate drop what they changed ({@link forgetKvValues}); other isolates see a change
 * within that TTL plus KV's propagation. Callers must treat returned values as read-only.
 */
import type { z } from "zod";
import { type BlockedItems, kvKeys, type PopularList, type UserRecord } from "../../shared/artifacts/kv-keys";
import { type ModelManifest, manifestEventWeights } from "../../shared/artifacts/model-manifest";
import { type ContentEncoderModel, contentEncoderModelSchema } from "../../shared/content/content-encoder";
import { DEFAULT_EVENT_WEIGHTS, type EventWeights } from "../../shared/events/event-weight";
import { type FoldInModel, foldInModelSchema } from "../../shared/realtime/fold-in-model";
import { type ItemFoldInModel, itemFoldInModelSchema } from "../../shared/realtime/item-fold-in-model";
import { createLogger, type Logger } from "../logger/logger";
import { cached, invalidateIsolateCache } from "./isolate-cache";

/** Seconds a KV read may be served from the edge cache (KV's minimum is 30). */
export const KV_CACHE_TTL_SECONDS = 60;

/**
 * How long each kind of value is served from the isolate's memory (milliseconds): published
 * artifacts change only with a release; trending lists are flushed every TRENDING_FLUSH_SECONDS
 * (60 by default); the fresh and block/flag records change with the catalogue, so they are kept
 * shortest (a flag reaches every isolate within 5 s of KV having it, the writer's at once).
 */
export const ISOLATE_TTL_MS = {
  /** Trained user records: per user, re-read after 30 s (erasure drops the key in its isolate). */
  user: 30_000,
  /** Popular lists, manifest, fold-in model, content encoder (the light ranker keeps its weights 60 s: LIGHT_RANKER_DEFAULTS). */
  published: 30_000,
  /** Live trending lists. */
  trending: 10_000,
  /** `catalog:fresh` and `catalog:blocked`. */
  catalog: 5_000,
} as const;

async function readJson<T>(kv: KVNamespace, key: string, ttlMs: number): Promise<T | null> {
  return cached(kv, key, ttlMs, () => kv.get<T>(key, { type: "json", cacheTtl: KV_CACHE_TTL_SECONDS }));
}

/**
 * Drops `keys` from this isolate's cache of `kv` (every key when none are given): called by the
 * Worker's own writers after KV accepted a change, so this isolate's next request reads it.
 */
export function forgetKvValues(kv: KVNamespace, ...keys: string[]): void {
  invalidateIsolateCache(kv, ...keys.flatMap((key) => [key, derivedKey(key)]));
}

/**
 * The isolate-cache key of a value derived from `key` (e.g. the unservable set built from
 * `catalog:blocked`), dropped together with it by {@link forgetKvValues}.
 */
export function derivedKey(key: string): string {
  return `${key}#derived`;
}

/** The trained record of a user, or null for users the model has not seen. */
export function readUserRecord(kv: KVNamespace, userId: string): Promise<UserRecord | null> {
  return readJson<UserRecord>(kv, kvKeys.user(userId), ISOLATE_TTL_MS.user);
}

/** A popular list: overall, or for one category. */
export function readPopularList(kv: KVNamespace, category?: string): Promise<PopularList | null> {
  return readJson<PopularList>(kv, category ? kvKeys.popularCategory(category) : kvKeys.popularAll, ISOLATE_TTL_MS.published);
}

/** The manifest of the published model, or null before the first publish. */
export function readManifest(kv: KVNamespace): Promise<ModelManifest | null> {
  return readJson<ModelManifest>(kv, kvKeys.manifest, ISOLATE_TTL_MS.published);
}

/**
 * The event-weight table of the release `kv` sees (its manifest's `eventWeights`, validated), kept
 * parsed in the isolate beside the manifest. The default table when no manifest is published or
 * the manifest records none (older manifests: those releases trained with the default), and when
 * the recorded table fails validation (logged to `logger`). Rejects only when KV does.
 */
export async function readEventWeights(kv: KVNamespace, logger: Logger = createLogger()): Promise<EventWeights> {
  return cached(kv, derivedKey(kvKeys.manifest), ISOLATE_TTL_MS.published, async () => {
    const manifest = await readManifest(kv);
    try {
      return manifestEventWeights(manifest);
    } catch (error) {
      logger.warn("event_weights_invalid", { kv_key: kvKeys.manifest, model_version: manifest?.modelVersion, error });
      return DEFAULT_EVENT_WEIGHTS;
    }
  });
}

/**
 * {@link readEventWeights}, or the default table when KV cannot be read (logged as
 * `event_weights_unavailable` with `stage`): a weight table never fails a request — the events and
 * recommendations it weighs go on with the table most releases are trained with.
 */
export async function eventWeightsOrDefault(kv: KVNamespace | Promise<KVNamespace>, logger: Logger, stage: string): Promise<EventWeights> {
  try {
    // Only a promise is awaited: a namespace is passed on as it is (awaiting an object calls its `then`, if any).
    return await readEventWeights(kv instanceof Promise ? await kv : kv, logger);
  } catch (error) {
    logger.warn("event_weights_unavailable", { stage, error });
    return DEFAULT_EVENT_WEIGHTS;
  }
}

/** The fold-in model (YᵀY, λ, α); null before it is published or when it fails validation (logged to `logger`). */
export async function readFoldInModel(kv: KVNamespace, logger: Logger = createLogger()): Promise<FoldInModel | null> {
  return cached(kv, derivedKey(kvKeys.foldIn), ISOLATE_TTL_MS.published, async () =>
    parsed(foldInModelSchema, await readJson<unknown>(kv, kvKeys.foldIn, ISOLATE_TTL_MS.published), kvKeys.foldIn, logger),
  );
}

/** The content encoder; null before it is published or when it fails validation (logged to `logger`). */
export async function readContentEncoder(kv: KVNamespace, logger: Logger = createLogger()): Promise<ContentEncoderModel | null> {
  return cached(kv, derivedKey(kvKeys.contentEncoder), ISOLATE_TTL_MS.published, async () =>
    parsed(
      contentEncoderModelSchema,
      await readJson<unknown>(kv, kvKeys.contentEncoder, ISOLATE_TTL_MS.published),
      kvKeys.contentEncoder,
      logger,
    ),
  ) as Promise<ContentEncoderModel | null>;
}

/** The item fold-in model (item norms, XᵀX, λ, α); null before it is published or when it fails validation (logged to `logger`). */
export async function readItemFoldInModel(kv: KVNamespace, logger: Logger = createLogger()): Promise<ItemFoldInModel | null> {
  return cached(kv, derivedKey(kvKeys.itemFoldIn), ISOLATE_TTL_MS.published, async () =>
    parsed(itemFoldInModelSchema, await readJson<unknown>(kv, kvKeys.itemFoldIn, ISOLATE_TTL_MS.published), kvKeys.itemFoldIn, logger),
  ) as Promise<ItemFoldInModel | null>;
}

/** The live trending list (overall, or for one category) the TrendingAggregator flushed. */
export function readTrendingList(kv: KVNamespace, category?: string): Promise<PopularList | null> {
  return readJson<PopularList>(kv, category ? kvKeys.trendingCategory(category) : kvKeys.trendingAll, ISOLATE_TTL_MS.trending);
}

/** Items added through the admin API, newest first. */
export function readFreshItems(kv: KVNamespace): Promise<PopularList | null> {
  return readJson<PopularList>(kv, kvKeys.freshItems, ISOLATE_TTL_MS.catalog);
}

/** Items removed from the catalogue or flagged unsafe / unavailable (older records lack the flags). */
export function readBlockedItems(kv: KVNamespace): Promise<BlockedItems | null> {
  return readJson<BlockedItems>(kv, kvKeys.blockedItems, ISOLATE_TTL_MS.catalog);
}

function parsed<T>(schema: z.ZodType<T>, value: unknown, key: string, logger: Logger): T | null {
  if (value === null) return null;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  logger.error("kv_value_invalid", { kv_key: key, error: `invalid value: ${result.error.issues[0]?.message ?? "schema mismatch"}` });
  return null;
}
