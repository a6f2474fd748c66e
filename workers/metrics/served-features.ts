/**
 * Quality signals of one served list, measured from what the isolate already holds — never a read on
 * the request's path:
 * - freshness: the age of the serving release (its manifest's `createdAt`, else the training time in
 *   its id), of the user's trained record (the training time in its `modelVersion`) and of the live
 *   trending list (its `generatedAt`, when this isolate has it cached);
 * - drift: the ranker rows binned with the training edges the release's manifest records
 *   (`featureDistribution`, shared/features/feature-distribution.ts), when the manifest is cached in
 *   this isolate and was trained on the same feature spec.
 * When the manifest is not cached, {@link warmManifest} reads it in the background (once per isolate
 * per ISOLATE_TTL_MS.published), so the following requests are measured.
 */
import { kvKeys, type PopularList, type UserRecord } from "../../shared/artifacts/kv-keys";
import type { ModelManifest } from "../../shared/artifacts/model-manifest";
import { modelVersionTime } from "../../shared/artifacts/model-version-time";
import { featureBin } from "../../shared/features/feature-distribution";
import { FEATURE_SPEC } from "../../shared/features/feature-spec";
import type { ServedListObservation } from "../../shared/metrics/metrics";
import { peekIsolateCache } from "../store/isolate-cache";
import { readManifest } from "../store/kv-store";

/** What the funnel hands the metrics about one list (recommend.ts `onFeatureRows`). */
export interface FunnelFeatures {
  rows: readonly (readonly number[])[];
  userRecord: UserRecord | null;
}

/** The manifest this isolate holds for `kv` (the request's release view): a value, null (none published) or undefined (not cached). */
export function cachedManifest(kv: KVNamespace): ModelManifest | null | undefined {
  return peekIsolateCache<ModelManifest | null>(kv, kvKeys.manifest);
}

/** Reads the manifest into the isolate cache (background work; failures are ignored: the next request tries again). */
export async function warmManifest(kv: KVNamespace): Promise<void> {
  await readManifest(kv).catch(() => null);
}

/** Seconds from `thenMs` to `nowMs`, or undefined when unknown. */
function ageSeconds(nowMs: number, thenMs: number | null | undefined): number | undefined {
  return thenMs === null || thenMs === undefined || !Number.isFinite(thenMs) ? undefined : Math.max(0, (nowMs - thenMs) / 1000);
}

/** Freshness and drift of one served list. */
export function servedQuality(
  kv: KVNamespace,
  releaseId: string | null,
  funnel: FunnelFeatures | null,
  nowMs: number,
): Pick<ServedListObservation, "ageSeconds" | "featureBins"> {
  const manifest = cachedManifest(kv);
  const trending = peekIsolateCache<PopularList | null>(kv, kvKeys.trendingAll);
  const ages: NonNullable<ServedListObservation["ageSeconds"]> = {};
  const release = ageSeconds(nowMs, manifest ? Date.parse(manifest.createdAt) : modelVersionTime(releaseId));
  if (release !== undefined) ages.release = release;
  const userRecord = ageSeconds(nowMs, modelVersionTime(funnel?.userRecord?.modelVersion));
  if (userRecord !== undefined) ages.user_record = userRecord;
  const trendingAge = ageSeconds(nowMs, trending ? Date.parse(trending.generatedAt) : null);
  if (trendingAge !== undefined) ages.trending = trendingAge;

  const distribution = manifest?.featureDistribution;
  if (!funnel || funnel.rows.length === 0 || !distribution || distribution.featureSpecHash !== FEATURE_SPEC.hash) {
    return { ageSeconds: ages };
  }
  const features = distribution.features.map(({ feature, edges }, f) => {
    const counts = new Array<number>(edges.length + 1).fill(0);
    for (const row of funnel.rows) counts[featureBin(edges, row[f] ?? 0)]!++;
    return { feature, counts };
  });
  return { ageSeconds: ages, featureBins: { version: manifest.modelVersion, features } };
}
