/**
 * Normalised discounted cumulative gain at k: with binary relevance (every relevant item has gain
 * 1), as in the Microsoft Recommenders tables, needing only the ranked list and the relevant set;
 * and with graded gains ({@link gradedNdcgAtK}: a ranker's business value, a known true relevance).
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

/**
 * nDCG@k with graded gains: `rankedGains` are the gains of the list in its order, `pool` those of
 * every item the list could have held (the ideal order is the pool sorted, best first); 0 when the
 * pool has no gain.
 * @example gradedNdcgAtK([0, 3], [3, 0, 1], 2) // (3 / log2 3) / (3 + 1 / log2 3)
 */
export function gradedNdcgAtK(rankedGains: ArrayLike<number>, pool: Iterable<number>, k: number): number {
  const dcg = (gains: ArrayLike<number>) => {
    let sum = 0;
    for (let i = 0; i < Math.min(k, gains.length); i++) sum += gains[i]! / Math.log2(i + 2);
    return sum;
  };
  const ideal = dcg(Array.from(pool).sort((a, b) => b - a));
  return ideal > 0 ? dcg(rankedGains) / ideal : 0;
}
