/**
 * Quality signals from the merged metrics snapshot (docs/operations.md "Quality signals"):
 * - **freshness** — median and p99 age of the serving release, the users' trained records and the live
 *   trending list when lists were served in the recent window;
 * - **drift** — the population stability index of every ranker feature served in the recent window
 *   against the serving release's training distribution (same bins);
 * - **coverage** — distinct items served (HyperLogLog) in the recent window and the whole day, and
 *   their share of the catalogue when its size is known;
 * - **CTR by surface** — accepted clicks / items returned, per hour over the day and for the recent window.
 *
 * Windows are clock hours: "recent" is the current hour and the one before it ({@link RECENT_HOURS}),
 * the day is the last QUALITY_WINDOW_HOURS.
 */
import { HyperLogLog } from "../experiments/hyperloglog";
import type { FeatureDistribution } from "../features/feature-distribution";
import { bucketQuantile } from "./edge-metrics";
import { FRESHNESS_SUBJECTS, type FreshnessSubject } from "./metric-labels";
import { type MetricsSnapshot, QUALITY_WINDOW_HOURS, VALUE_CELL } from "./metrics-aggregate-contract";
import { populationStabilityIndex } from "./population-stability";
import { AGE_BUCKETS_S, parseFeatureKey } from "./quality-series";

/** Clock hours in the recent window (the current one and the one before). */
export const RECENT_HOURS = 2;

/** Freshness of one subject over the recent window. */
export interface FreshnessSummary {
  /** Lists whose age was known. */
  lists: number;
  /** Bucket upper bounds (AGE_BUCKETS_S), seconds; null: older than 30 days. */
  p50_s: number | null;
  p99_s: number | null;
  mean_s: number;
}

/** Drift of the serving release's features. */
export interface DriftSummary {
  version: string;
  /** Ranker rows served in the recent window (each row counts once per feature). */
  served_rows: number;
  training_rows: number;
  features: { feature: string; psi: number | null }[];
  max_psi: { feature: string; psi: number } | null;
}

/** The quality section of the JSON form. */
export interface QualityReport {
  recent_hours: number;
  freshness: Record<FreshnessSubject, FreshnessSummary | null>;
  /** null while the serving release records no feature distribution (or none of its rows were served). */
  drift: DriftSummary | null;
  coverage: { distinct_items_recent: number; distinct_items_day: number; catalogue_items: number | null; share_day: number | null };
  ctr: {
    /** Start of each hour of the day (ISO 8601), oldest first. */
    hours: string[];
    surfaces: Record<string, { impressions: number[]; clicks: number[]; ctr: (number | null)[] }>;
    /** CTR over the recent window, by surface (null: no impressions). */
    recent: Record<string, number | null>;
  };
}

/** What the report needs beside the snapshot. */
export interface QualityInputs {
  now: number;
  /** The model version serving now (the release id, or the unscoped manifest's version); null when unknown. */
  servingVersion: string | null;
  /** Its training distribution, when its manifest records one. */
  trainingDistribution: FeatureDistribution | null;
  /** Catalogue size (the manifest's item count), when known. */
  catalogueItems: number | null;
}

/** The quality report of `snapshot` (merged over every shard). */
export function qualityReport(snapshot: MetricsSnapshot, inputs: QualityInputs): QualityReport {
  const lastHour = Math.floor(inputs.now / 3_600_000);
  const firstHour = lastHour - QUALITY_WINDOW_HOURS + 1;
  const recentFrom = lastHour - RECENT_HOURS + 1;
  const ages = new Map<string, { sum: number; counts: number[] }>();
  const bins = new Map<string, number[]>();
  const impressions = new Map<string, number[]>();
  const clicks = new Map<string, number[]>();
  const perHour = (map: Map<string, number[]>, surface: string) => {
    let values = map.get(surface);
    if (!values) {
      values = new Array<number>(QUALITY_WINDOW_HOURS).fill(0);
      map.set(surface, values);
    }
    return values;
  };

  for (const { hour, increments } of snapshot.hours) {
    if (hour < firstHour || hour > lastHour) continue;
    const recent = hour >= recentFrom;
    for (const { key, cell, value } of increments) {
      const [kind, rest] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
      if (kind === "impressions" && cell === VALUE_CELL) perHour(impressions, rest)[hour - firstHour]! += value;
      else if (kind === "clicks" && cell === VALUE_CELL) perHour(clicks, rest)[hour - firstHour]! += value;
      else if (kind === "age" && recent) {
        const age = ages.get(rest) ?? { sum: 0, counts: new Array<number>(AGE_BUCKETS_S.length).fill(0) };
        ages.set(rest, age);
        if (cell === VALUE_CELL) age.sum += value;
        else if (cell >= 0 && cell < age.counts.length) age.counts[cell]! += value;
      } else if (kind === "feature" && recent) {
        const parsed = parseFeatureKey(key);
        if (!parsed || parsed.version !== inputs.servingVersion || cell < 0) continue;
        const counts = bins.get(parsed.feature) ?? [];
        counts[cell] = (counts[cell] ?? 0) + value;
        bins.set(parsed.feature, counts);
      }
    }
  }

  const freshness = Object.fromEntries(
    FRESHNESS_SUBJECTS.map((subject) => {
      const age = ages.get(subject);
      const lists = age ? age.counts.reduce((sum, count) => sum + count, 0) : 0;
      if (!age || lists === 0) return [subject, null];
      const finite = (q: number) => {
        const bound = bucketQuantile(AGE_BUCKETS_S, age.counts, q);
        return bound === null || bound === Infinity ? null : bound;
      };
      return [subject, { lists, p50_s: finite(0.5), p99_s: finite(0.99), mean_s: age.sum / lists }];
    }),
  ) as Record<FreshnessSubject, FreshnessSummary | null>;

  const hours = Array.from({ length: QUALITY_WINDOW_HOURS }, (_, i) => new Date((firstHour + i) * 3_600_000).toISOString());
  const surfaces: QualityReport["ctr"]["surfaces"] = {};
  const recentCtr: Record<string, number | null> = {};
  for (const surface of new Set([...impressions.keys(), ...clicks.keys()])) {
    const shown = perHour(impressions, surface);
    const clicked = perHour(clicks, surface);
    surfaces[surface] = { impressions: shown, clicks: clicked, ctr: shown.map((n, i) => (n > 0 ? clicked[i]! / n : null)) };
    const recentShown = shown.slice(recentFrom - firstHour).reduce((a, b) => a + b, 0);
    const recentClicked = clicked.slice(recentFrom - firstHour).reduce((a, b) => a + b, 0);
    recentCtr[surface] = recentShown > 0 ? recentClicked / recentShown : null;
  }

  return {
    recent_hours: RECENT_HOURS,
    freshness,
    drift: driftSummary(bins, inputs),
    coverage: coverage(snapshot, firstHour, recentFrom, inputs.catalogueItems),
    ctr: { hours, surfaces, recent: recentCtr },
  };
}

function driftSummary(bins: Map<string, number[]>, inputs: QualityInputs): DriftSummary | null {
  const training = inputs.trainingDistribution;
  if (!training || inputs.servingVersion === null || bins.size === 0) return null;
  let servedRows = 0;
  let max: DriftSummary["max_psi"] = null;
  const features = training.features.map(({ feature, counts }) => {
    const served = Array.from({ length: counts.length }, (_, i) => bins.get(feature)?.[i] ?? 0);
    servedRows = Math.max(
      servedRows,
      served.reduce((a, b) => a + b, 0),
    );
    const psi = populationStabilityIndex(counts, served);
    if (psi !== null && (max === null || psi > max.psi)) max = { feature, psi };
    return { feature, psi };
  });
  return { version: inputs.servingVersion, served_rows: servedRows, training_rows: training.rows, features, max_psi: max };
}

function coverage(
  snapshot: MetricsSnapshot,
  firstHour: number,
  recentFrom: number,
  catalogueItems: number | null,
): QualityReport["coverage"] {
  const day = new HyperLogLog();
  const recent = new HyperLogLog();
  for (const { hour, registers } of snapshot.sketches) {
    if (hour < firstHour) continue;
    const sketch = HyperLogLog.fromBytes(registers);
    day.merge(sketch);
    if (hour >= recentFrom) recent.merge(sketch);
  }
  const distinctDay = Math.round(day.estimate());
  return {
    distinct_items_recent: Math.round(recent.estimate()),
    distinct_items_day: distinctDay,
    catalogue_items: catalogueItems,
    share_day: catalogueItems && catalogueItems > 0 ? Math.min(1, distinctDay / catalogueItems) : null,
  };
}
