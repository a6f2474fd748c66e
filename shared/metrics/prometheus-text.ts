/**
 * Renders the aggregates' totals in the Prometheus text exposition format (version 0.0.4): `# HELP`
 * and `# TYPE` for every metric of edge-metrics.ts, one sample line per counter or gauge series, and
 * `_bucket` (cumulative, ending `le="+Inf"`), `_sum` and `_count` lines per histogram series.
 * Written by hand because prom-client is Node-only; the format is small
 * (https://prometheus.io/docs/instrumenting/exposition_formats/).
 */
import { EDGE_METRIC_NAMES, EDGE_METRICS, type MetricDefinition, parseSeriesKey } from "./edge-metrics";
import { type MetricIncrement, VALUE_CELL } from "./metrics-aggregate-contract";
import type { GaugeSample } from "./quality-gauges";

/** The content type of the text exposition. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** A sample value as Prometheus writes it (`+Inf`, `NaN`, plain decimals). */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/** A label value escaped for the exposition (backslash, double quote, newline). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** `{a="x",b="y"}` for `labels` plus `extra` (empty string when there are none). */
function labelSet(labels: Record<string, string>, order: readonly string[], extra: [string, string][] = []): string {
  const pairs = [...order.map((name) => [name, labels[name] ?? ""] as [string, string]), ...extra];
  return pairs.length === 0 ? "" : `{${pairs.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(",")}}`;
}

/** One series' cells: its value (counter) or sum (histogram) and its bucket counts. */
interface SeriesCells {
  labels: Record<string, string>;
  value: number;
  buckets: number[];
}

/** The exposition of `totals` (summed increments, any order) and `gauges` (computed when read). */
export function prometheusText(totals: readonly MetricIncrement[], gauges: readonly GaugeSample[] = []): string {
  const byMetric = new Map<string, Map<string, SeriesCells>>();
  for (const { key, cell, value } of totals) {
    const parsed = parseSeriesKey(key);
    if (!parsed) continue;
    const definition: MetricDefinition = EDGE_METRICS[parsed.name];
    let series = byMetric.get(parsed.name);
    if (!series) {
      series = new Map();
      byMetric.set(parsed.name, series);
    }
    let cells = series.get(key);
    if (!cells) {
      cells = { labels: parsed.labels, value: 0, buckets: new Array(definition.buckets?.length ?? 0).fill(0) };
      series.set(key, cells);
    }
    if (cell === VALUE_CELL) cells.value += value;
    else if (cell >= 0 && cell < cells.buckets.length) cells.buckets[cell]! += value;
  }

  const lines: string[] = [];
  for (const name of EDGE_METRIC_NAMES) {
    const definition: MetricDefinition = EDGE_METRICS[name];
    lines.push(`# HELP ${name} ${definition.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`, `# TYPE ${name} ${definition.type}`);
    if (definition.type === "gauge") {
      for (const gauge of gauges.filter((sample) => sample.name === name)) {
        lines.push(`${name}${labelSet(gauge.labels, definition.labels)} ${formatSampleValue(gauge.value)}`);
      }
      continue;
    }
    const series = [...(byMetric.get(name)?.entries() ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [, cells] of series) {
      if (definition.type === "counter") {
        lines.push(`${name}${labelSet(cells.labels, definition.labels)} ${formatSampleValue(cells.value)}`);
        continue;
      }
      let cumulative = 0;
      (definition.buckets ?? []).forEach((bound, i) => {
        cumulative += cells.buckets[i] ?? 0;
        lines.push(`${name}_bucket${labelSet(cells.labels, definition.labels, [["le", formatSampleValue(bound)]])} ${cumulative}`);
      });
      lines.push(`${name}_sum${labelSet(cells.labels, definition.labels)} ${formatSampleValue(cells.value)}`);
      lines.push(`${name}_count${labelSet(cells.labels, definition.labels)} ${cumulative}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
