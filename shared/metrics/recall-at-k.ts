/**
 * Recall at k: the share of a user's relevant items found in the top k of a ranked list
 * (hits / |relevant|, as in the Microsoft Recommenders tables).
 */

/** Recall@k of `ranked` (item indices, best first) against `relevant`; 0 when nothing is relevant. */
export function recallAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (relevant.has(ranked[i]!)) hits++;
  return hits / relevant.size;
}
