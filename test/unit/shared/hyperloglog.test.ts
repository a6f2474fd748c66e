/** HyperLogLog: near-exact small counts, ≈1.6 % error at scale, idempotent adds, lossless merges. */
import { describe, expect, it } from "vitest";
import { HLL_REGISTERS, HLL_RELATIVE_ERROR, HyperLogLog } from "../../../shared/experiments/hyperloglog";
import { createRng } from "../../../shared/math/random";

/** `count` distinct ids that look random (a seeded prefix, made unique by the index). */
function seededIds(count: number, seed: number): string[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, i) => `item-${rng.int(2 ** 31).toString(36)}-${i}`);
}

const sketchOf = (ids: Iterable<string>) => {
  const sketch = new HyperLogLog();
  sketch.addAll(ids);
  return sketch;
};

const relativeError = (estimate: number, truth: number) => Math.abs(estimate - truth) / truth;

describe("HyperLogLog", () => {
  it("uses 4096 one-byte registers and documents ≈1.6 % error", () => {
    expect(HLL_REGISTERS).toBe(4096);
    expect(HLL_RELATIVE_ERROR).toBeCloseTo(0.01625, 5);
    expect(new HyperLogLog().toBytes().byteLength).toBe(4096);
  });

  it("estimates 0 for an empty sketch and is near-exact for small sets (linear counting)", () => {
    expect(new HyperLogLog().estimate()).toBe(0);
    expect(new HyperLogLog().isEmpty()).toBe(true);
    expect(sketchOf(["only"]).estimate()).toBeCloseTo(1, 3);
    for (const count of [2, 7, 20, 100]) {
      expect(Math.abs(sketchOf(seededIds(count, count)).estimate() - count)).toBeLessThanOrEqual(1);
    }
    expect(relativeError(sketchOf(seededIds(1000, 1)).estimate(), 1000)).toBeLessThan(0.02);
  });

  it.each([
    [10_000, 11],
    [10_000, 12],
    [100_000, 21],
    [100_000, 22],
  ])("estimates %i distinct seeded ids within 5 % (seed %i)", (count, seed) => {
    const estimate = sketchOf(seededIds(count, seed)).estimate();
    const error = relativeError(estimate, count);
    console.log(`HLL n=${count} seed=${seed}: estimate ${estimate.toFixed(1)}, relative error ${(100 * error).toFixed(2)} %`);
    expect(error).toBeLessThan(0.05);
  });

  it("has a root-mean-square error near the documented 1.6 % at 100k ids", () => {
    const errors = Array.from({ length: 10 }, (_, seed) => relativeError(sketchOf(seededIds(100_000, 200 + seed)).estimate(), 100_000));
    const rms = Math.sqrt(errors.reduce((sum, error) => sum + error * error, 0) / errors.length);
    console.log(`HLL n=100000 over 10 seeds: RMS relative error ${(100 * rms).toFixed(2)} %`);
    expect(rms).toBeLessThan(1.5 * HLL_RELATIVE_ERROR);
  });

  it("is unchanged by duplicates", () => {
    const ids = seededIds(5000, 3);
    const once = sketchOf(ids);
    const thrice = sketchOf([...ids, ...ids.slice().reverse(), ...ids]);
    expect(thrice.toBytes()).toEqual(once.toBytes());
    expect(thrice.estimate()).toBe(once.estimate());
    expect(thrice.add(ids[0]!)).toBe(false);
    expect(new HyperLogLog().add("x")).toBe(true);
  });

  it("merges two sketches into exactly the sketch of the union", () => {
    const ids = seededIds(30_000, 4);
    const left = ids.slice(0, 20_000); // overlapping halves: 10k shared ids
    const right = ids.slice(10_000);
    const merged = sketchOf(left).merge(sketchOf(right));
    expect(merged.toBytes()).toEqual(sketchOf(ids).toBytes());
    expect(relativeError(merged.estimate(), 30_000)).toBeLessThan(0.05);
    // Merging is commutative and idempotent.
    expect(sketchOf(right).merge(sketchOf(left)).toBytes()).toEqual(merged.toBytes());
    expect(sketchOf(ids).merge(sketchOf(ids)).toBytes()).toEqual(sketchOf(ids).toBytes());
  });

  it("round-trips through bytes and ArrayBuffers (SQLite BLOBs) and rejects the wrong size", () => {
    const sketch = sketchOf(seededIds(2000, 5));
    const bytes = sketch.toBytes();
    const fromBytes = HyperLogLog.fromBytes(bytes);
    const fromBuffer = HyperLogLog.fromBytes(bytes.slice().buffer);
    expect(fromBytes.estimate()).toBe(sketch.estimate());
    expect(fromBuffer.toBytes()).toEqual(bytes);
    // A copy, not a view: later adds do not leak into the source.
    fromBytes.addAll(seededIds(100, 6));
    expect(sketch.toBytes()).toEqual(bytes);
    // A view into a larger buffer reads only its own bytes.
    const padded = new Uint8Array(HLL_REGISTERS + 8);
    padded.set(bytes, 8);
    expect(HyperLogLog.fromBytes(padded.subarray(8)).toBytes()).toEqual(bytes);
    expect(() => HyperLogLog.fromBytes(new Uint8Array(16))).toThrow(RangeError);
  });
});
