/** Beta variates from two Gamma variates: X / (X + Y) with X ~ Gamma(α), Y ~ Gamma(β). */
import type { Rng } from "./random";
import { sampleGamma } from "./sample-gamma";

/** A Beta(alpha, beta) variate in [0, 1]; both parameters must be > 0. */
export function sampleBeta(alpha: number, beta: number, rng: Rng): number {
  const x = sampleGamma(alpha, rng);
  const y = sampleGamma(beta, rng);
  const sum = x + y;
  return sum > 0 ? x / sum : alpha / (alpha + beta);
}
