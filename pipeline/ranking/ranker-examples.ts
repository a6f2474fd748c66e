/**
 * Builds the ranker's training examples the way serving sees candidates: for each user, the
 * retrieval model's top-N items (training items excluded) in retrieval order, each turned into a
 * feature row by the shared `buildFeatureRow`, labelled 1 when the item is in the user's held-out
 * set and 0 otherwise — explicitly 0 (`rejected`) when the user gave it negative feedback in the
 * held-out part (`split.testNegatives`: a hide, a skip, a low rating). One
 * {@link RankerExampleGroup} per user keeps per-user ranking metrics possible.
 */
import { categoryAffinityFeature, trainedCategoryAffinity } from "../../shared/features/category-affinity";
import { buildFeatureRow } from "../../shared/features/feature-spec";
import type { ScoredIndex } from "../../shared/math/top-k";
import { columnEventCounts, rowEventCounts, rowIndices, type InteractionMatrix } from "../data/interaction-matrix";
import { profileDemographics, type UserProfile } from "../data/dataset";
import type { Recommender } from "../models/recommender";
import type { InteractionSplit } from "../split/interaction-split";

/** What the feature spec needs to know about a catalogue item (a `CatalogItem` fits). */
export interface RankerItemInfo {
  releasedAt: number;
  sponsored: boolean;
  category?: string;
}

/** The user side the feature spec reads offline: `profiles[u]` (a `UserDirectory`'s profiles fit). */
export type RankerUserProfiles = readonly (UserProfile | undefined)[];

/** One user's candidates, in retrieval order. */
export interface RankerExampleGroup {
  user: number;
  /** Candidate item indices, best retrieval score first. */
  items: Int32Array;
  /** Feature rows (FEATURE_SPEC order), one per candidate. */
  rows: number[][];
  /** 1 when the candidate is a held-out item of the user. */
  labels: Uint8Array;
  /** 1 when the user rejected the candidate in the held-out part (label 0 from explicit feedback); absent = none. */
  rejected?: Uint8Array;
  /** All held-out items of the user, inside or outside the candidates. */
  relevant: Int32Array;
}

/** Inputs of {@link buildRankerExamples}. */
export interface RankerExampleInput {
  /** Retrieval model fitted on `split.train`. */
  retrieval: Recommender;
  split: InteractionSplit;
  catalog: { items: readonly RankerItemInfo[] };
  /** User demographics (age, gender, usual device), when the dataset has them. */
  profiles?: RankerUserProfiles;
  /** Users to build groups for (default: `split.testUsers`). */
  users?: ArrayLike<number>;
}

/** Options of {@link buildRankerExamples}. */
export interface RankerExampleOptions {
  /** Candidates per user (the serving ANN topK). */
  candidates: number;
}

/**
 * Builds feature rows for a user's candidates from a training log, exactly as the examples do:
 * popularity and activity are training counts, "now" is the user's last training interaction,
 * category affinity is the share of the user's training items in each category, demographics and
 * device come from the user's profile (the device a user mostly uses stands in for the request's).
 */
export class CandidateRowBuilder {
  private readonly itemPopularity: ArrayLike<number>;
  private readonly userActivity: ArrayLike<number>;

  constructor(
    private readonly train: InteractionMatrix,
    private readonly items: readonly RankerItemInfo[],
    private readonly profiles: RankerUserProfiles = [],
  ) {
    this.itemPopularity = columnEventCounts(train);
    this.userActivity = rowEventCounts(train);
  }

  /** One row per candidate, in the given (retrieval) order. */
  rows(user: number, candidates: readonly ScoredIndex[]): number[][] {
    let lastSeenMs = 0;
    for (let e = this.train.indptr[user]!; e < this.train.indptr[user + 1]!; e++) {
      lastSeenMs = Math.max(lastSeenMs, this.train.lastTs[e]!);
    }
    const nowSeconds = Math.floor(lastSeenMs / 1000);
    const categoryAffinity = categoryAffinityFeature({
      trained: trainedCategoryAffinity(Array.from(rowIndices(this.train, user), (item) => this.items[item]?.category)),
    });
    const demographics = profileDemographics(this.profiles[user]);
    return candidates.map((candidate, rank) => {
      const item = this.items[candidate.index];
      return buildFeatureRow({
        retrievalScore: candidate.score,
        retrievalRank: rank,
        itemPopularity: this.itemPopularity[candidate.index]!,
        itemReleasedAt: item?.releasedAt ?? nowSeconds,
        itemSponsored: item?.sponsored ?? false,
        userActivity: this.userActivity[user]!,
        nowSeconds,
        categoryAffinity: categoryAffinity(item?.category),
        ...(demographics ? { user: demographics } : {}),
        ...(demographics?.device ? { device: demographics.device } : {}),
      });
    });
  }
}

/** Builds one example group per user. */
export function buildRankerExamples(input: RankerExampleInput, options: Partial<RankerExampleOptions> = {}): RankerExampleGroup[] {
  const opts = { candidates: 100, ...options } satisfies RankerExampleOptions;
  const { retrieval, split, catalog } = input;
  const builder = new CandidateRowBuilder(split.train, catalog.items, input.profiles);
  const groups: RankerExampleGroup[] = [];
  for (const user of Array.from(input.users ?? split.testUsers)) {
    const trainItems = rowIndices(split.train, user);
    const heldOut = rowIndices(split.test, user);
    const relevant = new Set(heldOut);
    const rejected = new Set(split.testNegatives ? rowIndices(split.testNegatives, user) : []);
    const candidates = retrieval.recommend(user, opts.candidates, trainItems);
    groups.push({
      user,
      items: Int32Array.from(candidates, (c) => c.index),
      rows: builder.rows(user, candidates),
      labels: Uint8Array.from(candidates, (c) => (relevant.has(c.index) ? 1 : 0)),
      rejected: Uint8Array.from(candidates, (c) => (rejected.has(c.index) ? 1 : 0)),
      relevant: heldOut.slice(),
    });
  }
  return groups;
}
