/**
 * A candidate item on its way through the funnel, tagged with the source that retrieved it and
 * carrying the indexed item metadata the feature spec needs.
 */

/**
 * Where a candidate came from: `ann` (nearest items to the user vector), `popular` (the trained
 * popular list), `similar` (neighbours of an item), `session_similar` (neighbours of an item the
 * user just interacted with), `preferred` (a category the user picked at onboarding), `trending`
 * (the live list from events), `fresh` (items recently added to the catalogue), `exploration` (a
 * slot filled by the bandit).
 */
export type CandidateSource = "ann" | "popular" | "similar" | "session_similar" | "preferred" | "trending" | "fresh" | "exploration";

/** The pools exploration slots are filled from. */
export type ExplorationSource = "trending" | "fresh";

/** Why an exploration pick was made: the category arm the bandit drew and the pool it came from. */
export interface ExplorationTag {
  /** `category:<name>`. */
  arm: string;
  from: ExplorationSource;
}

/** One candidate item. */
export interface Candidate {
  itemId: string;
  source: CandidateSource;
  /** The source's own score (ANN similarity, popularity score). */
  retrievalScore: number;
  category?: string;
  popularity?: number;
  /** Interactions in the 7 days before the release's log end (metadata `recent_popularity`). */
  recentPopularity?: number;
  releasedAt?: number;
  sponsored?: boolean;
  /** Set on exploration picks. */
  exploration?: ExplorationTag;
  /** Set on `session_similar` candidates: the recently interacted item they neighbour (explains them). */
  anchor?: { itemId: string; title?: string };
}

/** A membership test for items a response may not contain (what `mergeCandidates` and the sources filter by). */
export interface ItemFilter {
  has(itemId: string): boolean;
}

/**
 * The union of `sets` as an {@link ItemFilter}, without copying them: the block/flag set the
 * isolate keeps (possibly thousands of ids) is tested in place on every request instead of being
 * copied into a new set.
 */
export function unionFilter(...sets: ItemFilter[]): ItemFilter {
  return { has: (itemId) => sets.some((set) => set.has(itemId)) };
}

/**
 * Merges candidate lists in priority order: the first occurrence of an item wins and keeps its
 * source; excluded items are dropped.
 */
export function mergeCandidates(lists: Candidate[][], exclude: ItemFilter): Candidate[] {
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
