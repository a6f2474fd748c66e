/**
 * Category diversity of one served list, defined once for the offline experiment report
 * (pipeline/experiments/build-experiment-report.ts) and the live counters
 * (workers/experiments/experiment-counters.ts): items without a category are left out; the
 * diversity is the share of the remaining item pairs whose categories differ (intra-list
 * diversity with a same-category similarity of 1), and `distinct` counts their categories.
 */

/** Diversity of one list. */
export interface ListCategoryDiversity {
  /** Share of categorised item pairs in different categories; null with fewer than 2 categorised items. */
  diversity: number | null;
  /** Distinct categories among the list's items (0 when none has a category). */
  distinct: number;
}

/**
 * Diversity of a list given its items' categories in list order (`undefined`/`null`/"" = unknown).
 * @example listCategoryDiversity(["A", "A", "B", "C"]) // { diversity: 5 / 6, distinct: 3 }
 */
export function listCategoryDiversity(categories: Iterable<string | null | undefined>): ListCategoryDiversity {
  const counts = new Map<string, number>();
  let items = 0;
  for (const category of categories) {
    if (category === undefined || category === null || category === "") continue;
    counts.set(category, (counts.get(category) ?? 0) + 1);
    items++;
  }
  if (items < 2) return { diversity: null, distinct: counts.size };
  const pairs = (items * (items - 1)) / 2;
  let samePairs = 0;
  for (const count of counts.values()) samePairs += (count * (count - 1)) / 2;
  return { diversity: (pairs - samePairs) / pairs, distinct: counts.size };
}
