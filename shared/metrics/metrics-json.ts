/**
 * The JSON form of the operational metrics (`GET /v1/admin/metrics?format=json`), for a console to
 * chart: every series of the totals (as the Prometheus text has them, histograms with their
 * non-cumulative bucket counts), the last hour as per-minute series (chart-series.ts), one value
 * per minute, oldest first, 0 for a minute without traffic (null for a quantile of no requests), the
 * quality report (freshness, drift, coverage, CTR by surface) and the alert rules' states.
 */
import { latencyQuantile } from "../experiments/latency-buckets";
import { CHART_KEYS } from "./chart-series";
import {
  DURATION_BUCKETS_MS,
  EDGE_METRIC_NAMES,
  EDGE_METRICS,
  type MetricDefinition,
  type MetricType,
  parseSeriesKey,
} from "./edge-metrics";
import type { Alert } from "./alert-rules";
import { CHART_WINDOW_MINUTES, type MetricsBatch, VALUE_CELL } from "./metrics-aggregate-contract";
import { qualityGauges } from "./quality-gauges";
import type { QualityReport } from "./quality-report";

/** One series of the totals. */
export type JsonSeries =
  | { labels: Record<string, string>; value: number }
  | { labels: Record<string, string>; buckets: { le: number | "+Inf"; count: number }[]; sum: number; count: number };

/** One metric of the totals. */
export interface JsonMetric {
  name: string;
  type: MetricType;
  help: string;
  series: JsonSeries[];
}

/** The JSON form. */
export interface MetricsJson {
  generated_at: string;
  window_minutes: number;
  /** Counters and histograms summed from the aggregates, gauges computed now (quality-gauges.ts). */
  metrics: JsonMetric[];
  timeseries: {
    /** The start of each minute (ISO 8601), oldest first. */
    minutes: string[];
    /** Chart key → one value per minute; `latency_p50_ms:…` and `latency_p99_ms:…` are bucket upper bounds, capped at the largest finite one (null: no requests). */
    series: Record<string, (number | null)[]>;
  };
  /** Freshness, drift, coverage and CTR (quality-report.ts). */
  quality: QualityReport;
  /** Every alert rule's state (alert-rules.ts). */
  alerts: Alert[];
}

/** Per-series cells of the totals: value (counter) or sum, and bucket counts. */
function totalsByMetric(
  batch: MetricsBatch,
): Map<string, Map<string, { labels: Record<string, string>; value: number; buckets: number[] }>> {
  const byMetric = new Map<string, Map<string, { labels: Record<string, string>; value: number; buckets: number[] }>>();
  for (const { key, cell, value } of batch.totals) {
    const parsed = parseSeriesKey(key);
    if (!parsed) continue;
    const definition: MetricDefinition = EDGE_METRICS[parsed.name];
    const series = byMetric.get(parsed.name) ?? new Map();
    byMetric.set(parsed.name, series);
    const cells = series.get(key) ?? { labels: parsed.labels, value: 0, buckets: new Array(definition.buckets?.length ?? 0).fill(0) };
    series.set(key, cells);
    if (cell === VALUE_CELL) cells.value += value;
    else if (cell >= 0 && cell < cells.buckets.length) cells.buckets[cell] += value;
  }
  return byMetric;
}

/** The JSON form of `batch` (totals and chart points merged over every shard) at `now` (ms), with the quality report and alerts. */
export function metricsJson(batch: MetricsBatch, now: number, quality: QualityReport, alerts: Alert[]): MetricsJson {
  const byMetric = totalsByMetric(batch);
  const gauges = qualityGauges(quality, alerts);
  const metrics: JsonMetric[] = EDGE_METRIC_NAMES.map((name) => {
    const definition: MetricDefinition = EDGE_METRICS[name];
    const series = [...(byMetric.get(name)?.entries() ?? [])]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, cells]): JsonSeries => {
        if (definition.type !== "histogram") return { labels: cells.labels, value: cells.value };
        const bounds = definition.buckets ?? [];
        return {
          labels: cells.labels,
          buckets: bounds.map((bound, i) => ({ le: bound === Infinity ? "+Inf" : bound, count: cells.buckets[i] ?? 0 })),
          sum: cells.value,
          count: cells.buckets.reduce((sum, count) => sum + count, 0),
        };
      });
    if (definition.type === "gauge") {
      series.push(...gauges.filter((gauge) => gauge.name === name).map(({ labels, value }) => ({ labels, value })));
    }
    return { name, type: definition.type, help: definition.help, series };
  });
  return {
    generated_at: new Date(now).toISOString(),
    window_minutes: CHART_WINDOW_MINUTES,
    metrics,
    timeseries: chartSeries(batch, now),
    quality,
    alerts,
  };
}

/** The largest finite bucket bound: a quantile in the overflow bucket is reported as this (JSON has no infinity). */
const LARGEST_FINITE_BOUND_MS = DURATION_BUCKETS_MS.filter(Number.isFinite).at(-1)!;

/** A latency quantile of bucket counts (the bucket's upper bound, the overflow bucket as the largest finite bound), or null. */
export function finiteQuantile(counts: readonly number[], q: number): number | null {
  const quantile = latencyQuantile(counts, q);
  return quantile === Infinity ? LARGEST_FINITE_BOUND_MS : quantile;
}

/** The per-minute series of the last CHART_WINDOW_MINUTES ending with the current minute. */
function chartSeries(batch: MetricsBatch, now: number): MetricsJson["timeseries"] {
  const last = Math.floor(now / 60_000);
  const first = last - CHART_WINDOW_MINUTES + 1;
  const minutes = Array.from({ length: CHART_WINDOW_MINUTES }, (_, i) => new Date((first + i) * 60_000).toISOString());
  const series: Record<string, (number | null)[]> = {};
  const latency: Record<string, number[][]> = {};
  const zeroes = () => new Array<number | null>(CHART_WINDOW_MINUTES).fill(0);
  series[CHART_KEYS.requests] = zeroes();
  series[CHART_KEYS.errors5xx] = zeroes();
  series[CHART_KEYS.fallbacks] = zeroes();
  for (const { minute, increments } of batch.minutes) {
    const slot = minute - first;
    if (slot < 0 || slot >= CHART_WINDOW_MINUTES) continue;
    for (const { key, cell, value } of increments) {
      if (key.startsWith("latency:")) {
        if (cell === VALUE_CELL) continue;
        latency[key] ??= Array.from({ length: CHART_WINDOW_MINUTES }, () => []);
        const perMinute = latency[key];
        const counts = perMinute[slot]!;
        counts[cell] = (counts[cell] ?? 0) + value;
        continue;
      }
      series[key] ??= zeroes();
      const values = series[key];
      values[slot] = (values[slot] ?? 0) + value;
    }
  }
  for (const [key, perMinute] of Object.entries(latency)) {
    const route = key.slice("latency:".length);
    const dense = perMinute.map((counts) => Array.from(counts, (count) => count ?? 0));
    series[`latency_p50_ms:${route}`] = dense.map((counts) => finiteQuantile(counts, 0.5));
    series[`latency_p99_ms:${route}`] = dense.map((counts) => finiteQuantile(counts, 0.99));
  }
  return { minutes, series };
}
