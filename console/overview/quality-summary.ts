/**
 * Reads the `quality` part of `GET /v1/admin/metrics?format=json` — hourly CTR per surface and the
 * day's catalogue coverage — when the answer has one: `{ctr: {hours: [ISO…], surfaces: {<surface>:
 * {ctr: [...]}}}, coverage: {share_day, distinct_items_day, catalogue_items}}`. Pure.
 */
import type { Values } from "./metrics-series";

/** What the overview shows of the quality report. */
export interface QualitySummary {
  /** Hourly CTR per surface, hours in seconds since epoch. */
  ctr: { times: number[]; bySurface: Record<string, Values> } | null;
  coverage: { shareDay: number | null; distinctItemsDay: number | null; catalogueItems: number | null } | null;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const numberOrNull = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : null);

/** The quality summary, or null when the answer has no `quality` object. */
export function readQualitySummary(body: unknown): QualitySummary | null {
  const quality = isObject(body) && isObject(body.quality) ? body.quality : null;
  if (!quality) return null;
  let ctr: QualitySummary["ctr"] = null;
  if (isObject(quality.ctr) && Array.isArray(quality.ctr.hours) && isObject(quality.ctr.surfaces)) {
    const times = quality.ctr.hours.map((hour) => Date.parse(String(hour)) / 1000);
    const bySurface: Record<string, Values> = {};
    for (const [surface, entry] of Object.entries(quality.ctr.surfaces)) {
      if (isObject(entry) && Array.isArray(entry.ctr) && entry.ctr.length === times.length)
        bySurface[surface] = entry.ctr.map(numberOrNull);
    }
    if (times.every(Number.isFinite)) ctr = { times, bySurface };
  }
  const coverage = isObject(quality.coverage)
    ? {
        shareDay: numberOrNull(quality.coverage.share_day),
        distinctItemsDay: numberOrNull(quality.coverage.distinct_items_day),
        catalogueItems: numberOrNull(quality.coverage.catalogue_items),
      }
    : null;
  return { ctr, coverage };
}
