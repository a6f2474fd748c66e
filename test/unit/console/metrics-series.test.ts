/**
 * The overview's reading of `GET /v1/admin/metrics?format=json`: the Worker's column layout
 * (`timeseries: {minutes, series}`) and a bucket-array layout give the same charts; answers without
 * time buckets are refused. Expected values are worked out by hand from the fixtures.
 */
import { describe, expect, it } from "vitest";
import { readMetricsSeries } from "../../../console/overview/metrics-series";

const T0 = Date.UTC(2026, 0, 1, 12, 0) / 1000;

describe("readMetricsSeries", () => {
  it("reads the Worker's per-minute columns: requests, latency per route, fallbacks over requests, CTR from clicks over items", () => {
    const series = readMetricsSeries({
      generated_at: "2026-01-01T12:02:30.000Z",
      metrics: [],
      timeseries: {
        minutes: ["2026-01-01T12:00:00.000Z", "2026-01-01T12:01:00.000Z", "2026-01-01T12:02:00.000Z"],
        series: {
          requests: [0, 10, 4],
          fallbacks: [0, 5, 1],
          "items:home": [0, 100, 40],
          "events:click": [0, 3, 0],
          "latency_p50_ms:recommendations": [null, 25, 50],
          "latency_p99_ms:recommendations": [null, 100, 250],
        },
      },
    });
    expect(series).not.toBeNull();
    expect(series!.times).toEqual([T0, T0 + 60, T0 + 120]);
    expect(series!.requests).toEqual([0, 10, 4]);
    expect(series!.latencyP50).toEqual({ recommendations: [null, 25, 50] });
    expect(series!.latencyP99).toEqual({ recommendations: [null, 100, 250] });
    // 0 requests: no rate; 5 / 10; 1 / 4.
    expect(series!.fallbackRate).toEqual({ all: [null, 0.5, 0.25] });
    expect(series!.ctr).toEqual([null, 0.03, 0]);
    expect(series!.coverage).toEqual([null, null, null]);
    expect(series!.alerts).toEqual([]);
  });

  it("reads bucket arrays with per-stage quantiles, fallback counts per stage, CTR, coverage and alerts", () => {
    const series = readMetricsSeries({
      buckets: [
        {
          start: (T0 + 60) * 1000,
          requests: 20,
          latency_ms: { rank: { p50: 4, p99: 30 }, candidates: { p50: 8, p99: 40 } },
          fallbacks: { ranker: 2, vector_index: 1 },
          ctr: { value: 0.05 },
          coverage: { share_of_catalogue: 0.4 },
        },
        { start: T0 * 1000, requests: 10, latency_ms: { rank: { p50: 5, p99: 20 } }, fallbacks: { ranker: 5 }, ctr: 0.1, coverage: 0.3 },
      ],
      alerts: [
        { name: "p99_high", severity: "critical", message: "p99 over 250 ms", state: "firing" },
        { name: "old", state: "resolved" },
      ],
    });
    expect(series!.times).toEqual([T0, T0 + 60]);
    expect(series!.requests).toEqual([10, 20]);
    expect(series!.latencyP50).toEqual({ rank: [5, 4], candidates: [null, 8] });
    expect(series!.latencyP99).toEqual({ rank: [20, 30], candidates: [null, 40] });
    expect(series!.fallbackRate).toEqual({ ranker: [0.5, 0.1], vector_index: [null, 0.05] });
    expect(series!.ctr).toEqual([0.1, 0.05]);
    expect(series!.coverage).toEqual([0.3, 0.4]);
    expect(series!.alerts).toEqual([
      { name: "p99_high", severity: "critical", message: "p99 over 250 ms", active: true },
      { name: "old", severity: "warning", message: "old", active: false },
    ]);
  });

  it("refuses answers without time buckets", () => {
    expect(readMetricsSeries({ metrics: [{ name: "edge_recs_requests_total", series: [] }] })).toBeNull();
    expect(readMetricsSeries({ timeseries: [] })).toBeNull();
    expect(readMetricsSeries("not json")).toBeNull();
  });
});
