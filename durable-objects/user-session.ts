/**
 * UserSession: one Durable Object per user, holding the user's live session state in SQLite.
 * Every request for the user goes through it, so an event posted now is visible to the very next
 * recommendation request (Durable Object storage is strongly consistent).
 *
 * What it keeps (schema in user-session-schema.ts): the recent event log (bounded, older events
 * compacted into per-item aggregates), seen and hidden items, time-decayed category affinity,
 * Beta bandit arms per category and exploration source, what was served (exposures), onboarding
 * preferences and demographics, and a fresh user vector folded in from the session against the
 * trained item factors, plus the event ids seen within the retention window (idempotency) and what
 * the user already added to live trending (one count per item per window).
 *
 * This class is the shell: RPC methods, transactions, the retention alarm and what it memoises.
 * The rules live in shared/session/ (pure, unit-tested in Node); the SQL in
 * user-session/session-store.ts; the event path in user-session/apply-session-events.ts, the
 * bounds in user-session/compact-session.ts and the lookups and fold-in in
 * user-session/session-vector-refresh.ts.
 *
 * Reads are memoised: the stored parts of a snapshot are read once and served from memory until
 * the next write (events, preferences, a refresh that wrote, erasure, retention), and the served
 * items until the next exposures (a Durable Object is single-threaded, so its memory cannot fall
 * behind its own storage); arms and affinity are still decayed to the time of each read.
 *
 * Storage is bounded (USER_SESSION_LIMITS, shared/session/user-session-limits.ts) and never
 * outlives its use: reading an object that was never written creates nothing; an object holding
 * only what was served (a made-up or anonymous user id: no events, no preferences) is deleted
 * STRANGER_RETENTION_HOURS after the last exposure; any other is deleted after USER_RETENTION_DAYS
 * without activity.
 */
import { DurableObject } from "cloudflare:workers";
import { ReadMemo } from "../shared/session/read-memo";
import { retentionDeadline } from "../shared/session/retention-deadline";
import { rowsOverBound } from "../shared/session/rows-over-bound";
import { DEFAULT_EVENT_WEIGHTS } from "../shared/events/event-weight";
import type {
  AppendOptions,
  AppendResult,
  Exposure,
  SessionEvent,
  SessionSnapshot,
  SessionState,
  SnapshotOptions,
  UserPreferences,
  UserProfile,
} from "../shared/session/session-contract";
import { assembleState, emptyState } from "../shared/session/session-inspection";
import { assembleSnapshot, emptySnapshot, type StoredSession } from "../shared/session/session-snapshot";
import { USER_SESSION_LIMITS } from "../shared/session/user-session-limits";
import { retentionConfigFor } from "../workers/config/retention-config";
import { trendingConfigFor } from "../workers/config/trending-config";
import { createLogger, logLevelFrom } from "../workers/logger/logger";
import { applySessionEvents } from "./user-session/apply-session-events";
import { compactSession } from "./user-session/compact-session";
import { type SessionStaleness, SessionStore } from "./user-session/session-store";
import { SessionVectorRefresh } from "./user-session/session-vector-refresh";

/** Per-user session state with typed RPC methods. */
export class UserSession extends DurableObject<Env> {
  private readonly store: SessionStore;
  private readonly refresh: SessionVectorRefresh;
  /** What decides whether a read refreshes first; dropped on every write. */
  private readonly staleness = new ReadMemo<SessionStaleness>(1);
  /** The stored parts of snapshots, by limits; dropped on every write. */
  private readonly stored = new ReadMemo<StoredSession>();
  /** Served items, by limit; dropped on every write and every exposure. */
  private readonly shown = new ReadMemo<string[]>();
  /** Served items held in `exposures` (the sum of its responses' `n`; undefined until counted once). */
  private exposureCount: number | undefined;
  /** The retention alarm (undefined until read once). */
  private alarmAt: number | null | undefined;
  /** False until the first write creates the tables (a read never does). */
  private hasSchema = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new SessionStore(ctx.storage.sql);
    const logger = createLogger({ object: "UserSession" }, { level: logLevelFrom(env.LOG_LEVEL) });
    this.refresh = new SessionVectorRefresh({
      ctx,
      env,
      store: this.store,
      logger,
      hasTables: () => this.hasSchema,
      onWrite: () => this.wrote(),
    });
    ctx.blockConcurrencyWhile(async () => {
      this.hasSchema = this.store.hasTables();
      if (this.hasSchema) this.store.migrate();
    });
  }

  /**
   * Stores events (all for this user), idempotently by `event_id`, and updates per-item state,
   * category affinity and bandit arms (at once when the item's category is known, else after it
   * is looked up). A replayed event — an `event_id` this user stored within the retention window —
   * changes nothing. Reports which accepted events may count for trending and for A/B arms. Events
   * are weighed with `options.eventWeights`, the serving release's table (default: the default table).
   * @example await env.USER_SESSION.getByName(userId).appendEvents(events, { eventWeights })
   */
  async appendEvents(events: SessionEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const now = Date.now();
    const { userWindowMs } = trendingConfigFor(this.env);
    const weights = options.eventWeights ?? DEFAULT_EVENT_WEIGHTS;
    this.ensureSchema();
    const applied = this.write(() => {
      const outcome = applySessionEvents(this.store, events, { now, trendingWindowMs: userWindowMs, weights });
      if (outcome.result.accepted.length > 0) {
        compactSession(this.store, outcome.result.accepted.length, now, {
          retentionMs: this.retention().userMs,
          trendingWindowMs: userWindowMs,
        });
        this.store.setMeta("last_activity", String(now));
      }
      return outcome;
    });
    if (applied.result.accepted.length > 0) await this.scheduleAlarm(now + this.retention().userMs);
    return applied.result;
  }

  /**
   * The session as the recommendation funnel needs it, with the user vector brought up to date
   * (waiting at most `refreshBudgetMs` for item lookups; otherwise the previous vector is served
   * and the refresh finishes in the background).
   */
  async snapshot(options: SnapshotOptions = {}): Promise<SessionSnapshot> {
    const { recentLimit, seenLimit, shownLimit } = { recentLimit: 20, seenLimit: 500, shownLimit: 0, ...options };
    if (!this.hasSchema) return emptySnapshot(shownLimit);
    if (this.isStale()) await this.refresh.within(USER_SESSION_LIMITS.refreshBudgetMs);
    if (!this.hasSchema) return emptySnapshot(shownLimit);
    const stored = this.stored.get(`${recentLimit}:${seenLimit}`, () => this.store.storedSession(recentLimit, seenLimit));
    const shown = shownLimit > 0 ? this.shown.get(String(shownLimit), () => this.store.shown(shownLimit)) : undefined;
    const segmentVectors = this.refresh.loadedModel?.segmentVectors;
    return assembleSnapshot(stored, { now: Date.now(), ...(segmentVectors ? { segmentVectors } : {}), ...(shown ? { shown } : {}) });
  }

  /**
   * Remembers what the edge served this user (item, position, source, category), so impressions
   * and clicks on it are credited to its category, exploration source and A/B arm. The response is
   * one `exposures` row — its items packed in position order (shared/session/served-items.ts) — so
   * this is one single-row insert (and one update for the items' categories); a replayed request id
   * adds nothing. The bound is counted in served items: once the table holds more than
   * `maxExposures + exposureSlack` items, whole responses are pruned, oldest first, until the rest
   * hold at most `maxExposures` (and the A/B credits of the pruned ones go with them).
   * An object that holds nothing else (no events, no preferences) is deleted
   * STRANGER_RETENTION_HOURS later.
   */
  async recordExposures(requestId: string, items: Exposure[], ts: number = Date.now()): Promise<void> {
    this.ensureSchema();
    this.ctx.storage.transactionSync(() => {
      this.store.insertExposures(requestId, items, ts);
      // Served items, an upper bound (a replayed request id adds nothing); exact again after each prune.
      const count = (this.exposureCount ?? this.store.exposureCount()) + items.length;
      const { maxExposures, exposureSlack } = USER_SESSION_LIMITS;
      if (rowsOverBound(count, maxExposures, exposureSlack) > 0) {
        this.store.pruneExposures(maxExposures);
        this.exposureCount = this.store.exposureCount();
      } else {
        this.exposureCount = count;
      }
    });
    this.shown.invalidate();
    if ((await this.currentAlarm()) === null && this.store.meta("last_activity") === null) {
      await this.scheduleAlarm(ts + this.retention().strangerMs);
    }
  }

  /** Stores onboarding preferences and demographics; they seed the user vector and the arms. */
  async setPreferences(preferences: UserPreferences): Promise<UserProfile> {
    const now = Date.now();
    const profile: UserProfile = {
      categories: [...new Set(preferences.categories)],
      ...(preferences.demographics ? { demographics: preferences.demographics } : {}),
      updatedAt: now,
    };
    this.ensureSchema();
    this.write(() => {
      this.store.setMeta("profile", JSON.stringify(profile));
      this.store.setMeta("vector_dirty", "1");
      this.store.setMeta("last_activity", String(now));
    });
    await this.scheduleAlarm(now + this.retention().userMs);
    await this.refresh.within(USER_SESSION_LIMITS.refreshBudgetMs);
    return profile;
  }

  /** Everything the object holds, for inspection (admin). Never memoised. */
  async inspect(): Promise<SessionState> {
    if (!this.hasSchema) return emptyState(await this.ctx.storage.getAlarm());
    if (this.isStale()) await this.refresh.within(USER_SESSION_LIMITS.refreshBudgetMs);
    if (!this.hasSchema) return emptyState(await this.ctx.storage.getAlarm());
    const segmentVectors = this.refresh.loadedModel?.segmentVectors;
    return assembleState(this.store.inspection(), {
      now: Date.now(),
      retentionMs: this.retention().userMs,
      alarm: await this.ctx.storage.getAlarm(),
      ...(segmentVectors ? { segmentVectors } : {}),
    });
  }

  /**
   * Deletes everything the object holds about the user — tables, alarm, cached model — leaving no
   * storage behind (right to erasure; also what retention does). The next write starts afresh.
   */
  async erase(): Promise<void> {
    this.refresh.reset();
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.alarmAt = null;
    this.exposureCount = undefined;
    this.hasSchema = false;
    this.wrote();
  }

  /**
   * Retention: deletes the user's state once it has been inactive for USER_RETENTION_DAYS, or — for
   * an object holding only exposures (no events, no preferences) — STRANGER_RETENTION_HOURS after its
   * last exposure. Fired early (activity since), it moves itself to the new deadline. Reads storage,
   * never the memo.
   */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    this.wrote();
    if (!this.hasSchema) {
      await this.erase();
      return;
    }
    const lastActivity = this.store.meta("last_activity");
    const lastExposure = lastActivity === null ? this.store.lastExposureTs() : null;
    const deleteAfter = retentionDeadline(lastActivity === null ? null : Number(lastActivity), lastExposure, this.retention());
    if (Date.now() >= deleteAfter) {
      await this.erase();
      return;
    }
    await this.ctx.storage.setAlarm(deleteAfter);
    this.alarmAt = deleteAfter;
  }

  /** True when the vector or the categories must be brought up to date before a read. */
  private isStale(): boolean {
    return this.refresh.isStale(this.staleness.get("", () => this.store.staleness()));
  }

  /** Runs `change` in one transaction and drops everything memoised, whether it commits or not. */
  private write<T>(change: () => T): T {
    try {
      return this.ctx.storage.transactionSync(change);
    } finally {
      this.wrote();
    }
  }

  /** Drops every memoised read (call after any write to the tables). */
  private wrote(): void {
    this.staleness.invalidate();
    this.stored.invalidate();
    this.shown.invalidate();
  }

  /** Creates the tables on the first write. */
  private ensureSchema(): void {
    if (this.hasSchema) return;
    this.store.migrate();
    this.hasSchema = true;
    this.exposureCount = 0;
  }

  private retention(): { userMs: number; strangerMs: number } {
    return retentionConfigFor(this.env);
  }

  /** The retention alarm, read from storage once. */
  private async currentAlarm(): Promise<number | null> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    return this.alarmAt;
  }

  /** Sets the alarm at `at` unless one is already set (an early alarm re-arms itself for the real deadline). */
  private async scheduleAlarm(at: number): Promise<void> {
    if ((await this.currentAlarm()) !== null) return;
    await this.ctx.storage.setAlarm(at);
    this.alarmAt = at;
  }
}
