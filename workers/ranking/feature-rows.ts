/**
 * The features stage of the funnel: one row per candidate (shared/features/feature-spec.ts, the
 * same function the pipeline builds training rows with). The ranker was trained on a user–item
 * similarity for every candidate; vector sources (`ann`, `similar`) bring theirs, and for the first
 * list candidates (trending, popular, fresh) the item vectors are looked up to compute it — when
 * that lookup fails they rank with 0 (`ranker / unavailable / list_similarity_0`).
 */
import type { UserRecord } from "../../shared/artifacts/kv-keys";
import type { Surface } from "../../shared/events/interaction-event";
import { categoryAffinityFeature } from "../../shared/features/category-affinity";
import { buildFeatureRow } from "../../shared/features/feature-spec";
import { dot } from "../../shared/math/vector";
import type { SessionSnapshot } from "../../shared/session/session-contract";
import type { VectorIndex, VectorRecord } from "../../shared/vector-index/vector-index";
import type { Candidate } from "../candidates/candidate";
import { lookupVectors } from "../candidates/lookup-vectors";
import type { FallbackLog } from "../fallbacks/fallback-log";

/** Sources whose retrieval score is already the user–item (or seed–item) similarity of a vector search. */
const VECTOR_SOURCES: ReadonlySet<Candidate["source"]> = new Set(["ann", "similar"]);

/** List candidates whose similarity is looked up (3 `getByIds` calls); later ones rank with 0. */
const MAX_LIST_SIMILARITIES = 60;

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
}

/** The rows, in candidate order, and the item records looked up on the way (re-ranking reuses them). */
export interface FeatureRows {
  rows: number[][];
  knownVectors: Map<string, VectorRecord>;
}

/** Whether {@link featureRows} looks item vectors up (the caller times that part). */
export function needsItemVectors(candidates: readonly Candidate[], userVector: number[] | null): boolean {
  return listCandidates(candidates, userVector).length > 0;
}

/** Builds one feature row per candidate. */
export async function featureRows(input: FeatureRowsInput): Promise<FeatureRows> {
  const { candidates, userVector, userRecord, session, nowSeconds } = input;
  const fromLists = listCandidates(candidates, userVector);
  const knownVectors =
    fromLists.length > 0
      ? await lookupVectors(
          input.index,
          fromLists.map((candidate) => candidate.itemId),
          input.fallbacks,
          { stage: "ranker", reason: "unavailable", used: "list_similarity_0" },
        )
      : new Map<string, VectorRecord>();
  const similarity = (candidate: Candidate): number => {
    if (VECTOR_SOURCES.has(candidate.source)) return candidate.retrievalScore;
    const item = knownVectors.get(candidate.itemId)?.values;
    return userVector && item && item.length === userVector.length ? dot(userVector, item) : 0;
  };
  const userActivity = (userRecord?.activity ?? 0) + session.interactionCount;
  // Onboarding answers (session) are the user's own word; the trained profile fills in.
  const demographics = { ...userRecord?.demographics, ...session.demographics };
  const device = input.device ?? demographics.device;
  // The same definition the pipeline's rows use: the trained evidence from KV plus the session's.
  const categoryAffinity = categoryAffinityFeature({ trained: userRecord?.categoryAffinity, live: session.affinity });
  const rows = candidates.map((candidate, rank) =>
    buildFeatureRow({
      retrievalScore: similarity(candidate),
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
    }),
  );
  return { rows, knownVectors };
}

/** The list candidates whose similarity is looked up (none without a user vector; exploration picks take their slots whatever their score). */
function listCandidates(candidates: readonly Candidate[], userVector: number[] | null): Candidate[] {
  return userVector
    ? candidates
        .filter((candidate) => !VECTOR_SOURCES.has(candidate.source) && candidate.source !== "exploration")
        .slice(0, MAX_LIST_SIMILARITIES)
    : [];
}
