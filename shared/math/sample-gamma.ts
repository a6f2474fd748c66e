/**
 * Gamma variates by Marsaglia & Tsang (2000), "A simple method for generating gamma variables":
 * one normal and one uniform per try, ~98% acceptance for shape ≥ 1; shapes below 1 use the
 * boost Gamma(a) = Gamma(a + 1) · U^(1/a). Randomness comes only from the injected {@link Rng}.
 */
import type { Rng } from "./random";

/** A Gamma(shape, 1) variate; `shape` must be > 0. */
export function sampleGamma(shape: number, rng: Rng): number {
  if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`gamma shape must be a positive number, got ${shape}`);
  if (shape < 1) {
    let u = rng.next();
    while (u === 0) u = rng.next();
    return sampleGamma(shape + 1, rng) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}
