/**
 * The serving funnel for one user, combined in one place: session → user vector → candidates →
 * exploration picks → features → rank → exploration slots → respond. Each stage that fails or has
 * nothing to offer falls back to the next best path and records it (see fallbacks/fallback.ts);
 * the response always comes. Candidates come from the surface's configured sources (`ann`,
 * `similar`, `trending`, `fresh`), merged in order.
 *
 * Real time: the user vector blends the trained one (KV) with the session's fold-in vector (the
 * UserSession object recomputes it after every event), so the next request after an event already
 * moves; hidden, seen and blocked items are excluded; new users get live trending items; a share
 * of the slots (never the first) is filled by Thompson sampling over the user's category arms.
 */
import type { UserRecord } from "../../shared/artifacts/kv-keys";
import type { Surface } from "../../shared/events/interaction-event";
import { categoryAffinityShare } from "../../shared/features/category-affinity-share";
import { buildFeatureRow, FEATURE_SPEC } from "../../shared/features/feature-spec";
import { fnv1a } from "../../shared/math/fnv1a";
import { createRng, type Rng } from "../../shared/math/random";
import { dot } from "../../shared/math/vector";
import { type BlendUserVectorOptions, blendUserVector } from "../../shared/realtime/blend-user-vector";
import type { SessionVectorMethod } from "../../shared/realtime/session-vector";
import { type CandidateSourceConfig, DEFAULT_CANDIDATE_SOURCES } from "../../shared/serving/serving-config";
import type { Exposure, SessionSnapshot, SnapshotOptions } from "../../shared/session/session-contract";
import type { VectorIndex, VectorRecord } from "../../shared/vector-index/vector-index";
import { annCandidates } from "../candidates/ann";
import { type Candidate, type ExplorationTag, mergeCandidates } from "../candidates/candidate";
import { explorationCandidates } from "../candidates/exploration";
import { loadFreshCandidates } from "../candidates/fresh";
import { loadTrendingCandidates } from "../candidates/trending";
import { readUnservableItems } from "../catalog/item-status";
import { ApiError } from "../errors/api-error";
import { describeError, type Fallback, FallbackLog } from "../fallbacks/fallback";
import { createLogger, type Logger } from "../logger/logger";
import { type Ranker, RankerError, type RankerName } from "../ranking/ranker";
import { retrievalOrderRanker } from "../ranking/retrieval-order";
import { rankingAgreement } from "../../shared/ranking/ranking-agreement";
import { explorationSlotCount } from "../rerank/exploration-slots";
import type { RerankRule } from "../rerank/rerank-rule";
import type { Reason } from "../../shared/explain/reason";
import { readUserRecord } from "../store/kv-store";
import { EXPLORATION_DEFAULTS, type ExplorationConfig } from "./exploration-config";
import { rerankAndExplain } from "./rerank-and-explain";
import { StageTimer } from "./stage-timer";
import { lookupVectors } from "./lookup-vectors";
import { TimeoutError, withTimeout } from "./with-timeout";

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
  /** Shadow mode: scores the same rows in the background when it is not the ranker that served. */
  shadowRanker?: Ranker;
  /** The request's logger; default: one carrying `request_id` that writes to the console. */
  logger?: Logger;
}

/** One recommended item. */
export interface RecommendedItem {
  item_id: string;
  score: number;
  source: Candidate["source"];
  category?: string;
  /** On exploration picks: the category arm that won the draw and the pool the item came from. */
  exploration?: ExplorationTag;
  /** Why it is recommended, derived from the source that found it (shared/explain/reason.ts). */
  reason: Reason;
}

/** Where the user vector of a response came from. */
export interface UserVectorInfo {
  /** `trained` (KV), `session` (fold-in only), `blended` (both), `seed` (onboarding demographics, maybe blended), or null. */
  source: "trained" | "session" | "blended" | "seed" | null;
  /** β, the session's share of the blended vector. */
  session_share: number;
  /** How the session vector was computed, when there was one. */
  fold_in?: SessionVectorMethod;
}

/** The response body of `GET /v1/recommendations`. */
export interface RecommendResponse {
  request_id: string;
  user_id: string;
  surface: Surface;
  ranker: RankerName;
  model_version?: string;
  /** A/B arms the user is in (experiment id → arm); events echoing request_id are attributed to them. */
  arms: Record<string, string>;
  items: RecommendedItem[];
  user_vector: UserVectorInfo;
  fallbacks: Fallback[];
  timings_ms: Record<string, number>;
}

const EMPTY_SESSION: SessionSnapshot = { recent: [], seen: [], hidden: [], interactionCount: 0 };

/** Runs the funnel for one request. */
export async function recommend(request: RecommendRequest, deps: RecommendDeps): Promise<RecommendResponse> {
  const timer = new StageTimer();
  const fallbacks = new FallbackLog();

  const [session, userRecord, unservable] = await Promise.all([
    timer.time("session", () =>
      // Digests must not repeat what the user was already shown; other surfaces skip that read.
      readSessionSafely(request.userId, deps, fallbacks, request.surface === "email" ? { shownLimit: 1000 } : undefined),
    ),
    timer.time("user_record", () => readUserRecordSafely(request.userId, deps.kv, fallbacks)),
    readUnservableItems(deps.kv),
  ]);

  const exclude = new Set<string>([
    ...session.seen,
    ...session.hidden,
    ...(session.shown ?? []),
    ...(userRecord?.history ?? []),
    ...unservable,
    ...(request.itemId ? [request.itemId] : []),
  ]);
  const userVector = userVectorFor(userRecord, session, deps.sessionBlend);
  const pools: SharedPools = { trending: trendingOnce(deps.kv), fresh: once(() => loadFreshCandidates(deps.kv)) };
  const seed = request.surface === "more_like_this" && request.itemId ? await timer.time("seed", () => readSeed(deps.index, request.itemId!)) : undefined;
  const sources = deps.sources ?? DEFAULT_CANDIDATE_SOURCES[request.surface];
  const retrieved = await timer.time("candidates", () =>
    retrieve(request, sources, { user: userVector.vector, ...(seed ? { seed } : {}) }, exclude, deps, pools, fallbacks),
  );

  const exploration = { ...EXPLORATION_DEFAULTS, ...deps.exploration } satisfies ExplorationConfig;
  const slots = explorationSlotCount(request.n, exploration.share);
  const listed = new Set(retrieved.slice(0, request.n).map((candidate) => candidate.itemId));
  const picks =
    slots > 0
      ? await timer.time("exploration", () => explore(request, session, slots, new Set([...exclude, ...listed]), exploration, deps, pools))
      : [];
  const picked = new Set(picks.map((pick) => pick.itemId));
  const candidates = [...retrieved.filter((candidate) => !picked.has(candidate.itemId)), ...picks];

  // List candidates (trending, popular, fresh) come without a user–item similarity; the ranker was
  // trained on one for every candidate, so look the first ones' vectors up and compute it.
  // Exploration picks take their slots whatever their score.
  const userVectorValues = userVector.vector;
  const fromLists = userVectorValues
    ? candidates.filter((candidate) => !VECTOR_SOURCES.has(candidate.source) && candidate.source !== "exploration").slice(0, MAX_LIST_SIMILARITIES)
    : [];
  const knownVectors =
    fromLists.length > 0
      ? await timer.time("item_vectors", () =>
          lookupVectors(deps.index, fromLists.map((candidate) => candidate.itemId), fallbacks, { stage: "ranker", used: "list_similarity_0" }),
        )
      : new Map<string, VectorRecord>();
  const similarity = (candidate: Candidate): number => {
    if (VECTOR_SOURCES.has(candidate.source)) return candidate.retrievalScore;
    const item = knownVectors.get(candidate.itemId)?.values;
    return userVectorValues && item && item.length === userVectorValues.length ? dot(userVectorValues, item) : 0;
  };

  const nowSeconds = Math.floor(request.now.getTime() / 1000);
  const userActivity = (userRecord?.activity ?? 0) + session.interactionCount;
  // Onboarding answers (session) are the user's own word; the trained profile fills in.
  const demographics = { ...userRecord?.demographics, ...session.demographics };
  const device = request.device ?? demographics.device;
  const rows = candidates.map((candidate, rank) =>
    buildFeatureRow({
      retrievalScore: similarity(candidate),
      retrievalRank: rank,
      itemPopularity: candidate.popularity ?? 0,
      itemReleasedAt: candidate.releasedAt ?? nowSeconds,
      itemSponsored: candidate.sponsored ?? false,
      userActivity,
      nowSeconds,
      categoryAffinity: categoryAffinityShare(session.affinity ?? {}, candidate.category),
      surface: request.surface,
      user: demographics,
      ...(device ? { device } : {}),
    }),
  );

  const ranked = await timer.time("rank", () => rankWithFallback(rows, deps.rankers, fallbacks));
  if (deps.shadowRanker && deps.shadowRanker.name !== ranked.ranker && rows.length > 0) {
    runInBackground(deps, shadowRank(request, deps.shadowRanker, rows, ranked, loggerFor(request, deps)));
  }
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
      ...(seed ? { seed: { itemId: seed.id, ...(typeof seed.metadata?.title === "string" ? { title: seed.metadata.title } : {}) } } : {}),
    }),
  );
  const items = final.map((i) => {
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
  await recordServed(request, items, deps);

  return {
    request_id: request.requestId,
    user_id: request.userId,
    surface: request.surface,
    ranker: ranked.ranker,
    ...(ranked.modelVersion ?? userRecord?.modelVersion
      ? { model_version: ranked.modelVersion ?? userRecord?.modelVersion }
      : {}),
    arms: deps.arms ?? {},
    items,
    user_vector: userVector.info,
    fallbacks: fallbacks.entries,
    timings_ms: timer.finish(),
  };
}

/**
 * The vector ANN runs on: the trained vector (or, for a new user, the demographic seed) blended
 * with the session's fold-in vector by the session's evidence (shared/realtime/blend-user-vector).
 */
function userVectorFor(
  userRecord: UserRecord | null,
  session: SessionSnapshot,
  options: Partial<BlendUserVectorOptions> | undefined,
): { vector: number[] | null; info: UserVectorInfo } {
  const seed = session.seedVector ?? null;
  const prior = userRecord?.vector ?? seed;
  const fresh = session.sessionVector ?? null;
  const blended = blendUserVector(prior, fresh ? { vector: fresh.vector, strength: fresh.strength } : null, options);
  const priorSource = userRecord ? "trained" : seed ? "seed" : null;
  const source: UserVectorInfo["source"] =
    blended.vector === null ? null : blended.sessionShare === 0 ? priorSource : blended.sessionShare === 1 ? "session" : priorSource === "seed" ? "seed" : "blended";
  return {
    vector: blended.vector,
    info: { source, session_share: round(blended.sessionShare), ...(fresh ? { fold_in: fresh.method } : {}) },
  };
}

/** Exploration picks for `count` slots from the live trending and fresh pools; best effort. */
async function explore(
  request: RecommendRequest,
  session: SessionSnapshot,
  count: number,
  exclude: ReadonlySet<string>,
  config: ExplorationConfig,
  deps: RecommendDeps,
  pools: SharedPools,
): Promise<Candidate[]> {
  // Its own fallback log: a pool exploration cannot read is not a fallback of the response.
  const [trendingPool, fresh] = await Promise.all([pools.trending(new FallbackLog()), pools.fresh()]);
  return explorationCandidates({
    count,
    pools: { trending: trendingPool, fresh },
    arms: session.arms ?? [],
    preferredCategories: session.preferredCategories ?? [],
    affinity: session.affinity ?? {},
    exclude,
    rng: (deps.rngFor ?? requestRng)(request),
    config,
  });
}

/** A random source seeded by user and request id: a replayed request makes the same choices. */
function requestRng(request: RecommendRequest): Rng {
  return createRng(fnv1a(`${request.userId}|${request.requestId}`));
}

/** The request's logger: the one in `deps`, else a console logger carrying the request id. */
function loggerFor(request: RecommendRequest, deps: RecommendDeps): Logger {
  return deps.logger ?? createLogger({ request_id: request.requestId });
}

/** Runs `work` past the response when the Worker allows it (`waitUntil`), else awaits nothing of it. */
function runInBackground(deps: RecommendDeps, work: Promise<unknown>): void {
  if (deps.waitUntil) deps.waitUntil(work);
}

/** Shadow mode: scores the served rows with a candidate ranker and logs its agreement with the live one. */
async function shadowRank(
  request: RecommendRequest,
  shadow: Ranker,
  rows: number[][],
  live: { scores: number[]; ranker: RankerName },
  logger: Logger,
): Promise<void> {
  try {
    const result = await shadow.rank({ rows, featureSpecHash: FEATURE_SPEC.hash });
    const agreement = rankingAgreement(live.scores, result.scores, request.n);
    logger.info("shadow_ranking", {
      live: live.ranker,
      shadow: shadow.name,
      candidates: rows.length,
      overlap_at_k: round(agreement.overlapAtK),
      k: agreement.k,
      kendall_tau: round(agreement.kendallTau),
    });
  } catch (error) {
    logger.warn("shadow_ranking_failed", { shadow: shadow.name, error });
  }
}

/** Tells the user's session what was served (in the background when the Worker allows it). */
async function recordServed(request: RecommendRequest, items: RecommendedItem[], deps: RecommendDeps): Promise<void> {
  if (!deps.recordExposures || items.length === 0) return;
  const exposures: Exposure[] = items.map((item, position) => ({
    itemId: item.item_id,
    position,
    source: item.source,
    ...(item.category ? { category: item.category } : {}),
    ...(item.exploration ? { explorationSource: item.exploration.from } : {}),
  }));
  const work = deps.recordExposures(request.userId, request.requestId, exposures).catch((error: unknown) => {
    loggerFor(request, deps).warn("exposures_failed", { stage: "exposures", error });
  });
  if (deps.waitUntil) deps.waitUntil(work);
  else await work;
}

async function readSessionSafely(
  userId: string,
  deps: RecommendDeps,
  fallbacks: FallbackLog,
  options?: SnapshotOptions,
): Promise<SessionSnapshot> {
  const timeoutMs = deps.sessionTimeoutMs ?? 200;
  try {
    return await withTimeout(deps.readSession(userId, options), timeoutMs, "user session");
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

/** Loads the trending list at most once per request; the first caller's fallback log records its fallbacks. */
type TrendingLoader = (fallbacks: FallbackLog) => Promise<Candidate[]>;

/** The KV pools a request reads at most once: retrieval sources and exploration share them. */
interface SharedPools {
  trending: TrendingLoader;
  fresh: () => Promise<Candidate[]>;
}

function trendingOnce(kv: KVNamespace): TrendingLoader {
  let loaded: Promise<Candidate[]> | undefined;
  return (fallbacks) => (loaded ??= loadTrendingCandidates(kv, fallbacks));
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

/** The seed item of `more_like_this`; 404 when the index does not have it. */
async function readSeed(index: VectorIndex, itemId: string): Promise<VectorRecord> {
  const [seed] = await index.getByIds([itemId]);
  if (!seed) throw new ApiError(404, "item_not_found", `no item '${itemId}' in the vector index`);
  return seed;
}

/**
 * Candidates from the configured sources, merged in config order (the first source to find an
 * item keeps it). A source that fails or cannot run records a fallback and gives nothing; when
 * the sources together find fewer than n unseen items, the trending list fills up the rest.
 */
async function retrieve(
  request: RecommendRequest,
  sources: readonly CandidateSourceConfig[],
  vectors: { user: number[] | null; seed?: VectorRecord },
  exclude: Set<string>,
  deps: RecommendDeps,
  pools: SharedPools,
  fallbacks: FallbackLog,
): Promise<Candidate[]> {
  const before = fallbacks.entries.length;
  const lists = await Promise.all(sources.map((source) => fromSource(source, vectors, exclude, deps, pools, fallbacks)));
  const merged = mergeCandidates(lists, exclude);
  if (merged.length >= request.n || sources.some((source) => source.source === "trending")) return merged;
  if (fallbacks.entries.length === before) {
    const names = sources.map((source) => source.source).join("+");
    fallbacks.add({ stage: "candidates", reason: "empty", used: "popular", detail: `${names} gave ${merged.length} unseen items` });
  }
  return mergeCandidates([merged, await pools.trending(fallbacks)], exclude);
}

/** One source's candidates (at most its top_k unseen ones for the list sources). */
async function fromSource(
  source: CandidateSourceConfig,
  vectors: { user: number[] | null; seed?: VectorRecord },
  exclude: ReadonlySet<string>,
  deps: RecommendDeps,
  pools: SharedPools,
  fallbacks: FallbackLog,
): Promise<Candidate[]> {
  switch (source.source) {
    case "ann": {
      const vector = vectors.user;
      if (!vector) {
        fallbacks.add({ stage: "user_vector", reason: "unknown_user", used: "popular" });
        return [];
      }
      return fromIndex(() => annCandidates(deps.index, vector, { topK: source.top_k }), fallbacks);
    }
    case "similar": {
      // Config validation keeps `similar` on more_like_this, whose requests always carry a seed.
      const seed = vectors.seed;
      return seed ? fromIndex(() => annCandidates(deps.index, seed.values, { topK: source.top_k, source: "similar" }), fallbacks) : [];
    }
    case "trending":
      return firstUnexcluded(await pools.trending(fallbacks), exclude, source.top_k);
    case "fresh":
      return firstUnexcluded(await pools.fresh(), exclude, source.top_k);
    default:
      return source satisfies never;
  }
}

/** A vector-index query's candidates; none (and a fallback) when the index fails. */
async function fromIndex(query: () => Promise<Candidate[]>, fallbacks: FallbackLog): Promise<Candidate[]> {
  try {
    return await query();
  } catch (error) {
    fallbacks.add({ stage: "candidates", reason: "unavailable", used: "popular", detail: describeError(error) });
    return [];
  }
}

function firstUnexcluded(candidates: Candidate[], exclude: ReadonlySet<string>, count: number): Candidate[] {
  return candidates.filter((candidate) => !exclude.has(candidate.itemId)).slice(0, count);
}

/**
 * Tries the rankers in order, then retrieval order. Each ranker that fails adds a `ranker`
 * fallback whose `used` names the ranker that finally served, with the failed ranker's name and
 * error in `detail`.
 */
async function rankWithFallback(
  rows: number[][],
  rankers: Ranker[],
  fallbacks: FallbackLog,
): Promise<{ scores: number[]; ranker: RankerName; modelVersion?: string }> {
  if (rows.length === 0) return { scores: [], ranker: retrievalOrderRanker.name };
  const failures: Omit<Fallback, "used">[] = [];
  const servedBy = (name: RankerName) => {
    for (const failure of failures) fallbacks.add({ ...failure, used: name });
  };
  for (const ranker of rankers) {
    try {
      const result = await ranker.rank({ rows, featureSpecHash: FEATURE_SPEC.hash });
      servedBy(ranker.name);
      return { scores: result.scores, ranker: ranker.name, modelVersion: result.modelVersion };
    } catch (error) {
      const reason = error instanceof RankerError ? error.reason : "unavailable";
      failures.push({ stage: "ranker", reason, detail: `${ranker.name}: ${describeError(error)}` });
    }
  }
  const result = await retrievalOrderRanker.rank({ rows, featureSpecHash: FEATURE_SPEC.hash });
  servedBy(retrievalOrderRanker.name);
  return { scores: result.scores, ranker: retrievalOrderRanker.name };
}

/** Sources whose retrieval score is already the user–item (or seed–item) similarity of a vector search. */
const VECTOR_SOURCES: ReadonlySet<Candidate["source"]> = new Set(["ann", "similar"]);

/** List candidates whose similarity is looked up (3 `getByIds` calls); later ones rank with 0. */
const MAX_LIST_SIMILARITIES = 60;

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
