/** Wilson intervals, intervals over random user groups, and latency buckets against hand-computed values. */
import { describe, expect, it } from "vitest";
import { latencyBucket, latencyQuantile, LATENCY_BUCKET_BOUNDS_MS } from "../../../shared/experiments/latency-buckets";
import { groupedRatioInterval, studentT975 } from "../../../shared/experiments/ratio-delta-test";
import { wilsonInterval } from "../../../shared/experiments/wilson-interval";

describe("wilsonInterval", () => {
  it("matches textbook values at 95 %", () => {
    const half = wilsonInterval(5, 10);
    expect(half.value).toBe(0.5);
    expect(half.low).toBeCloseTo(0.2366, 4);
    expect(half.high).toBeCloseTo(0.7634, 4);
    const none = wilsonInterval(0, 10);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.2775, 4);
  });

  it("narrows with more trials and handles no trials", () => {
    const small = wilsonInterval(10, 100);
    const large = wilsonInterval(1000, 10_000);
    expect(large.high - large.low).toBeLessThan(small.high - small.low);
    expect(wilsonInterval(0, 0)).toEqual({ value: 0, low: 0, high: 1 });
  });
});

describe("groupedRatioInterval (live counters: shards as random groups of users)", () => {
  it("is the pooled Wilson interval when the groups agree, or when there is one group", () => {
    const agree = [
      { numerator: 10, denominator: 100 },
      { numerator: 20, denominator: 200 },
      { numerator: 5, denominator: 50 },
    ];
    expect(groupedRatioInterval(agree)).toEqual(wilsonInterval(35, 350));
    expect(
      groupedRatioInterval([
        { numerator: 3, denominator: 40 },
        { numerator: 0, denominator: 0 },
      ]),
    ).toEqual(wilsonInterval(3, 40));
    expect(groupedRatioInterval([])).toEqual({ value: 0, low: 0, high: 1 });
  });

  it("widens to the delta method over groups with Student's t when the groups disagree", () => {
    // R = 60 / 400 = 0.15; residuals x − R·n = −10, 10, −10, 10; Σ² = 400; n̄ = 100;
    // Var = 400 / 3 / (4 · 100²) = 1/300; margin = t₃ · √Var = 3.182 · 0.057735 = 0.18371.
    const groups = [
      { numerator: 5, denominator: 100 },
      { numerator: 25, denominator: 100 },
      { numerator: 5, denominator: 100 },
      { numerator: 25, denominator: 100 },
    ];
    const interval = groupedRatioInterval(groups);
    expect(interval.value).toBe(0.15);
    expect(interval.low).toBe(0);
    expect(interval.high).toBeCloseTo(0.15 + 3.182 * Math.sqrt(1 / 300), 6);
    expect(interval.high).toBeGreaterThan(wilsonInterval(60, 400).high);
  });

  it("uses t quantiles for few groups and approaches the normal one", () => {
    expect(studentT975(1)).toBe(12.706);
    expect(studentT975(7)).toBe(2.365);
    expect(studentT975(60)).toBeCloseTo(2.0, 2);
    expect(studentT975(1e6)).toBeCloseTo(1.96, 4);
    expect(studentT975(0)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("latency buckets", () => {
  it("puts each latency in the first bucket whose bound holds it", () => {
    expect(latencyBucket(0.4)).toBe(0);
    expect(latencyBucket(2)).toBe(0);
    expect(latencyBucket(2.1)).toBe(1);
    expect(latencyBucket(99_999)).toBe(LATENCY_BUCKET_BOUNDS_MS.length - 1);
  });

  it("reads a quantile back as a bucket bound", () => {
    const counts = new Array(LATENCY_BUCKET_BOUNDS_MS.length).fill(0);
    counts[latencyBucket(8)] = 98; // ≤ 10 ms
    counts[latencyBucket(120)] = 2; // ≤ 150 ms
    expect(latencyQuantile(counts, 0.5)).toBe(10);
    expect(latencyQuantile(counts, 0.98)).toBe(10);
    expect(latencyQuantile(counts, 0.99)).toBe(150);
    expect(latencyQuantile(new Array(3).fill(0), 0.99)).toBeNull();
  });
});
