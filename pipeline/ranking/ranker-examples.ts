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
import { countRecent, RECENT_ITEMS, recentItems, recentSimilarity, trainedCategoryLastSeen } from "../../shared/features/sequence-features";
import type { Surface } from "../../shared/events/interaction-event";
import type { RankingObjective } from "../../shared/ranking/ranking-objectives";
import { OBJECTIVE_BITS, type ObjectiveLabels } from "./objective-labels";
import type { ScoredIndex } from "../../shared/math/top-k";
import {
  columnEventCounts,
  historyEntries,
  itemInteractionTimes,
  rowEventCounts,
  rowIndices,
  type InteractionMatrix,
} from "../data/interaction-matrix";
import { profileDemographics, type UserProfile } from "../data/dataset";
import { factorRow, type LatentFactors, type Recommender } from "../models/recommender";
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
  /**
   * Per objective the data has (`objectives.present`), 1 when the held-out pair reached it:
   * `click` equals `labels`; absent without objective labels.
   */
  targets?: Partial<Record<RankingObjective, Uint8Array>>;
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
  /** What each pair reached (engagement, purchase), for the MLP's heads. */
  objectives?: ObjectiveLabels;
}

/** Options of {@link buildRankerExamples}. */
export interface RankerExampleOptions {
  /** Candidates per user (the serving ANN topK). */
  candidates: number;
}

/** What a row's request looks like; offline defaults: the user's last training interaction, `home`, the profile's device. */
export interface RowContext {
  /** Request time, seconds since epoch. */
  nowSeconds?: number;
  surface?: Surface;
  device?: string;
}

/** The serving model's item vectors (the vectors the edge's index holds), for the recent-similarity features. */
export type ItemVectors = Pick<LatentFactors, "dimensions" | "items">;

/**
 * Builds feature rows for a user's candidates from a training log, the way the edge builds them
 * from the user's KV record (which the export writes from the same log with the same functions):
 * popularity and activity are training counts, category affinity the share of the user's training
 * items in each category, the recent items the last {@link RECENT_ITEMS} of the history ordered
 * by latest interaction (as `UserRecord.history`), category recency from the latest interaction
 * per category, recent popularity the item's training users whose latest interaction falls in the
 * 7 days before "now"; demographics and device come from the user's profile (the device a user
 * mostly uses stands in for the request's). "Now" defaults to the user's last training interaction.
 */
export class CandidateRowBuilder {
  private readonly itemPopularity: ArrayLike<number>;
  private readonly userActivity: ArrayLike<number>;
  private readonly itemTimes: Float64Array[];

  constructor(
    private readonly train: InteractionMatrix,
    private readonly items: readonly RankerItemInfo[],
    private readonly profiles: RankerUserProfiles = [],
    private readonly itemVectors: ItemVectors | null = null,
  ) {
    this.itemPopularity = columnEventCounts(train);
    this.userActivity = rowEventCounts(train);
    this.itemTimes = itemInteractionTimes(train);
  }

  /** One row per candidate, in the given (retrieval) order. */
  rows(user: number, candidates: readonly ScoredIndex[], context: RowContext = {}): number[][] {
    const history = historyEntries(this.train, user);
    const lastSeenMs = history.length > 0 ? this.train.lastTs[history.at(-1)!]! : 0;
    const nowSeconds = context.nowSeconds ?? Math.floor(lastSeenMs / 1000);
    const historyItems = history.map((e) => this.train.indices[e]!);
    const categoryAffinity = categoryAffinityFeature({
      trained: trainedCategoryAffinity(historyItems.map((item) => this.items[item]?.category)),
    });
    const lastSeen = trainedCategoryLastSeen(
      history.map((e) => ({ category: this.items[this.train.indices[e]!]?.category, ts: Math.floor(this.train.lastTs[e]! / 1000) })),
    );
    const recent = recentItems([], historyItems)
      .map((item) => this.vectorOf(item))
      .filter((vector) => vector !== undefined);
    const demographics = profileDemographics(this.profiles[user]);
    const device = context.device ?? demographics?.device;
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
        ...(context.surface ? { surface: context.surface } : {}),
        ...(demographics ? { user: demographics } : {}),
        ...(device ? { device } : {}),
        recentSimilarity: recentSimilarity(this.vectorOf(candidate.index), recent),
        ...(item?.category && lastSeen[item.category] !== undefined ? { categoryLastSeenAt: lastSeen[item.category] } : {}),
        itemRecentPopularity: countRecent(this.itemTimes[candidate.index]!, nowSeconds),
      });
    });
  }

  private vectorOf(item: number): Float32Array | undefined {
    return this.itemVectors ? factorRow(this.itemVectors.items, this.itemVectors.dimensions, item) : undefined;
  }
}

/** Builds one example group per user. */
export function buildRankerExamples(input: RankerExampleInput, options: Partial<RankerExampleOptions> = {}): RankerExampleGroup[] {
  const opts = { candidates: 100, ...options } satisfies RankerExampleOptions;
  const { retrieval, split, catalog } = input;
  const builder = new CandidateRowBuilder(split.train, catalog.items, input.profiles, retrieval.factors);
  const groups: RankerExampleGroup[] = [];
  for (const user of Array.from(input.users ?? split.testUsers)) {
    const trainItems = rowIndices(split.train, user);
    const heldOut = rowIndices(split.test, user);
    const relevant = new Set(heldOut);
    const rejected = new Set(split.testNegatives ? rowIndices(split.testNegatives, user) : []);
    const candidates = retrieval.recommend(user, opts.candidates, trainItems);
    const labels = Uint8Array.from(candidates, (c) => (relevant.has(c.index) ? 1 : 0));
    groups.push({
      user,
      items: Int32Array.from(candidates, (c) => c.index),
      rows: builder.rows(user, candidates),
      labels,
      rejected: Uint8Array.from(candidates, (c) => (rejected.has(c.index) ? 1 : 0)),
      relevant: heldOut.slice(),
      ...(input.objectives ? { targets: objectiveTargets(input.objectives, user, candidates, labels) } : {}),
    });
  }
  return groups;
}

/** The group's 0/1 target per present objective: reached by a held-out (label 1) candidate. */
function objectiveTargets(
  objectives: ObjectiveLabels,
  user: number,
  candidates: readonly ScoredIndex[],
  labels: Uint8Array,
): Partial<Record<RankingObjective, Uint8Array>> {
  const targets: Partial<Record<RankingObjective, Uint8Array>> = {};
  for (const objective of objectives.present) {
    targets[objective] =
      objective === "click"
        ? labels
        : Uint8Array.from(candidates, (c, j) =>
            labels[j] === 1 && (objectives.mask(user, c.index) & OBJECTIVE_BITS[objective]) !== 0 ? 1 : 0,
          );
  }
  return targets;
}
