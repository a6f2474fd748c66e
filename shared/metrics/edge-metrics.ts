/**
 * The Worker's operational metrics as `GET /v1/admin/metrics` exposes them: every name, its type,
 * help text, label names and (histograms) fixed bucket bounds. One table for the aggregates the
 * MetricsAggregate objects keep, the Prometheus exposition (prometheus-text.ts), the console's
 * JSON and docs/operations.md; test/workers/metrics.test.ts pins the names.
 *
 * A series is one metric with one set of label values, keyed as Prometheus writes it
 * (`edge_recs_fallbacks_total{stage="ranker",reason="timeout"}`, labels in the table's order).
 * Label values are bounded (metric-labels.ts), so the key needs no escaping.
 */
import { LATENCY_BUCKET_BOUNDS_MS } from "../experiments/latency-buckets";
import { AGE_BUCKETS_S } from "./quality-series";

/**
 * Kinds of metric (Prometheus types). Counters and histograms are summed from the aggregates;
 * gauges are computed when the metrics are read (quality-report.ts: drift, coverage, CTR, alerts).
 */
export type MetricType = "counter" | "histogram" | "gauge";

/** One metric. */
export interface MetricDefinition {
  type: MetricType;
  help: string;
  labels: readonly string[];
  /** Histograms: upper bucket bounds, ascending, the last `Infinity` (`le="+Inf"`). */
  buckets?: readonly number[];
}

/** Latency bucket bounds of the duration histograms, in ms (shared with the A/B counters). */
export const DURATION_BUCKETS_MS: readonly number[] = LATENCY_BUCKET_BOUNDS_MS;

/** Every metric, by name. */
export const EDGE_METRICS = {
  edge_recs_requests_total: {
    type: "counter",
    help: "API requests answered, by route family, surface, status class, ranker that served and release.",
    labels: ["route", "surface", "status_class", "ranker", "release"],
  },
  edge_recs_request_duration_ms: {
    type: "histogram",
    help: "Wall-clock time of an API request in the Worker, from the metrics middleware to the response, in ms.",
    labels: ["route"],
    buckets: DURATION_BUCKETS_MS,
  },
  edge_recs_stage_duration_ms: {
    type: "histogram",
    help: "Time of one stage of the serving funnel (timings_ms; total is the whole funnel), in ms.",
    labels: ["stage"],
    buckets: DURATION_BUCKETS_MS,
  },
  edge_recs_fallbacks_total: {
    type: "counter",
    help: "Fallback rungs taken (docs/fallbacks.md), by stage and reason.",
    labels: ["stage", "reason"],
  },
  edge_recs_lists_served_total: {
    type: "counter",
    help: "Recommendation lists served (one per GET /v1/recommendations, one per user of a digest batch), by surface and ranker.",
    labels: ["surface", "ranker"],
  },
  edge_recs_items_returned_total: {
    type: "counter",
    help: "Items returned in served lists (impressions), by surface.",
    labels: ["surface"],
  },
  edge_recs_empty_lists_total: {
    type: "counter",
    help: "Served lists with no item, by surface.",
    labels: ["surface"],
  },
  edge_recs_arm_lists_total: {
    type: "counter",
    help: "Lists served to users in an A/B arm (the canary too), by experiment and arm.",
    labels: ["experiment", "arm"],
  },
  edge_recs_events_total: {
    type: "counter",
    help: "Posted events by type and outcome (accepted, duplicate, rejected — type other —, failed).",
    labels: ["type", "outcome"],
  },
  edge_recs_clicks_total: {
    type: "counter",
    help: "Accepted click events by the surface in their context (none without one); CTR = clicks / items returned.",
    labels: ["surface"],
  },
  edge_recs_feature_age_seconds: {
    type: "histogram",
    help: "Age of what served a list when it was served: the release (since training), the user's trained record, the live trending list.",
    labels: ["subject"],
    buckets: AGE_BUCKETS_S,
  },
  edge_recs_feature_psi: {
    type: "gauge",
    help: "Population stability index of each ranker feature served in the last hour against the serving release's training distribution.",
    labels: ["feature"],
  },
  edge_recs_catalog_coverage_items: {
    type: "gauge",
    help: "Distinct items served over the window (HyperLogLog estimate, ±1.6 %).",
    labels: ["window"],
  },
  edge_recs_ctr: {
    type: "gauge",
    help: "Click-through rate over the last hour by surface: accepted clicks / items returned.",
    labels: ["surface"],
  },
  edge_recs_alert_firing: {
    type: "gauge",
    help: "1 while an alert rule fires, else 0 (docs/operations.md lists the rules and thresholds).",
    labels: ["rule", "subject"],
  },
} as const satisfies Record<string, MetricDefinition>;

/** A metric name. */
export type EdgeMetricName = keyof typeof EDGE_METRICS;

/** Every metric name, in exposition order. */
export const EDGE_METRIC_NAMES = Object.keys(EDGE_METRICS) as EdgeMetricName[];

/** The series key of `name` with `labels` (every label of the metric, in its order). */
export function seriesKey(name: EdgeMetricName, labels: Record<string, string>): string {
  const definition: MetricDefinition = EDGE_METRICS[name];
  if (definition.labels.length === 0) return name;
  return `${name}{${definition.labels.map((label) => `${label}="${labels[label] ?? ""}"`).join(",")}}`;
}

/** A series key split back into its metric name and label values; null for a key of no known metric. */
export function parseSeriesKey(key: string): { name: EdgeMetricName; labels: Record<string, string> } | null {
  const brace = key.indexOf("{");
  const name = (brace < 0 ? key : key.slice(0, brace)) as EdgeMetricName;
  if (!(name in EDGE_METRICS)) return null;
  const labels: Record<string, string> = {};
  if (brace >= 0) {
    for (const match of key.slice(brace + 1, -1).matchAll(/([a-z_]+)="([^"]*)"/g)) labels[match[1]!] = match[2]!;
  }
  return { name, labels };
}

/** The index of the bucket of `bounds` that holds `value` (the first bound ≥ value). */
export function bucketIndex(bounds: readonly number[], value: number): number {
  const index = bounds.findIndex((bound) => value <= bound);
  return index < 0 ? bounds.length - 1 : index;
}

/**
 * The upper bound of the bucket holding quantile `q` (0..1) of bucket `counts` over `bounds`, or
 * null when there are none (the overflow bucket answers Infinity).
 */
export function bucketQuantile(bounds: readonly number[], counts: readonly number[], q: number): number | null {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i] ?? 0;
    if (seen >= rank) return bounds[i] ?? Infinity;
  }
  return bounds.at(-1) ?? Infinity;
}
