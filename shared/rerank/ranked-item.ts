/** The item shape re-ranking rules work on: a scored, source-tagged item with its metadata. */

/** One item of a ranked list, best first. */
export interface RankedItem {
  itemId: string;
  /** Ranker score (higher is better). */
  score: number;
  /** Candidate source that retrieved it (ann, popular, trending, exploration, …). */
  source: string;
  category?: string;
  sponsored?: boolean;
  /** Release time, seconds since epoch. */
  releasedAt?: number;
  /** Item embedding, when the rule needs it (MMR). */
  vector?: readonly number[];
}
