/**
 * The features stage of the funnel: one row per candidate (shared/features/feature-spec.ts, the
 * same function the pipeline builds training rows with). Inputs come from the user's KV record
 * (the trained parts, written by the export with the pipeline's functions), the session (the live
 * parts) and the vector index:
 * - the user–item similarity: vector sources (`ann`, `similar`) bring theirs; for the first list
 *   candidates (trending, popular, fresh) it is computed from looked-up item vectors;
 * - the sequence features (feature spec v5): the candidates' and the recent items' vectors are
 *   looked up (one batch of `getByIds`, cached per isolate) when the user has recent positive items
 *   — the session's, newest first, then the trained history's — and the recent items' categories
 *   from their metadata move `category_recency_7d`.
 * When the lookup fails, the rows use 0 for what it would have given (`ranker / unavailable /
 * list_similarity_0`).
 */
import type { UserRecord } from "../../shared/artifacts/kv-keys";
import type { Surface } from "../../shared/events/interaction-event";
import { categoryAffinityFeature } from "../../shared/features/category-affinity";
import { buildFeatureRow } from "../../shared/features/feature-spec";
import { categoryLastSeen, RECENT_ITEMS, recentItems, recentSimilarity } from "../../shared/features/sequence-features";
import { dot } from "../../shared/math/vector";
import type { EventWeights } from "../../shared/events/event-weight";
import type { SessionSnapshot } from "../../shared/session/session-contract";
import type { VectorIndex, VectorRecord } from "../../shared/vector-index/vector-index";
import type { Candidate } from "../candidates/candidate";
import { lookupVectors } from "../candidates/lookup-vectors";
import { recentPositives } from "../candidates/session-similar";
import type { FallbackLog } from "../fallbacks/fallback-log";

/** Sources whose retrieval score is already the user–item (or seed–item) similarity of a vector search. */
const VECTOR_SOURCES: ReadonlySet<Candidate["source"]> = new Set(["ann", "similar"]);

/** List candidates whose user similarity is looked up (3 `getByIds` calls); later ones rank with 0. */
const MAX_LIST_SIMILARITIES = 60;

/**
 * Candidates whose recent similarity is computed (the ranker's training rows: the top 100 of
 * retrieval); later ones rank with 0 — as do exploration picks, which take their slots whatever
 * their score.
 */
export const MAX_SEQUENCE_CANDIDATES = 100;

/** Input of {@link featureRows}. */
export interface FeatureRowsInput {
  candidates: readonly Candidate[];
  userVector: number[] | null;
  userRecord: UserRecord | null;
  session: SessionSnapshot;
  surface: Surface;
  /** The requesting device; default: the device in the user's demographics. */
  device?: string;
  nowSeconds: number;
  index: VectorIndex;
  fallbacks: FallbackLog;
  /** The serving release's event weights (which recent interactions are positive); default table when unset. */
  eventWeights?: EventWeights;
}

/** The rows, in candidate order, and the item records looked up on the way (re-ranking reuses them). */
export interface FeatureRows {
  rows: number[][];
  knownVectors: Map<string, VectorRecord>;
}

/** Whether {@link featureRows} looks item vectors up (the caller times that part). */
export function needsItemVectors(
  input: Pick<FeatureRowsInput, "candidates" | "userVector" | "userRecord" | "session" | "eventWeights">,
): boolean {
  const { recentIds } = recentOf(input);
  return lookupIds(input, recentIds, sequenceCandidateIds(input.candidates, recentIds)).length > 0;
}

/** Builds one feature row per candidate. */
export async function featureRows(input: FeatureRowsInput): Promise<FeatureRows> {
  const { candidates, userVector, userRecord, session, nowSeconds } = input;
  const { live, recentIds } = recentOf(input);
  const sequenceIds = sequenceCandidateIds(candidates, recentIds);
  const ids = lookupIds(input, recentIds, sequenceIds);
  const knownVectors =
    ids.length > 0
      ? await lookupVectors(input.index, ids, input.fallbacks, { stage: "ranker", reason: "unavailable", used: "list_similarity_0" })
      : new Map<string, VectorRecord>();
  const userSimilarity = (candidate: Candidate): number => {
    if (VECTOR_SOURCES.has(candidate.source)) return candidate.retrievalScore;
    const item = knownVectors.get(candidate.itemId)?.values;
    return userVector && item && item.length === userVector.length ? dot(userVector, item) : 0;
  };
  const recentVectors = recentIds.map((id) => knownVectors.get(id)?.values).filter((values) => values !== undefined);
  const sequenceCandidates = new Set(sequenceIds);
  const userActivity = (userRecord?.activity ?? 0) + session.interactionCount;
  // Onboarding answers (session) are the user's own word; the trained profile fills in.
  const demographics = { ...userRecord?.demographics, ...session.demographics };
  const device = input.device ?? demographics.device;
  // The same definitions the pipeline's rows use: the trained evidence from KV plus the session's.
  const categoryAffinity = categoryAffinityFeature({
    trained: userRecord?.categoryAffinity,
    live: session.affinity,
    ...(session.preferredCategories ? { stated: session.preferredCategories } : {}),
  });
  const lastSeen = categoryLastSeen(
    userRecord?.categoryLastSeen,
    live.map((interaction) => ({
      category: metadataString(knownVectors.get(interaction.itemId), "category"),
      ts: Math.floor(interaction.ts / 1000),
    })),
  );
  const rows = candidates.map((candidate, rank) => {
    const record = knownVectors.get(candidate.itemId);
    const lastSeenAt = candidate.category === undefined ? undefined : lastSeen[candidate.category];
    return buildFeatureRow({
      retrievalScore: userSimilarity(candidate),
      retrievalRank: rank,
      itemPopularity: candidate.popularity ?? 0,
      itemReleasedAt: candidate.releasedAt ?? nowSeconds,
      itemSponsored: candidate.sponsored ?? false,
      userActivity,
      nowSeconds,
      categoryAffinity: categoryAffinity(candidate.category),
      surface: input.surface,
      user: demographics,
      ...(device ? { device } : {}),
      recentSimilarity: sequenceCandidates.has(candidate.itemId) ? recentSimilarity(record?.values, recentVectors) : { mean: 0, max: 0 },
      ...(lastSeenAt !== undefined ? { categoryLastSeenAt: lastSeenAt } : {}),
      itemRecentPopularity: candidate.recentPopularity ?? metadataNumber(record, "recent_popularity") ?? 0,
    });
  });
  return { rows, knownVectors };
}

/** The session's recent positive interactions and the user's recent items (session first, then the trained history). */
function recentOf(input: Pick<FeatureRowsInput, "userRecord" | "session" | "eventWeights">) {
  const live = recentPositives(input.session.recent, RECENT_ITEMS, input.eventWeights);
  const recentIds = recentItems(
    live.map((interaction) => interaction.itemId),
    input.userRecord?.history,
  );
  return { live, recentIds };
}

/** The ids to look up: list candidates (user similarity) and, with recent items, the sequence candidates and the recent items. */
function lookupIds(
  input: Pick<FeatureRowsInput, "candidates" | "userVector">,
  recentIds: readonly string[],
  sequenceIds: readonly string[],
): string[] {
  const lists = input.userVector
    ? input.candidates
        .filter((candidate) => !VECTOR_SOURCES.has(candidate.source) && candidate.source !== "exploration")
        .slice(0, MAX_LIST_SIMILARITIES)
        .map((candidate) => candidate.itemId)
    : [];
  if (recentIds.length === 0) return lists;
  return [...new Set([...lists, ...sequenceIds, ...recentIds])];
}

/** The candidates the sequence features are computed for (none without recent items). */
function sequenceCandidateIds(candidates: readonly Candidate[], recentIds: readonly string[]): string[] {
  if (recentIds.length === 0) return [];
  return candidates
    .filter((candidate) => candidate.source !== "exploration")
    .slice(0, MAX_SEQUENCE_CANDIDATES)
    .map((candidate) => candidate.itemId);
}

function metadataString(record: VectorRecord | undefined, key: string): string | undefined {
  const value = record?.metadata?.[key];
  return typeof value === "string" ? value : undefined;
}

function metadataNumber(record: VectorRecord | undefined, key: string): number | undefined {
  const value = record?.metadata?.[key];
  return typeof value === "number" ? value : undefined;
}
