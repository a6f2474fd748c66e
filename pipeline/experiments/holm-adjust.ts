/**
 * Holm–Bonferroni step-down adjustment: with several treatment arms each tested against the same
 * control, the chance that at least one of them looks significant by luck grows with the number of
 * arms. Holm's adjusted p-values keep that family-wise error rate at α (comparing them with α) and
 * are never larger than plain Bonferroni's.
 */

/**
 * Adjusted p-values, in the order of `pValues`: the i-th smallest of m becomes
 * max over j ≤ i of min(1, (m − j + 1)·p₍ⱼ₎).
 * @example
 * holmAdjust([0.01, 0.04, 0.03]); // [0.03, 0.06, 0.06]
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const count = pValues.length;
  const order = pValues.map((_, index) => index).sort((a, b) => pValues[a]! - pValues[b]!);
  const adjusted = new Array<number>(count);
  let running = 0;
  for (const [rank, index] of order.entries()) {
    running = Math.max(running, Math.min(1, (count - rank) * pValues[index]!));
    adjusted[index] = running;
  }
  return adjusted;
}
