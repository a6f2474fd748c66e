/**
 * Normalised discounted cumulative gain at k with binary relevance (every relevant item has gain
 * 1), as in the Microsoft Recommenders tables. Needs only the ranked list and the relevant set.
 */

/** nDCG@k of `ranked` (item indices, best first) against `relevant`; 0 when nothing is relevant. */
export function ndcgAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  const cutoff = Math.min(k, ranked.length);
  let dcg = 0;
  for (let i = 0; i < cutoff; i++) if (relevant.has(ranked[i]!)) dcg += 1 / Math.log2(i + 2);
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return ideal > 0 ? dcg / ideal : 0;
}
