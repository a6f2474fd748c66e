/**
 * The serving funnel for one user, combined in one place: session → user vector → candidates →
 * features → rank → filter → respond. Each stage that fails or has nothing to offer falls back to
 * the next best path and records it (see fallbacks/fallback.ts); the response always comes.
 */
import type { UserRecord } from "../../shared/artifacts/kv-keys";
import type { Surface } from "../../shared/events/interaction-event";
import { buildFeatureRow, FEATURE_SPEC } from "../../shared/features/feature-spec";
import type { VectorIndex } from "../../shared/vector-index/vector-index";
import type { SessionSnapshot } from "../../durable-objects/user-session";
import { annCandidates } from "../candidates/ann";
import { type Candidate, mergeCandidates } from "../candidates/candidate";
import { candidatesFromPopularList, loadPopularList } from "../candidates/popular";
import { describeError, type Fallback, FallbackLog } from "../fallbacks/fallback";
import type { Ranker, RankerName } from "../ranking/ranker";
import { retrievalOrderRanker } from "../ranking/retrieval-order";
import { readUserRecord } from "../store/kv-store";
import { StageTimer } from "./stage-timer";
import { TimeoutError, withTimeout } from "./with-timeout";

/** What a client asked for. */
export interface RecommendRequest {
  requestId: string;
  userId: string;
  n: number;
  surface: Surface;
  /** Request time (features use it). */
  now: Date;
}

/** The services the funnel uses; swapped in tests and by configuration. */
export interface RecommendDeps {
  kv: KVNamespace;
  index: VectorIndex;
  /** Rankers to try in order; retrieval order is always appended as the last resort. */
  rankers: Ranker[];
  /** Reads the user's session (the UserSession Durable Object). */
  readSession: (userId: string) => Promise<SessionSnapshot>;
  /** Deadline for the session read, in milliseconds. */
  sessionTimeoutMs?: number;
}

/** One recommended item. */
export interface RecommendedItem {
  item_id: string;
  score: number;
  source: Candidate["source"];
  category?: string;
}

/** The response body of `GET /v1/recommendations`. */
export interface RecommendResponse {
  request_id: string;
  user_id: string;
  surface: Surface;
  ranker: RankerName;
  model_version?: string;
  items: RecommendedItem[];
  fallbacks: Fallback[];
  timings_ms: Record<string, number>;
}

const EMPTY_SESSION: SessionSnapshot = { recent: [], seen: [], hidden: [], interactionCount: 0 };

/** Runs the funnel for one request. */
export async function recommend(request: RecommendRequest, deps: RecommendDeps): Promise<RecommendResponse> {
  const timer = new StageTimer();
  const fallbacks = new FallbackLog();

  const [session, userRecord] = await Promise.all([
    timer.time("session", () => readSessionSafely(request.userId, deps, fallbacks)),
    timer.time("user_record", () => readUserRecordSafely(request.userId, deps.kv, fallbacks)),
  ]);

  const exclude = new Set<string>([...session.seen, ...session.hidden, ...(userRecord?.history ?? [])]);
  const candidates = await timer.time("candidates", () => retrieve(request, userRecord, exclude, deps, fallbacks));

  const nowSeconds = Math.floor(request.now.getTime() / 1000);
  const userActivity = (userRecord?.activity ?? 0) + session.interactionCount;
  const rows = candidates.map((candidate, rank) =>
    buildFeatureRow({
      retrievalScore: personalScore(candidate),
      retrievalRank: rank,
      itemPopularity: candidate.popularity ?? 0,
      itemReleasedAt: candidate.releasedAt ?? nowSeconds,
      itemSponsored: candidate.sponsored ?? false,
      userActivity,
      nowSeconds,
    }),
  );

  const ranked = await timer.time("rank", () => rankWithFallback(rows, deps.rankers, fallbacks));
  const order = candidates.map((_, i) => i).sort((a, b) => ranked.scores[b]! - ranked.scores[a]! || a - b);
  const items = order.slice(0, request.n).map((i) => {
    const candidate = candidates[i]!;
    return {
      item_id: candidate.itemId,
      score: round(ranked.scores[i]!),
      source: candidate.source,
      ...(candidate.category ? { category: candidate.category } : {}),
    };
  });

  return {
    request_id: request.requestId,
    user_id: request.userId,
    surface: request.surface,
    ranker: ranked.ranker,
    ...(ranked.modelVersion ?? userRecord?.modelVersion
      ? { model_version: ranked.modelVersion ?? userRecord?.modelVersion }
      : {}),
    items,
    fallbacks: fallbacks.entries,
    timings_ms: timer.finish(),
  };
}

async function readSessionSafely(userId: string, deps: RecommendDeps, fallbacks: FallbackLog): Promise<SessionSnapshot> {
  const timeoutMs = deps.sessionTimeoutMs ?? 200;
  try {
    return await withTimeout(deps.readSession(userId), timeoutMs, "user session");
  } catch (error) {
    fallbacks.add({
      stage: "session",
      reason: error instanceof TimeoutError ? "timeout" : "unavailable",
      used: "stateless_request",
      detail: describeError(error),
    });
    return EMPTY_SESSION;
  }
}

async function readUserRecordSafely(userId: string, kv: KVNamespace, fallbacks: FallbackLog): Promise<UserRecord | null> {
  try {
    return await readUserRecord(kv, userId);
  } catch (error) {
    fallbacks.add({ stage: "user_vector", reason: "unavailable", used: "popular", detail: describeError(error) });
    return null;
  }
}

async function retrieve(
  request: RecommendRequest,
  userRecord: UserRecord | null,
  exclude: Set<string>,
  deps: RecommendDeps,
  fallbacks: FallbackLog,
): Promise<Candidate[]> {
  if (userRecord) {
    try {
      const ann = await annCandidates(deps.index, userRecord.vector);
      const merged = mergeCandidates([ann], exclude);
      if (merged.length >= request.n) return merged;
      fallbacks.add({ stage: "candidates", reason: "empty", used: "popular", detail: `ann gave ${merged.length} unseen items` });
      const popular = await loadPopularList(deps.kv, fallbacks);
      return mergeCandidates([merged, candidatesFromPopularList(popular)], new Set());
    } catch (error) {
      fallbacks.add({ stage: "candidates", reason: "unavailable", used: "popular", detail: describeError(error) });
    }
  } else {
    fallbacks.add({ stage: "user_vector", reason: "unknown_user", used: "popular" });
  }
  const popular = await loadPopularList(deps.kv, fallbacks);
  return mergeCandidates([candidatesFromPopularList(popular)], exclude);
}

async function rankWithFallback(
  rows: number[][],
  rankers: Ranker[],
  fallbacks: FallbackLog,
): Promise<{ scores: number[]; ranker: RankerName; modelVersion?: string }> {
  if (rows.length === 0) return { scores: [], ranker: retrievalOrderRanker.name };
  for (const ranker of rankers) {
    try {
      const result = await ranker.rank({ rows, featureSpecHash: FEATURE_SPEC.hash });
      return { scores: result.scores, ranker: ranker.name, modelVersion: result.modelVersion };
    } catch (error) {
      const reason = error instanceof Error && "reason" in error ? (error.reason as Fallback["reason"]) : "unavailable";
      fallbacks.add({ stage: "ranker", reason, used: retrievalOrderRanker.name, detail: describeError(error) });
    }
  }
  const result = await retrievalOrderRanker.rank({ rows, featureSpecHash: FEATURE_SPEC.hash });
  return { scores: result.scores, ranker: retrievalOrderRanker.name };
}

/**
 * The user–item similarity the ranker was trained on: the ANN score for ANN candidates, 0 for
 * sources with no user-specific score (a popular list's score is a count, not a similarity).
 */
function personalScore(candidate: Candidate): number {
  switch (candidate.source) {
    case "ann":
    case "similar":
      return candidate.retrievalScore;
    case "popular":
      return 0;
  }
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
