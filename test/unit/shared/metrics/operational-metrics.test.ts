/**
 * The platform-neutral parts of the Worker's operational metrics (shared/metrics/, docs/operations.md):
 * the Prometheus text for known totals, bounded labels, the Analytics Engine layout, PSI and the
 * training feature distribution, model-version times, and each alert rule exactly at its threshold.
 * Every expected value is written out by hand.
 */
import { describe, expect, it } from "vitest";
import { modelVersionTime } from "../../../../shared/artifacts/model-version-time";
import { featureBin, featureDistribution } from "../../../../shared/features/feature-distribution";
import { ALERT_RULES, evaluateAlerts } from "../../../../shared/metrics/alert-rules";
import { analyticsEngineDataPoint } from "../../../../shared/metrics/analytics-engine-layout";
import { seriesKey } from "../../../../shared/metrics/edge-metrics";
import { type MetricsSnapshot, VALUE_CELL } from "../../../../shared/metrics/metrics-aggregate-contract";
import type { RequestObservation } from "../../../../shared/metrics/metrics";
import { observationIncrements } from "../../../../shared/metrics/observation-increments";
import { populationStabilityIndex } from "../../../../shared/metrics/population-stability";
import { prometheusText } from "../../../../shared/metrics/prometheus-text";
import type { QualityReport } from "../../../../shared/metrics/quality-report";

const NOW = Date.UTC(2026, 4, 1, 12, 30, 0);
const MINUTE = Math.floor(NOW / 60_000);

function observation(overrides: Partial<RequestObservation> = {}): RequestObservation {
  return {
    at: NOW,
    method: "GET",
    path: "/v1/recommendations",
    status: 200,
    durationMs: 12,
    lists: [
      {
        surface: "home",
        ranker: "light",
        release: "als-20260101T000000Z-0badcafe",
        modelVersion: "als-20260101T000000Z-0badcafe",
        arms: { "exp-1": "b" },
        fallbacks: [{ stage: "ranker", reason: "timeout", used: "light" }],
        timingsMs: { session: 3, rank: 4, total: 11, subrequests: 7 },
        itemIds: ["i1", "i2"],
      },
    ],
    events: [],
    ...overrides,
  };
}

function snapshot(parts: Partial<MetricsSnapshot>): MetricsSnapshot {
  return { totals: [], minutes: [], hours: [], served: [], sketches: [], ...parts };
}

const EMPTY_QUALITY: QualityReport = {
  recent_hours: 2,
  freshness: { release: null, user_record: null, trending: null },
  drift: null,
  coverage: { distinct_items_recent: 0, distinct_items_day: 0, catalogue_items: null, share_day: null },
  ctr: { hours: new Array(24).fill(""), surfaces: {}, recent: {} },
};

describe("prometheusText", () => {
  it("writes a counter and a cumulative histogram with _sum and _count", () => {
    const requests = seriesKey("edge_recs_requests_total", {
      route: "events",
      surface: "none",
      status_class: "2xx",
      ranker: "none",
      release: "none",
    });
    const stage = seriesKey("edge_recs_stage_duration_ms", { stage: "rank" });
    const text = prometheusText([
      { key: requests, cell: VALUE_CELL, value: 3 },
      { key: stage, cell: 0, value: 2 },
      { key: stage, cell: 2, value: 1 },
      { key: stage, cell: VALUE_CELL, value: 9.5 },
    ]);
    const lines = text.split("\n");
    expect(lines).toContain("# TYPE edge_recs_requests_total counter");
    expect(lines).toContain('edge_recs_requests_total{route="events",surface="none",status_class="2xx",ranker="none",release="none"} 3');
    expect(lines).toContain("# TYPE edge_recs_stage_duration_ms histogram");
    const buckets = lines.filter((line) => line.startsWith('edge_recs_stage_duration_ms_bucket{stage="rank"'));
    expect(buckets.slice(0, 4)).toEqual([
      'edge_recs_stage_duration_ms_bucket{stage="rank",le="2"} 2',
      'edge_recs_stage_duration_ms_bucket{stage="rank",le="5"} 2',
      'edge_recs_stage_duration_ms_bucket{stage="rank",le="10"} 3',
      'edge_recs_stage_duration_ms_bucket{stage="rank",le="15"} 3',
    ]);
    expect(buckets.at(-1)).toBe('edge_recs_stage_duration_ms_bucket{stage="rank",le="+Inf"} 3');
    expect(lines).toContain('edge_recs_stage_duration_ms_sum{stage="rank"} 9.5');
    expect(lines).toContain('edge_recs_stage_duration_ms_count{stage="rank"} 3');
    expect(text.endsWith("\n")).toBe(true);
  });
});

describe("observationIncrements", () => {
  it("keeps label values bounded: unknown values are other, ids never appear, timings other than stages are ignored", () => {
    const batch = observationIncrements(
      observation({
        path: "/v1/nowhere/u-42",
        lists: [
          {
            ...observation().lists[0]!,
            surface: "billboard",
            ranker: "oracle",
            fallbacks: [{ stage: "moon", reason: "eclipse", used: "x" }],
          },
        ],
        events: [{ type: "teleport", outcome: "accepted", count: 2 }],
      }),
    );
    const keys = batch.totals.map((increment) => increment.key);
    expect(keys).toContain(
      'edge_recs_requests_total{route="other",surface="other",status_class="2xx",ranker="other",release="als-20260101T000000Z-0badcafe"}',
    );
    expect(keys).toContain('edge_recs_fallbacks_total{stage="other",reason="other"}');
    expect(keys).toContain('edge_recs_events_total{type="other",outcome="accepted"}');
    expect(keys.some((key) => key.includes("subrequests"))).toBe(false);
    expect(keys.some((key) => /u-42|i1|i2/.test(key))).toBe(false);
    expect(batch.served).toEqual([{ hour: Math.floor(NOW / 3_600_000), itemIds: ["i1", "i2"] }]);
  });

  it("counts an accepted click for CTR by its surface, and a rejected one not", () => {
    const batch = observationIncrements(
      observation({
        path: "/v1/events",
        method: "POST",
        lists: [],
        events: [
          { type: "click", outcome: "accepted", count: 2, surface: "email" },
          { type: "other", outcome: "rejected", count: 1 },
        ],
      }),
    );
    expect(batch.totals).toContainEqual({ key: 'edge_recs_clicks_total{surface="email"}', cell: VALUE_CELL, value: 2 });
    expect(batch.hours[0]!.increments).toEqual([{ key: "clicks:email", cell: VALUE_CELL, value: 2 }]);
  });
});

describe("analyticsEngineDataPoint", () => {
  it("puts each field at its documented position", () => {
    const point = analyticsEngineDataPoint(observation({ colo: "FRA", subrequests: 6 }));
    expect(point.indexes).toEqual(["recommendations"]);
    expect(point.blobs).toEqual([
      "recommendations",
      "GET",
      "200",
      "2xx",
      "home",
      "light",
      "als-20260101T000000Z-0badcafe",
      "als-20260101T000000Z-0badcafe",
      "exp-1=b",
      "ranker/timeout/light",
      "",
      "FRA",
    ]);
    // duration, lists, items, empty, fallbacks, 8 stages (session … total), 4 event outcomes, subrequests, 2 ages.
    expect(point.doubles).toEqual([12, 1, 2, 0, 1, 3, 0, 0, 0, 0, 4, 0, 11, 0, 0, 0, 0, 6, 0, 0]);
  });
});

describe("populationStabilityIndex and featureDistribution", () => {
  it("is 0 for the same shares, Σ(a−e)·ln(a/e) otherwise, null without counts", () => {
    expect(populationStabilityIndex([50, 50], [5, 5])).toBe(0);
    expect(populationStabilityIndex([50, 50], [90, 10])).toBeCloseTo(0.4 * Math.log(1.8) + -0.4 * Math.log(0.2), 12);
    expect(populationStabilityIndex([1, 0], [0, 0])).toBeNull();
  });

  it("bins at deciles without repeated edges (a value on an edge belongs to the bin below)", () => {
    const distribution = featureDistribution([[0], [1], [1], [1]], ["sponsored"], "h", { bins: 4 });
    expect(distribution).toEqual({ featureSpecHash: "h", rows: 4, features: [{ feature: "sponsored", edges: [0, 1], counts: [1, 3, 0] }] });
    expect([-1, 0, 0.5, 1, 2].map((value) => featureBin([0, 1], value))).toEqual([0, 0, 1, 1, 2]);
  });
});

describe("modelVersionTime", () => {
  it("reads the UTC training time from a version name, null when it has none", () => {
    expect(modelVersionTime("als-20261122T001500Z-3f2a9c1b")).toBe(Date.UTC(2026, 10, 22, 0, 15, 0));
    expect(modelVersionTime("fixture-v1")).toBeNull();
    expect(modelVersionTime(undefined)).toBeNull();
  });
});

describe("evaluateAlerts", () => {
  const alert = (rule: string, snap: MetricsSnapshot, quality: QualityReport = EMPTY_QUALITY, subject?: string) =>
    evaluateAlerts(snap, quality, NOW).find((a) => a.rule === rule && (subject === undefined || a.subject === subject))!;
  /** `count` recommendation requests in latency bucket `cell` (DURATION_BUCKETS_MS index) this minute. */
  const latency = (...cells: [cell: number, count: number][]) =>
    snapshot({
      minutes: [{ minute: MINUTE, increments: cells.map(([cell, value]) => ({ key: "latency:recommendations", cell, value })) }],
    });

  it("latency p99: no data below 20 requests, ok at the 150 ms bucket, firing when the 20th request is slower", () => {
    // Bucket 9 is ≤ 150 ms, bucket 10 ≤ 250 ms.
    expect(ALERT_RULES.latency_p99_over_budget.threshold).toBe(150);
    expect(alert("latency_p99_over_budget", latency([9, 19])).state).toBe("no_data");
    expect(alert("latency_p99_over_budget", latency([9, 20]))).toMatchObject({ state: "ok", value: 150 });
    expect(alert("latency_p99_over_budget", latency([9, 19], [10, 1]))).toMatchObject({ state: "firing", value: 250 });
  });

  it("fallback rate: ok at exactly 5 %, firing above", () => {
    const lists = (withFallback: number) =>
      snapshot({
        minutes: [
          {
            minute: MINUTE - 14,
            increments: [
              { key: "lists:home", cell: VALUE_CELL, value: 20 },
              { key: "lists_with_fallback", cell: VALUE_CELL, value: withFallback },
            ],
          },
        ],
      });
    expect(alert("fallback_rate", lists(1))).toMatchObject({ state: "ok", value: 0.05 });
    expect(alert("fallback_rate", lists(2))).toMatchObject({ state: "firing", value: 0.1 });
  });

  it("CTR drop: a 28 % fall is ok, a 32 % fall fires, too few impressions is no data", () => {
    const ctr = (recentClicks: number, recentImpressions = 500): QualityReport => {
      const impressions = new Array(24).fill(0);
      const clicks = new Array(24).fill(0);
      impressions[0] = 1000;
      clicks[0] = 100;
      impressions[23] = recentImpressions;
      clicks[23] = recentClicks;
      return { ...EMPTY_QUALITY, ctr: { ...EMPTY_QUALITY.ctr, surfaces: { home: { impressions, clicks, ctr: [] } } } };
    };
    expect(alert("ctr_drop", snapshot({}), ctr(36), "home").state).toBe("ok");
    const fired = alert("ctr_drop", snapshot({}), ctr(34), "home");
    expect(fired.state).toBe("firing");
    expect(fired.value).toBeCloseTo(0.068 / 0.1 - 1, 12);
    expect(alert("ctr_drop", snapshot({}), ctr(10, 499), "home").state).toBe("no_data");
  });

  it("feature drift: ok at PSI 0.2, firing above, no data below 500 served rows", () => {
    const drift = (psi: number, rows = 500): QualityReport => ({
      ...EMPTY_QUALITY,
      drift: {
        version: "v",
        served_rows: rows,
        training_rows: 100,
        features: [{ feature: "item_age_years", psi }],
        max_psi: { feature: "item_age_years", psi },
      },
    });
    expect(alert("feature_drift", snapshot({}), drift(0.2)).state).toBe("ok");
    expect(alert("feature_drift", snapshot({}), drift(0.21))).toMatchObject({ state: "firing", subject: "item_age_years", value: 0.21 });
    expect(alert("feature_drift", snapshot({}), drift(0.9, 499)).state).toBe("no_data");
  });
});
