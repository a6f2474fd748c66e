/**
 * Average precision at k, normalised by the number of relevant items (the `map_at_k` of the
 * Microsoft Recommenders tables): the sum of precision@rank over the ranks ≤ k that hold a
 * relevant item, divided by |relevant|. Its mean over users is the MAP column of those tables.
 */

/** AP@k of `ranked` (item indices, best first) against `relevant`; 0 when nothing is relevant. */
export function averagePrecisionAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  let sum = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) {
    if (!relevant.has(ranked[i]!)) continue;
    hits++;
    sum += hits / (i + 1);
  }
  return sum / relevant.size;
}
