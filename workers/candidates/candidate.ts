/**
 * A candidate item on its way through the funnel, tagged with the source that retrieved it and
 * carrying the indexed item metadata the feature spec needs.
 */

/** Where a candidate came from. */
export type CandidateSource = "ann" | "popular" | "similar";

/** One candidate item. */
export interface Candidate {
  itemId: string;
  source: CandidateSource;
  /** The source's own score (ANN similarity, popularity score). */
  retrievalScore: number;
  category?: string;
  popularity?: number;
  releasedAt?: number;
  sponsored?: boolean;
}

/**
 * Merges candidate lists in priority order: the first occurrence of an item wins and keeps its
 * source; excluded items are dropped.
 */
export function mergeCandidates(lists: Candidate[][], exclude: ReadonlySet<string>): Candidate[] {
  const seen = new Set<string>();
  const merged: Candidate[] = [];
  for (const list of lists) {
    for (const candidate of list) {
      if (exclude.has(candidate.itemId) || seen.has(candidate.itemId)) continue;
      seen.add(candidate.itemId);
      merged.push(candidate);
    }
  }
  return merged;
}
