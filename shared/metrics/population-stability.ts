/**
 * The population stability index (PSI) between a reference distribution (training) and an observed
 * one (served), over the same bins: PSI = Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ) with eᵢ, aᵢ the bin shares. Each
 * share is floored at {@link PSI_FLOOR} so an empty bin does not make it infinite. Reading it (the
 * usual rule of thumb): below 0.1 stable, 0.1–0.2 a moderate shift, above 0.2 a significant one —
 * the feature-drift alert's threshold (alert-rules.ts).
 */

/** Smallest bin share used (empty bins count as this much). */
export const PSI_FLOOR = 1e-4;

/**
 * PSI of `observed` against `expected` (bin counts, same length); null when either has no count.
 *
 * @example
 * populationStabilityIndex([50, 50], [50, 50]) // 0
 * populationStabilityIndex([50, 50], [90, 10]) // 0.4 · ln(1.8) + (−0.4) · ln(0.2) ≈ 0.879
 */
export function populationStabilityIndex(expected: readonly number[], observed: readonly number[]): number | null {
  if (expected.length !== observed.length) throw new RangeError(`PSI needs the same bins: ${expected.length} ≠ ${observed.length}`);
  const expectedTotal = expected.reduce((sum, count) => sum + count, 0);
  const observedTotal = observed.reduce((sum, count) => sum + count, 0);
  if (expectedTotal <= 0 || observedTotal <= 0) return null;
  let psi = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(PSI_FLOOR, expected[i]! / expectedTotal);
    const a = Math.max(PSI_FLOOR, observed[i]! / observedTotal);
    psi += (a - e) * Math.log(a / e);
  }
  return psi;
}
