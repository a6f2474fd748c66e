/**
 * The position-based click model's examination curve: the probability that a user looks at the
 * slot at `position` (0 = top) at all, θₚ = (1 / (1 + p))^η. η = 0 is no position bias; η = 1 halves
 * the chance of being seen at position 1 and leaves a tenth at position 9. The demo generator draws
 * position-biased clicks from it, and the bias report compares the estimated curve with it.
 */

/**
 * θₚ = (1 / (1 + position))^eta.
 * @example examinationProbability(3, 1) // → 0.25
 */
export function examinationProbability(position: number, eta: number): number {
  return (1 / (1 + position)) ** eta;
}

/** θ₀ … θₙ₋₁ of the curve with exponent `eta`. */
export function examinationCurve(eta: number, positions: number): number[] {
  return Array.from({ length: positions }, (_, p) => examinationProbability(p, eta));
}
