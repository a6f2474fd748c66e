/** The sidecar-outage benchmark's accounting, on hand-made samples around a kill at t = 5 s (counts worked out by hand). */
import { describe, expect, it } from "vitest";
import { summarizeOutage, type OutageSample } from "../../../bench/sidecar-outage-bench";

const ok = (sentAt: number, doneAt: number, ranker: string): OutageSample => ({ sentAt, doneAt, status: 200, ranker });

describe("summarizeOutage", () => {
  const samples: OutageSample[] = [
    ok(0.1, 0.2, "sidecar"),
    ok(4.9, 5.3, "sidecar"), // sent before the kill: does not count as the return to the sidecar
    ok(5.1, 5.4, "light"),
    { sentAt: 5.2, doneAt: 5.5, status: 503 },
    { sentAt: 5.3, doneAt: 6.1, status: null },
    ok(6.0, 6.2, "light"),
    ok(16.0, 16.3, "sidecar"),
    ok(15.9, 16.4, "sidecar"),
    ok(17.0, 17.1, "sidecar"),
  ];

  it("counts requests, failures by status and 200 answers by ranker", () => {
    const summary = summarizeOutage(samples, 5);
    expect(summary.total_requests).toBe(9);
    expect(summary.failed_requests).toBe(2);
    expect(summary.failures).toEqual({ "503": 1, network: 1 });
    expect(summary.rankers).toEqual({ sidecar: 5, light: 2 });
  });

  it("times the return to the sidecar from the kill to the first sidecar answer to a request sent after it", () => {
    expect(summarizeOutage(samples, 5).seconds_until_worker_ranks_with_sidecar).toBe(11.3);
  });

  it("reports no return when the sidecar never ranked again", () => {
    expect(summarizeOutage(samples.slice(0, 6), 5).seconds_until_worker_ranks_with_sidecar).toBeNull();
  });

  it("buckets answers per second of completion", () => {
    const { timeline } = summarizeOutage(samples, 5);
    expect(timeline).toHaveLength(18);
    expect(timeline[0]).toEqual({ second: 0, requests: 1, failed: 0, rankers: { sidecar: 1 } });
    expect(timeline[5]).toEqual({ second: 5, requests: 3, failed: 1, rankers: { sidecar: 1, light: 1 } });
    expect(timeline[6]).toEqual({ second: 6, requests: 2, failed: 1, rankers: { light: 1 } });
    expect(timeline[10]).toEqual({ second: 10, requests: 0, failed: 0, rankers: {} });
    expect(timeline[16]).toEqual({ second: 16, requests: 2, failed: 0, rankers: { sidecar: 2 } });
  });
});
