/**
 * What one finished request adds to the aggregates: its series increments (edge-metrics.ts), its
 * chart points for the minute it finished in (chart-series.ts), its quality points for the hour
 * (quality-series.ts) and the item ids it served (coverage). Label values are bounded here
 * (metric-labels.ts), so whatever a request carried, the aggregates hold only known series.
 */
import { CHART_KEYS } from "./chart-series";
import { bucketIndex, DURATION_BUCKETS_MS, type EdgeMetricName, seriesKey } from "./edge-metrics";
import { boundedLabel, FRESHNESS_SUBJECTS, NONE, openLabel, OTHER, routeLabel, statusClass, TIMED_STAGES } from "./metric-labels";
import { AGE_BUCKETS_S, QUALITY_KEYS } from "./quality-series";
import { type MetricIncrement, type MetricsBatch, VALUE_CELL } from "./metrics-aggregate-contract";
import type { RequestObservation } from "./metrics";

const TIMED: ReadonlySet<string> = new Set(TIMED_STAGES);

/** Adds `value` to the counter `name{labels}`. */
function count(into: MetricIncrement[], name: EdgeMetricName, labels: Record<string, string>, value = 1): void {
  if (value !== 0) into.push({ key: seriesKey(name, labels), cell: VALUE_CELL, value });
}

/** Observes `value` in the histogram `key` (its bucket and its sum). */
function observe(into: MetricIncrement[], key: string, bounds: readonly number[], value: number): void {
  into.push({ key, cell: bucketIndex(bounds, value), value: 1 }, { key, cell: VALUE_CELL, value });
}

/** The aggregates' additions for `observation` (chart points under the minute it finished in). */
export function observationIncrements(observation: RequestObservation): MetricsBatch {
  const totals: MetricIncrement[] = [];
  const chart: MetricIncrement[] = [];
  const quality: MetricIncrement[] = [];
  const served = new Set<string>();
  const route = routeLabel(observation.path);
  const status = statusClass(observation.status);
  const first = observation.lists[0];

  count(totals, "edge_recs_requests_total", {
    route,
    surface: first ? boundedLabel("surface", first.surface) : NONE,
    status_class: status,
    ranker: first ? boundedLabel("ranker", first.ranker) : NONE,
    release: openLabel(first?.release),
  });
  observe(totals, seriesKey("edge_recs_request_duration_ms", { route }), DURATION_BUCKETS_MS, observation.durationMs);
  chart.push({ key: CHART_KEYS.requests, cell: VALUE_CELL, value: 1 });
  if (status === "5xx") chart.push({ key: CHART_KEYS.errors5xx, cell: VALUE_CELL, value: 1 });
  if (route === "recommendations") observe(chart, CHART_KEYS.recommendationLatency, DURATION_BUCKETS_MS, observation.durationMs);

  for (const list of observation.lists) {
    const surface = boundedLabel("surface", list.surface);
    const items = list.itemIds.length;
    count(totals, "edge_recs_lists_served_total", { surface, ranker: boundedLabel("ranker", list.ranker) });
    count(totals, "edge_recs_items_returned_total", { surface }, items);
    chart.push({ key: CHART_KEYS.lists(surface), cell: VALUE_CELL, value: 1 });
    if (items > 0) {
      chart.push({ key: CHART_KEYS.items(surface), cell: VALUE_CELL, value: items });
      quality.push({ key: QUALITY_KEYS.impressions(surface), cell: VALUE_CELL, value: items });
    }
    for (const itemId of list.itemIds) served.add(itemId);
    if (items === 0) {
      count(totals, "edge_recs_empty_lists_total", { surface });
      chart.push({ key: CHART_KEYS.empty(surface), cell: VALUE_CELL, value: 1 });
    }
    for (const fallback of list.fallbacks) {
      count(totals, "edge_recs_fallbacks_total", {
        stage: boundedLabel("stage", fallback.stage),
        reason: boundedLabel("reason", fallback.reason),
      });
    }
    if (list.fallbacks.length > 0) {
      chart.push({ key: CHART_KEYS.fallbacks, cell: VALUE_CELL, value: list.fallbacks.length });
      chart.push({ key: CHART_KEYS.listsWithFallback, cell: VALUE_CELL, value: 1 });
    }
    for (const [stage, ms] of Object.entries(list.timingsMs)) {
      if (!TIMED.has(stage) || !Number.isFinite(ms)) continue;
      observe(totals, seriesKey("edge_recs_stage_duration_ms", { stage }), DURATION_BUCKETS_MS, ms);
    }
    for (const [experiment, arm] of Object.entries(list.arms)) {
      count(totals, "edge_recs_arm_lists_total", { experiment: openLabel(experiment), arm: openLabel(arm) });
    }
    for (const subject of FRESHNESS_SUBJECTS) {
      const age = list.ageSeconds?.[subject];
      if (age === undefined || !Number.isFinite(age) || age < 0) continue;
      observe(totals, seriesKey("edge_recs_feature_age_seconds", { subject }), AGE_BUCKETS_S, age);
      observe(quality, QUALITY_KEYS.age(subject), AGE_BUCKETS_S, age);
    }
    const version = openLabel(list.featureBins?.version);
    if (list.featureBins && version !== OTHER) {
      for (const { feature, counts } of list.featureBins.features) {
        const name = boundedLabel("feature", feature);
        if (name === OTHER) continue;
        counts.forEach((value, bin) => {
          if (value > 0) quality.push({ key: QUALITY_KEYS.feature(version, name), cell: bin, value });
        });
      }
    }
  }

  for (const { type, outcome, count: events, surface } of observation.events) {
    count(totals, "edge_recs_events_total", { type: boundedLabel("type", type), outcome: boundedLabel("outcome", outcome) }, events);
    if (events > 0) chart.push({ key: CHART_KEYS.events(boundedLabel("outcome", outcome)), cell: VALUE_CELL, value: events });
    if (type === "click" && outcome === "accepted" && events > 0) {
      const clicked = surface === undefined ? NONE : boundedLabel("surface", surface);
      count(totals, "edge_recs_clicks_total", { surface: clicked }, events);
      chart.push({ key: CHART_KEYS.clicks(clicked), cell: VALUE_CELL, value: events });
      quality.push({ key: QUALITY_KEYS.clicks(clicked), cell: VALUE_CELL, value: events });
    }
  }
  const hour = Math.floor(observation.at / 3_600_000);
  return {
    totals,
    minutes: [{ minute: Math.floor(observation.at / 60_000), increments: chart }],
    hours: quality.length > 0 ? [{ hour, increments: quality }] : [],
    served: served.size > 0 ? [{ hour, itemIds: [...served] }] : [],
  };
}
