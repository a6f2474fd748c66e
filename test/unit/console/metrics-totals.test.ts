/**
 * The overview's totals: stage quantiles from non-cumulative histogram buckets (the bound of the
 * bucket where the running count reaches q · total), fallbacks per stage and reason, CTR from
 * accepted clicks over returned items. Worked out by hand from the fixture.
 */
import { describe, expect, it } from "vitest";
import { readMetricsTotals } from "../../../console/overview/metrics-totals";

const buckets = (counts: number[]) => [5, 10, 25, "+Inf"].map((le, i) => ({ le, count: counts[i] ?? 0 }));

describe("readMetricsTotals", () => {
  it("tabulates stage latency, fallbacks and CTR", () => {
    const totals = readMetricsTotals({
      metrics: [
        {
          name: "edge_recs_requests_total",
          type: "counter",
          series: [
            { labels: { route: "recommendations" }, value: 90 },
            { labels: { route: "admin" }, value: 10 },
          ],
        },
        {
          name: "edge_recs_stage_duration_ms",
          type: "histogram",
          series: [
            // 10 observations: the 5th is in the ≤ 10 bucket, the 10th (99 %) in ≤ 25.
            { labels: { stage: "rank" }, buckets: buckets([4, 4, 2, 0]) },
            // 100 observations: 50th in ≤ 5; 99th in the overflow bucket.
            { labels: { stage: "candidates" }, buckets: buckets([60, 30, 8, 2]) },
          ],
        },
        {
          name: "edge_recs_fallbacks_total",
          type: "counter",
          series: [
            { labels: { stage: "ranker", reason: "timeout" }, value: 3 },
            { labels: { stage: "ranker", reason: "circuit_open" }, value: 7 },
            { labels: { stage: "vector_index", reason: "error" }, value: 0 },
          ],
        },
        {
          name: "edge_recs_events_total",
          type: "counter",
          series: [
            { labels: { type: "click", outcome: "accepted" }, value: 6 },
            { labels: { type: "click", outcome: "duplicate" }, value: 2 },
            { labels: { type: "like", outcome: "accepted" }, value: 1 },
          ],
        },
        { name: "edge_recs_items_returned_total", type: "counter", series: [{ labels: { surface: "home" }, value: 200 }] },
      ],
    });
    expect(totals).toEqual({
      requests: 100,
      stages: [
        { stage: "rank", count: 10, p50: 10, p99: 25 },
        { stage: "candidates", count: 100, p50: 5, p99: Infinity },
      ],
      fallbacks: [
        { stage: "ranker", reason: "circuit_open", count: 7 },
        { stage: "ranker", reason: "timeout", count: 3 },
      ],
      ctr: { clicks: 6, impressions: 200, rate: 0.03 },
    });
  });

  it("answers null without metric families", () => {
    expect(readMetricsTotals({ timeseries: {} })).toBeNull();
  });
});
