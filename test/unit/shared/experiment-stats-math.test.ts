/** Wilson intervals and latency buckets against hand-computed values. */
import { describe, expect, it } from "vitest";
import { latencyBucket, latencyQuantile, LATENCY_BUCKET_BOUNDS_MS } from "../../../shared/experiments/latency-buckets";
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
