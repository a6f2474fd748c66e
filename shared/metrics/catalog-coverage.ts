/**
 * Catalogue coverage: the share of the catalogue that appears in at least one recommendation
 * list. Low coverage means every user is shown the same head of the catalogue.
 */

/** Distinct items across `lists` divided by `catalogSize` (0 for an empty catalogue). */
export function catalogCoverage(lists: Iterable<ArrayLike<number>>, catalogSize: number): number {
  if (catalogSize <= 0) return 0;
  const seen = new Set<number>();
  for (const list of lists) for (let i = 0; i < list.length; i++) seen.add(list[i]!);
  return seen.size / catalogSize;
}
