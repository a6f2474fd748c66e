/**
 * The serving funnel for one user, in stage order; each stage lives in its own folder and this
 * file only hands one stage's output to the next:
 *
 * 1. session → `read-session.ts` (the UserSession snapshot, within a deadline)
 * 2. user vector → `user-vector.ts` (trained record from KV, blended with the session's vector)
 * 3. candidates → `candidates/retrieve-candidates.ts` (the configured sources, merged)
 * 4. exploration → `exploration/explore.ts` (bandit picks for a share of the slots)
 * 5. features → `ranking/feature-rows.ts` (one row per candidate)
 * 6. rank → `ranking/rank-with-fallback.ts` (sidecar → light → retrieval order; shadow ranking)
 * 7. re-rank and explain → `rerank/rerank-and-explain.ts` (rules, exploration slots, reasons)
 * 8. respond → the items, and `record-exposures.ts` in the background
 *
 * A stage that fails or has nothing to offer falls back to the next best path and records one rung
 * of the ladder (shared/fallbacks/fallback-ladder.ts); the response always comes.
 */
import type { UserRecord } from "../../shared/artifacts/kv-keys";
import type { Surface } from "../../shared/events/interaction-event";
import type { Rng } from "../../shared/math/random";
import type { BlendUserVectorOptions } from "../../shared/realtime/blend-user-vector";
import { type CandidateSourceConfig, DEFAULT_CANDIDATE_SOURCES } from "../../shared/serving/serving-config";
import type { Exposure, SessionSnapshot, SnapshotOptions } from "../../shared/session/session-contract";
import type { VectorIndex } from "../../shared/vector-index/vector-index";
import { unionFilter } from "../candidates/candidate";
import { candidatePools } from "../candidates/candidate-pools";
import { retrieveCandidates } from "../candidates/retrieve-candidates";
import { readSeedItem } from "../candidates/similar";
import { readUnservableItems } from "../catalog/item-status";
import { eventWeightsOrDefault } from "../store/kv-store";
import { explorationRng, explorationSlotsFor, explore } from "../exploration/explore";
import { EXPLORATION_DEFAULTS, type ExplorationConfig } from "../exploration/exploration-config";
import { FallbackLog } from "../fallbacks/fallback-log";
import { createLogger, type Logger } from "../logger/logger";
import { featureRows, needsItemVectors } from "../ranking/feature-rows";
import { rankWithFallback } from "../ranking/rank-with-fallback";
import type { Ranker } from "../ranking/ranker";
import { shadowRank } from "../ranking/shadow-rank";
import { rerankAndExplain } from "../rerank/rerank-and-explain";
import type { RerankRule } from "../rerank/rerank-rule";
import { readSessionOrEmpty } from "./read-session";
import { recordServed } from "./record-exposures";
import type { RecommendedItem, RecommendResponse } from "./recommend-response";
import { StageTimer } from "./stage-timer";
import { readTrainedUser, userVectorFor } from "./user-vector";

/** What a client asked for. */
export interface RecommendRequest {
  requestId: string;
  userId: string;
  n: number;
  surface: Surface;
  /** The seed item of `more_like_this`: candidates are its neighbours, explained as "More like X". */
  itemId?: string;
  /** The requesting device (a ranker feature); default: the device in the user's demographics. */
  device?: string;
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
  readSession: (userId: string, options?: SnapshotOptions) => Promise<SessionSnapshot>;
  /** Deadline for the session read, in milliseconds. */
  sessionTimeoutMs?: number;
  /** Exploration slots (share, priors); {@link EXPLORATION_DEFAULTS} where unset. */
  exploration?: Partial<ExplorationConfig>;
  /** How much the trained vector holds against the session (κ); defaults where unset. */
  sessionBlend?: Partial<BlendUserVectorOptions>;
  /** The random source of one request; default: seeded by user id and request id (reproducible). */
  rngFor?: (request: RecommendRequest) => Rng;
  /** Records what was served in the user's session, so impressions and clicks credit the right arms. */
  recordExposures?: (userId: string, requestId: string, exposures: Exposure[]) => Promise<void>;
  /** Runs work past the response (the Worker's `waitUntil`); without it, exposures are awaited. */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** Candidate sources in merge order (serving config); the surface's default when unset. */
  sources?: readonly CandidateSourceConfig[];
  /** Re-ranking rules of the surface, in order (serving config); none when unset. */
  rerankRules?: readonly RerankRule[];
  /** A/B arms of this user (experiment id → arm), echoed in the response for attribution. */
  arms?: Record<string, string>;
  /** The release the request is served from (workers/releases/): the response's `model_version`. */
  releaseId?: string;
  /** Shadow mode: scores the same rows in the background when it is not the ranker that served. */
  shadowRanker?: Ranker;
  /** The request's logger; default: one carrying `request_id` that writes to the console. */
  logger?: Logger;
  /** Sees the ranker's input rows and the user's trained record (the metrics' drift and freshness; workers/metrics/served-features.ts). */
  onFeatureRows?: (features: { rows: readonly (readonly number[])[]; userRecord: UserRecord | null }) => void;
}

/** Runs the funnel for one request. */
export async function recommend(request: RecommendRequest, deps: RecommendDeps): Promise<RecommendResponse> {
  const timer = new StageTimer();
  const fallbacks = new FallbackLog();
  const logger = deps.logger ?? createLogger({ request_id: request.requestId });
  const nowSeconds = Math.floor(request.now.getTime() / 1000);

  // 1–2. Session and trained user record, in parallel; then the user vector.
  const [session, trained, unservable, eventWeights] = await Promise.all([
    timer.time("session", () =>
      readSessionOrEmpty(request.userId, {
        read: deps.readSession,
        ...(deps.sessionTimeoutMs !== undefined ? { timeoutMs: deps.sessionTimeoutMs } : {}),
        // Digests must not repeat what the user was already shown; other surfaces skip that read.
        ...(request.surface === "email" ? { snapshot: { shownLimit: 1000 } } : {}),
        fallbacks,
      }),
    ),
    timer.time("user_record", () => readTrainedUser(deps.kv, request.userId)),
    readUnservableItems(deps.kv),
    // The serving release's weight table (cached with its manifest): what counts as a positive recent item.
    eventWeightsOrDefault(deps.kv, logger, "recommendations"),
  ]);
  const userRecord = trained.record;
  const userVector = userVectorFor(trained, session, deps.sessionBlend, fallbacks);
  // What this user has seen or hidden, plus the catalogue's unservable set (tested in place, not copied).
  const userExcluded = new Set<string>([
    ...session.seen,
    ...session.hidden,
    ...(session.shown ?? []),
    ...(userRecord?.history ?? []),
    ...(request.itemId ? [request.itemId] : []),
  ]);
  const exclude = unionFilter(userExcluded, unservable);

  // 3. Candidates from the configured sources.
  const pools = candidatePools(deps.kv, fallbacks);
  const seed =
    request.surface === "more_like_this" && request.itemId
      ? await timer.time("seed", () => readSeedItem(deps.index, request.itemId!, fallbacks))
      : null;
  const retrieved = await timer.time("candidates", () =>
    retrieveCandidates({
      n: request.n,
      sources: deps.sources ?? DEFAULT_CANDIDATE_SOURCES[request.surface],
      vectors: { user: userVector.vector, userRecordUnavailable: userVector.recordUnavailable, ...(seed ? { seed } : {}) },
      recent: session.recent,
      eventWeights,
      preferredCategories: session.preferredCategories ?? [],
      activity: (userRecord?.activity ?? 0) + session.interactionCount,
      kv: deps.kv,
      exclude,
      index: deps.index,
      pools,
      fallbacks,
    }),
  );

  // 4. Exploration picks for a share of the slots.
  const exploration = { ...EXPLORATION_DEFAULTS, ...deps.exploration } satisfies ExplorationConfig;
  const exploreInput = {
    n: request.n,
    retrieved,
    session,
    exclude,
    config: exploration,
    pools,
    rng: (deps.rngFor ?? ((r: RecommendRequest) => explorationRng(r.userId, r.requestId)))(request),
  };
  const candidates =
    explorationSlotsFor(request.n, exploration) > 0 ? await timer.time("exploration", () => explore(exploreInput)) : retrieved;

  // 5. Features.
  const featureInput = {
    candidates,
    userVector: userVector.vector,
    userRecord,
    session,
    surface: request.surface,
    ...(request.device ? { device: request.device } : {}),
    nowSeconds,
    index: deps.index,
    fallbacks,
    eventWeights,
  };
  const { rows, knownVectors } = needsItemVectors(featureInput)
    ? await timer.time("item_vectors", () => featureRows(featureInput))
    : await featureRows(featureInput);
  deps.onFeatureRows?.({ rows, userRecord });

  // 6. Rank (and, in the background, the shadow ranker).
  const ranked = await timer.time("rank", () => rankWithFallback(rows, deps.rankers, fallbacks));
  if (deps.shadowRanker && deps.shadowRanker.name !== ranked.ranker && rows.length > 0) {
    const shadow = shadowRank(deps.shadowRanker, rows, ranked, request.n, logger);
    if (deps.waitUntil) deps.waitUntil(shadow);
  }

  // 7. Re-rank and explain.
  const order = candidates.map((_, i) => i).sort((a, b) => ranked.scores[b]! - ranked.scores[a]! || a - b);
  const { order: final, reasons } = await timer.time("rerank", () =>
    rerankAndExplain({
      n: request.n,
      candidates,
      scores: ranked.scores,
      exploitOrder: order.filter((i) => candidates[i]!.source !== "exploration"),
      explorationPicks: candidates.map((_, i) => i).filter((i) => candidates[i]!.source === "exploration"),
      session,
      userRecord,
      rules: deps.rerankRules ?? [],
      nowSeconds,
      index: deps.index,
      fallbacks,
      knownVectors,
      eventWeights,
      ...(seed ? { seed: { itemId: seed.id, ...(typeof seed.metadata?.title === "string" ? { title: seed.metadata.title } : {}) } } : {}),
    }),
  );

  // 8. Respond; what was served goes to the user's session in the background.
  const items: RecommendedItem[] = final.map((i) => {
    const candidate = candidates[i]!;
    return {
      item_id: candidate.itemId,
      score: round(ranked.scores[i]!),
      source: candidate.source,
      ...(candidate.category ? { category: candidate.category } : {}),
      ...(candidate.exploration ? { exploration: candidate.exploration } : {}),
      reason: reasons.get(i)!,
    };
  });
  await recordServed(items, {
    userId: request.userId,
    requestId: request.requestId,
    ...(deps.recordExposures ? { record: deps.recordExposures } : {}),
    ...(deps.waitUntil ? { waitUntil: deps.waitUntil } : {}),
    logger,
  });
  const modelVersion = deps.releaseId ?? ranked.modelVersion ?? userRecord?.modelVersion;
  return {
    request_id: request.requestId,
    user_id: request.userId,
    surface: request.surface,
    ranker: ranked.ranker,
    ...(modelVersion ? { model_version: modelVersion } : {}),
    arms: deps.arms ?? {},
    items,
    user_vector: userVector.info,
    fallbacks: fallbacks.entries,
    timings_ms: timer.finish(),
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
