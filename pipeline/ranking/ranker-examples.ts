/**
 * Builds the ranker's training examples the way serving sees candidates: for each user, the
 * retrieval model's top-N items (training items excluded) in retrieval order, each turned into a
 * feature row by the shared `buildFeatureRow`, labelled 1 when the item is in the user's held-out
 * set. One {@link RankerExampleGroup} per user keeps per-user ranking metrics possible.
 */
import { buildFeatureRow } from "../../shared/features/feature-spec";
import type { ItemCatalog } from "../data/dataset";
import { columnEventCounts, rowEventCounts, rowIndices } from "../data/interaction-matrix";
import type { Recommender } from "../models/recommender";
import type { InteractionSplit } from "../split/interaction-split";

/** One user's candidates, in retrieval order. */
export interface RankerExampleGroup {
  user: number;
  /** Candidate item indices, best retrieval score first. */
  items: Int32Array;
  /** Feature rows (FEATURE_SPEC order), one per candidate. */
  rows: number[][];
  /** 1 when the candidate is a held-out item of the user. */
  labels: Uint8Array;
  /** All held-out items of the user, inside or outside the candidates. */
  relevant: Int32Array;
}

/** Inputs of {@link buildRankerExamples}. */
export interface RankerExampleInput {
  /** Retrieval model fitted on `split.train`. */
  retrieval: Recommender;
  split: InteractionSplit;
  catalog: ItemCatalog;
  /** Users to build groups for (default: `split.testUsers`). */
  users?: ArrayLike<number>;
}

/** Options of {@link buildRankerExamples}. */
export interface RankerExampleOptions {
  /** Candidates per user (the serving ANN topK). */
  candidates: number;
}

/** Builds one example group per user. */
export function buildRankerExamples(
  input: RankerExampleInput,
  options: Partial<RankerExampleOptions> = {},
): RankerExampleGroup[] {
  const opts = { candidates: 100, ...options } satisfies RankerExampleOptions;
  const { retrieval, split, catalog } = input;
  const itemPopularity = columnEventCounts(split.train);
  const userActivity = rowEventCounts(split.train);
  const groups: RankerExampleGroup[] = [];
  for (const user of Array.from(input.users ?? split.testUsers)) {
    const trainItems = rowIndices(split.train, user);
    const heldOut = rowIndices(split.test, user);
    const relevant = new Set(heldOut);
    let lastSeenMs = 0;
    for (let e = split.train.indptr[user]!; e < split.train.indptr[user + 1]!; e++) {
      lastSeenMs = Math.max(lastSeenMs, split.train.lastTs[e]!);
    }
    const nowSeconds = Math.floor(lastSeenMs / 1000);
    const candidates = retrieval.recommend(user, opts.candidates, trainItems);
    const rows = candidates.map((candidate, rank) => {
      const item = catalog.items[candidate.index]!;
      return buildFeatureRow({
        retrievalScore: candidate.score,
        retrievalRank: rank,
        itemPopularity: itemPopularity[candidate.index]!,
        itemReleasedAt: item.releasedAt,
        itemSponsored: item.sponsored,
        userActivity: userActivity[user]!,
        nowSeconds,
      });
    });
    groups.push({
      user,
      items: Int32Array.from(candidates, (c) => c.index),
      rows,
      labels: Uint8Array.from(candidates, (c) => (relevant.has(c.index) ? 1 : 0)),
      relevant: heldOut.slice(),
    });
  }
  return groups;
}
