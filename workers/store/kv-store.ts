/**
 * Typed reads of the KV namespace the pipeline publishes (see shared/artifacts/kv-keys.ts).
 * Reads use a short edge cache TTL: KV is eventually consistent anyway, and popular lists and
 * trained user vectors change only when a new model is published.
 */
import { kvKeys, type PopularList, type UserRecord } from "../../shared/artifacts/kv-keys";
import type { ModelManifest } from "../../shared/artifacts/model-manifest";

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
