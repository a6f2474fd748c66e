/**
 * The gauges of the Prometheus text computed when the metrics are read: feature PSI, catalogue
 * coverage, CTR by surface and the alert rules' states (edge-metrics.ts names them).
 */
import type { Alert } from "./alert-rules";
import type { EdgeMetricName } from "./edge-metrics";
import type { QualityReport } from "./quality-report";

/** One gauge sample. */
export interface GaugeSample {
  name: EdgeMetricName;
  labels: Record<string, string>;
  value: number;
}

/** The gauges of `quality` and `alerts`. */
export function qualityGauges(quality: QualityReport, alerts: readonly Alert[]): GaugeSample[] {
  const gauges: GaugeSample[] = [];
  for (const { feature, psi } of quality.drift?.features ?? []) {
    if (psi !== null) gauges.push({ name: "edge_recs_feature_psi", labels: { feature }, value: psi });
  }
  gauges.push(
    {
      name: "edge_recs_catalog_coverage_items",
      labels: { window: `${quality.recent_hours}h` },
      value: quality.coverage.distinct_items_recent,
    },
    {
      name: "edge_recs_catalog_coverage_items",
      labels: { window: `${quality.ctr.hours.length}h` },
      value: quality.coverage.distinct_items_day,
    },
  );
  for (const [surface, ctr] of Object.entries(quality.ctr.recent)) {
    if (ctr !== null) gauges.push({ name: "edge_recs_ctr", labels: { surface }, value: ctr });
  }
  for (const alert of alerts) {
    gauges.push({
      name: "edge_recs_alert_firing",
      labels: { rule: alert.rule, subject: alert.subject },
      value: alert.state === "firing" ? 1 : 0,
    });
  }
  return gauges;
}
