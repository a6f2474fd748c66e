/**
 * Alert rules over the operational metrics, with documented thresholds (docs/operations.md
 * "Alerts"). `GET /v1/admin/metrics?format=json` answers `alerts: [{rule, subject, state, value,
 * threshold, window}]` for a console to show, and the Prometheus text carries
 * `edge_recs_alert_firing{rule,subject}`. A rule without enough data in its window is `no_data`,
 * never `firing`: a quiet deployment does not page anyone.
 */
import { CHART_KEYS } from "./chart-series";
import { DURATION_BUCKETS_MS, bucketQuantile } from "./edge-metrics";
import { type MetricsSnapshot, VALUE_CELL } from "./metrics-aggregate-contract";
import type { QualityReport } from "./quality-report";

/** The rules' thresholds and windows. */
export const ALERT_RULES = {
  /** p99 of `GET /v1/recommendations` (Worker wall time) over the last `windowMinutes` above `threshold` ms. */
  latency_p99_over_budget: { threshold: 150, windowMinutes: 5, minRequests: 20 },
  /** Share of lists that took at least one fallback rung over the last `windowMinutes` above `threshold`. */
  fallback_rate: { threshold: 0.05, windowMinutes: 15, minLists: 20 },
  /** A surface's CTR in the recent hours fell by more than `threshold` (relative) against the rest of the day. */
  ctr_drop: { threshold: 0.3, minImpressions: 500 },
  /** The largest PSI of a ranker feature in the recent hours above `threshold`. */
  feature_drift: { threshold: 0.2, minRows: 500 },
} as const;

/** The rule names. */
export type AlertRule = keyof typeof ALERT_RULES;

/** One rule's state. */
export interface Alert {
  rule: AlertRule;
  /** What the rule looked at: `recommendations`, `all`, a surface, a feature. */
  subject: string;
  state: "ok" | "firing" | "no_data";
  /** The measured value (ms, a share, a relative change, a PSI); null without data. */
  value: number | null;
  threshold: number;
  /** The window the value covers, e.g. `5m`, `2h vs 22h`. */
  window: string;
}

/** Sums of chart keys over the last `minutes` minutes ending at `now`. */
function recentMinutes(snapshot: MetricsSnapshot, now: number, minutes: number) {
  const from = Math.floor(now / 60_000) - minutes + 1;
  const sums = new Map<string, number>();
  const latency = new Array<number>(DURATION_BUCKETS_MS.length).fill(0);
  for (const { minute, increments } of snapshot.minutes) {
    if (minute < from) continue;
    for (const { key, cell, value } of increments) {
      if (key === CHART_KEYS.recommendationLatency) {
        if (cell !== VALUE_CELL && cell < latency.length) latency[cell]! += value;
      } else if (cell === VALUE_CELL) sums.set(key, (sums.get(key) ?? 0) + value);
    }
  }
  return { sums, latency };
}

/** Every rule's state at `now`. */
export function evaluateAlerts(snapshot: MetricsSnapshot, quality: QualityReport, now: number): Alert[] {
  const alerts: Alert[] = [];
  const state = (firing: boolean, enough: boolean): Alert["state"] => (!enough ? "no_data" : firing ? "firing" : "ok");

  const latencyRule = ALERT_RULES.latency_p99_over_budget;
  const { latency } = recentMinutes(snapshot, now, latencyRule.windowMinutes);
  const requests = latency.reduce((a, b) => a + b, 0);
  const p99 = requests >= latencyRule.minRequests ? bucketQuantile(DURATION_BUCKETS_MS, latency, 0.99) : null;
  alerts.push({
    rule: "latency_p99_over_budget",
    subject: "recommendations",
    state: state(p99 !== null && p99 > latencyRule.threshold, p99 !== null),
    value: p99 === Infinity ? DURATION_BUCKETS_MS.filter(Number.isFinite).at(-1)! : p99,
    threshold: latencyRule.threshold,
    window: `${latencyRule.windowMinutes}m`,
  });

  const fallbackRule = ALERT_RULES.fallback_rate;
  const { sums } = recentMinutes(snapshot, now, fallbackRule.windowMinutes);
  const lists = [...sums].filter(([key]) => key.startsWith("lists:")).reduce((sum, [, value]) => sum + value, 0);
  const rate = lists >= fallbackRule.minLists ? (sums.get(CHART_KEYS.listsWithFallback) ?? 0) / lists : null;
  alerts.push({
    rule: "fallback_rate",
    subject: "all",
    state: state(rate !== null && rate > fallbackRule.threshold, rate !== null),
    value: rate,
    threshold: fallbackRule.threshold,
    window: `${fallbackRule.windowMinutes}m`,
  });

  const ctrRule = ALERT_RULES.ctr_drop;
  const recentFrom = quality.ctr.hours.length - quality.recent_hours;
  for (const [surface, { impressions, clicks }] of Object.entries(quality.ctr.surfaces)) {
    if (surface === "none") continue;
    const sum = (values: number[], from: number, to: number) => values.slice(from, to).reduce((a, b) => a + b, 0);
    const recentShown = sum(impressions, recentFrom, impressions.length);
    const baseShown = sum(impressions, 0, recentFrom);
    const enough = recentShown >= ctrRule.minImpressions && baseShown >= ctrRule.minImpressions;
    const baseCtr = baseShown > 0 ? sum(clicks, 0, recentFrom) / baseShown : 0;
    const change = enough && baseCtr > 0 ? sum(clicks, recentFrom, clicks.length) / recentShown / baseCtr - 1 : null;
    alerts.push({
      rule: "ctr_drop",
      subject: surface,
      state: state(change !== null && change < -ctrRule.threshold, change !== null),
      value: change,
      threshold: ctrRule.threshold,
      window: `${quality.recent_hours}h vs ${quality.ctr.hours.length - quality.recent_hours}h`,
    });
  }

  const driftRule = ALERT_RULES.feature_drift;
  const drift = quality.drift;
  const enoughRows = drift !== null && drift.served_rows >= driftRule.minRows && drift.max_psi !== null;
  alerts.push({
    rule: "feature_drift",
    subject: drift?.max_psi?.feature ?? "all",
    state: state(enoughRows && drift!.max_psi!.psi > driftRule.threshold, enoughRows),
    value: drift?.max_psi?.psi ?? null,
    threshold: driftRule.threshold,
    window: `${quality.recent_hours}h`,
  });
  return alerts;
}
