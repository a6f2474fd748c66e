/**
 * Precision at k: the share of the top k slots holding a relevant item (hits / k, as in the
 * Microsoft Recommenders tables — a list shorter than k still divides by k).
 */

/** Precision@k of `ranked` (item indices, best first) against `relevant`. */
export function precisionAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  if (k <= 0) return 0;
  let hits = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (relevant.has(ranked[i]!)) hits++;
  return hits / k;
}
