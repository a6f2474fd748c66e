/** The overview's reading of the metrics answer's `quality` part: hourly CTR per surface and the day's coverage. */
import { describe, expect, it } from "vitest";
import { readMetricsSeries } from "../../../console/overview/metrics-series";
import { readQualitySummary } from "../../../console/overview/quality-summary";

describe("readQualitySummary", () => {
  it("reads hourly CTR per surface and the day's coverage", () => {
    const summary = readQualitySummary({
      quality: {
        ctr: {
          hours: ["2026-01-01T10:00:00.000Z", "2026-01-01T11:00:00.000Z"],
          surfaces: { home: { impressions: [0, 50], clicks: [0, 2], ctr: [null, 0.04] }, email: { ctr: [0.1] } },
          recent: { home: 0.04 },
        },
        coverage: { distinct_items_recent: 10, distinct_items_day: 40, catalogue_items: 200, share_day: 0.2 },
      },
    });
    const hour = Date.UTC(2026, 0, 1, 10) / 1000;
    // email's series does not match the hours and is left out.
    expect(summary).toEqual({
      ctr: { times: [hour, hour + 3600], bySurface: { home: [null, 0.04] } },
      coverage: { shareDay: 0.2, distinctItemsDay: 40, catalogueItems: 200 },
    });
  });

  it("answers null without a quality report", () => {
    expect(readQualitySummary({ timeseries: {} })).toBeNull();
  });

  it("describes an alert rule from its subject, value, threshold and window", () => {
    const series = readMetricsSeries({
      timeseries: { minutes: ["2026-01-01T10:00:00.000Z"], series: { requests: [1] } },
      alerts: [
        { rule: "latency_p99", subject: "recommendations", state: "firing", value: 400, threshold: 250, window: "5m" },
        { rule: "fallback_rate", subject: "all", state: "no_data", value: null, threshold: 0.05, window: "5m" },
      ],
    });
    expect(series!.alerts).toEqual([
      { name: "latency_p99", severity: "warning", message: "recommendations · value 400 · threshold 250 · over 5m", active: true },
      { name: "fallback_rate", severity: "warning", message: "all · value none · threshold 0.05 · over 5m", active: false },
    ]);
  });
});
