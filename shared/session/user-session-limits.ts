/**
 * Bounds and time constants of a user's session state (durable-objects/user-session.ts), shared
 * with the Worker, whose accepted event-time window ends at the same retention (routes/events.ts).
 */
import { DAY_MS } from "../realtime/decay-factor";

/** Events kept per user before the oldest are compacted away (their effect stays in item_state). */
export const MAX_EVENTS_PER_USER = 2000;

/** Limits and time constants of the session state. */
export const USER_SESSION_LIMITS = {
  /** Non-hidden per-item rows kept (oldest touched dropped first; aggregates keep their effect). */
  maxItemStates: 5000,
  /** Hidden items kept (never shown again); the oldest fall off past this. */
  maxHiddenItems: 10_000,
  /**
   * Served items remembered for crediting impressions and clicks to their source (and A/B arm),
   * counted in items although `exposures` holds one row per response (pruned whole, oldest first).
   */
  maxExposures: 1000,
  /**
   * How many served items `exposures` may hold past `maxExposures` before its oldest responses are
   * pruned until the rest hold at most `maxExposures` (so the prune runs once per ~10 requests of 10
   * items, not on every request): at most 1100 items (~110 rows of 10) are held.
   */
  exposureSlack: 100,
  /**
   * Event ids remembered for idempotency (pruned by age at USER_RETENTION_DAYS; past this cap the
   * oldest fall off first, so only a replay of an event older than the newest 50,000 could count twice).
   */
  maxEventIds: 50_000,
  /** Items with an open trending window (pruned when the window ends; past this the oldest fall off). */
  maxTrendingCredits: 10_000,
  /** Most recent items with a signal that the fold-in uses. */
  foldInItems: 50,
  /** Items whose category is looked up per refresh. */
  lookupsPerRefresh: 100,
  /** Weight of one preferred onboarding category in the fold-in (a click is 1). */
  preferenceWeight: 1,
  affinityHalfLifeMs: 14 * DAY_MS,
  armHalfLifeMs: 30 * DAY_MS,
  /** How long a snapshot waits for a refresh before serving the previous vector. */
  refreshBudgetMs: 120,
  /** After a failed lookup, how long before trying again. */
  lookupRetryMs: 5000,
  /** How long a fetched fold-in model is reused before KV is read again. */
  modelTtlMs: 60_000,
  /** Default inactivity after which the user's state is deleted (USER_RETENTION_DAYS). */
  retentionDays: 180,
  /**
   * Default lifetime of an object holding only exposures — no events, no preferences — after its
   * last exposure (STRANGER_RETENTION_HOURS).
   */
  strangerRetentionHours: 24,
} as const;
