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
 * Storage is bounded (USER_SESSION_LIMITS, shared/session/user-session-limits.ts) and never
 * outlives its use: reading an object that was never written creates nothing; an object holding
 * only what was served (a made-up or anonymous user id: no events, no preferences) is deleted
 * STRANGER_RETENTION_HOURS after the last exposure; any other is deleted after USER_RETENTION_DAYS
 * without activity.
 */
import { DurableObject } from "cloudflare:workers";
import { kvKeys } from "../shared/artifacts/kv-keys";
import { armName, type BetaArm, decayArm } from "../shared/bandits/beta-arm";
import { eventWeight } from "../shared/events/event-weight";
import type { EventType } from "../shared/events/interaction-event";
import { trendingCredit } from "../shared/events/trending-credit";
import { EXPERIMENT_EVENT_METRIC } from "../shared/experiments/experiment-event-metric";
import { decayFactor } from "../shared/realtime/decay-factor";
import { demographicSegments } from "../shared/realtime/demographic-segments";
import type { FoldInModel } from "../shared/realtime/fold-in-model";
import type { FoldInInteraction } from "../shared/realtime/fold-in-user-vector";
import { sessionVector } from "../shared/realtime/session-vector";
import type {
  AppendResult,
  CachedSessionVector,
  Exposure,
  RecentInteraction,
  SessionEvent,
  SessionSnapshot,
  SessionState,
  SnapshotOptions,
  UserPreferences,
  UserProfile,
} from "../shared/session/session-contract";
import { MAX_EVENTS_PER_USER, USER_SESSION_LIMITS } from "../shared/session/user-session-limits";
import { retentionConfigFor } from "../workers/config/retention-config";
import { trendingConfigFor } from "../workers/config/trending-config";
import { createLogger, type Logger, logLevelFrom } from "../workers/logger/logger";
import { readFoldInModel } from "../workers/store/kv-store";
import { itemIndexFor, lookUpItems } from "../workers/vector-index/item-lookup";
import { USER_SESSION_MIGRATIONS } from "./user-session-schema";

const NEGATIVE_HIDE: ReadonlySet<EventType> = new Set(["not_interested", "hide"]);

type ItemStateRow = {
  impressions: number;
  positive: number;
  negative: number;
  category: string | null;
  credited_trials: number;
  rewarded: number;
};

type ExposureRow = {
  category: string | null;
  exploration_source: string | null;
};

/** Per-user session state with typed RPC methods. */
export class UserSession extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private lookupFailedAt = 0;
  private model: { value: FoldInModel | null; fetchedAt: number } | null = null;
  private alarmAt: number | null | undefined;
  /** False until the first write creates the tables (a read never does). */
  private hasSchema = false;
  private readonly logger: Logger;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.logger = createLogger({ object: "UserSession" }, { level: logLevelFrom(env.LOG_LEVEL) });
    ctx.blockConcurrencyWhile(async () => {
      this.hasSchema = this.sql.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).toArray().length > 0;
      if (this.hasSchema) this.migrate();
    });
  }

  /**
   * Stores events (all for this user), idempotently by `event_id`, and updates per-item state,
   * category affinity and bandit arms (at once when the item's category is known, else after it
   * is looked up). A replayed event — an `event_id` this user stored within the retention window —
   * changes nothing. Reports which accepted events may count for trending and for A/B arms.
   * @example await env.USER_SESSION.getByName(userId).appendEvents(events)
   */
  async appendEvents(events: SessionEvent[]): Promise<AppendResult> {
    const result: AppendResult = { accepted: [], duplicates: [], trending: [], attributed: [] };
    const now = Date.now();
    const { userWindowMs } = trendingConfigFor(this.env);
    let needsRefresh = false;
    this.ensureSchema();
    this.ctx.storage.transactionSync(() => {
      for (const event of events) {
        if (!this.claimEventId(event)) {
          result.duplicates.push(event.event_id);
          continue;
        }
        const before = this.itemState(event.item_id);
        const exposure = this.exposureOf(event.item_id, event.request_id);
        const category = before?.category || exposure?.category || (before?.category === "" ? "" : null);
        const inserted = this.sql
          .exec<{ seq: number }>(
            `INSERT INTO events (event_id, item_id, type, value, ts, request_id, position, surface, device, applied)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING RETURNING seq`,
            event.event_id,
            event.item_id,
            event.type,
            event.value ?? null,
            event.ts,
            event.request_id ?? null,
            event.position ?? null,
            event.context?.surface ?? null,
            event.context?.device ?? null,
            category === null ? 0 : 1,
          )
          .toArray().length;
        if (inserted === 0) {
          result.duplicates.push(event.event_id);
          continue;
        }
        result.accepted.push(event.event_id);
        const credit = this.creditTrending(event, now, userWindowMs);
        if (credit > 0) result.trending.push({ eventId: event.event_id, weight: credit });
        if (this.creditExposure(event)) result.attributed.push(event.event_id);
        this.applyToItemState(event);
        if (category === null) {
          needsRefresh = true;
        } else {
          if (before?.category == null && category) {
            this.sql.exec(`UPDATE item_state SET category = ? WHERE item_id = ?`, category, event.item_id);
          }
          this.applyCategoryEffects(event, category, exposure?.exploration_source ?? null);
        }
        if (eventWeight[event.type] !== 0) {
          needsRefresh = true;
          this.setMeta("vector_dirty", "1");
        }
      }
      if (result.accepted.length > 0) {
        this.compact(result.accepted.length, now, userWindowMs);
        this.setMeta("last_activity", String(now));
      }
    });
    if (result.accepted.length > 0) await this.scheduleRetention(now);
    if (needsRefresh) this.scheduleRefresh();
    return result;
  }

  /**
   * The session as the recommendation funnel needs it, with the user vector brought up to date
   * (waiting at most `refreshBudgetMs` for item lookups; otherwise the previous vector is served
   * and the refresh finishes in the background).
   */
  async snapshot(options: SnapshotOptions = {}): Promise<SessionSnapshot> {
    const { recentLimit, seenLimit, shownLimit } = { recentLimit: 20, seenLimit: 500, shownLimit: 0, ...options };
    if (!this.hasSchema) return emptySnapshot(shownLimit);
    if (this.isStale()) await this.refreshWithin(USER_SESSION_LIMITS.refreshBudgetMs);
    const now = Date.now();
    const seen = this.sql
      .exec<{ item_id: string }>(`SELECT item_id FROM item_state WHERE interactions > 0 ORDER BY last_ts DESC LIMIT ?`, seenLimit)
      .toArray()
      .map((row) => row.item_id);
    const hidden = this.sql
      .exec<{ item_id: string }>(`SELECT item_id FROM item_state WHERE hidden = 1 ORDER BY last_ts DESC`)
      .toArray()
      .map((row) => row.item_id);
    const interactionCount = this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM events WHERE type != 'impression'`).one().n;
    const profile = this.profile();
    return {
      recent: this.recent(recentLimit),
      seen,
      hidden,
      interactionCount,
      sessionVector: this.cachedVector(),
      seedVector: this.seedVector(profile),
      arms: this.arms(now).map(({ arm, successes, trials }) => ({ arm, successes, trials })),
      affinity: this.affinity(now),
      preferredCategories: profile?.categories ?? [],
      ...(profile?.demographics ? { demographics: profile.demographics } : {}),
      ...(shownLimit > 0
        ? {
            shown: this.sql
              .exec<{ item_id: string }>(`SELECT item_id FROM exposures GROUP BY item_id ORDER BY max(ts) DESC LIMIT ?`, shownLimit)
              .toArray()
              .map((row) => row.item_id),
          }
        : {}),
    };
  }

  /**
   * Remembers what the edge served this user (item, position, source, category), so impressions
   * and clicks on it are credited to its category, exploration source and A/B arm. An object that
   * holds nothing else (no events, no preferences) is deleted STRANGER_RETENTION_HOURS later.
   */
  async recordExposures(requestId: string, items: Exposure[], ts: number = Date.now()): Promise<void> {
    this.ensureSchema();
    this.ctx.storage.transactionSync(() => {
      for (const item of items) {
        this.sql.exec(
          `INSERT INTO exposures (request_id, item_id, position, source, category, exploration_source, ts)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (request_id, item_id) DO NOTHING`,
          requestId,
          item.itemId,
          item.position,
          item.source,
          item.category ?? null,
          item.explorationSource ?? null,
          ts,
        );
        if (item.category) {
          this.sql.exec(`UPDATE item_state SET category = ? WHERE item_id = ? AND category IS NULL`, item.category, item.itemId);
        }
      }
      this.sql.exec(
        `DELETE FROM exposures WHERE rowid IN (SELECT rowid FROM exposures ORDER BY ts DESC LIMIT -1 OFFSET ?)`,
        USER_SESSION_LIMITS.maxExposures,
      );
    });
    if (this.meta("last_activity") === null) await this.scheduleAlarm(ts + this.strangerRetentionMs());
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
    this.ctx.storage.transactionSync(() => {
      this.setMeta("profile", JSON.stringify(profile));
      this.setMeta("vector_dirty", "1");
      this.setMeta("last_activity", String(now));
    });
    await this.scheduleRetention(now);
    await this.refreshWithin(USER_SESSION_LIMITS.refreshBudgetMs);
    return profile;
  }

  /** Everything the object holds, for inspection (admin). */
  async inspect(): Promise<SessionState> {
    if (!this.hasSchema) return emptyState(await this.ctx.storage.getAlarm());
    if (this.isStale()) await this.refreshWithin(USER_SESSION_LIMITS.refreshBudgetMs);
    const now = Date.now();
    const count = (query: string) => this.sql.exec<{ n: number }>(query).one().n;
    const lastActivity = this.meta("last_activity");
    const last = lastActivity === null ? null : Number(lastActivity);
    const profile = this.profile();
    return {
      profile,
      counts: {
        events: count(`SELECT count(*) AS n FROM events`),
        pendingEvents: count(`SELECT count(*) AS n FROM events WHERE applied = 0`),
        items: count(`SELECT count(*) AS n FROM item_state`),
        hidden: count(`SELECT count(*) AS n FROM item_state WHERE hidden = 1`),
        exposures: count(`SELECT count(*) AS n FROM exposures`),
        cachedVectors: count(`SELECT count(*) AS n FROM item_vectors`),
        eventIds: count(`SELECT count(*) AS n FROM event_ids`),
      },
      affinity: this.affinity(now),
      arms: this.arms(now),
      sessionVector: this.cachedVector(),
      seedVector: this.seedVector(profile),
      retention: {
        lastActivity: last,
        deleteAfter: last === null ? null : last + this.retentionMs(),
        alarm: await this.ctx.storage.getAlarm(),
      },
      recent: this.recent(20),
    };
  }

  /**
   * Deletes everything the object holds about the user — tables, alarm, cached model — leaving no
   * storage behind (right to erasure; also what retention does). The next write starts afresh.
   */
  async erase(): Promise<void> {
    if (this.refreshTimer !== null) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.alarmAt = null;
    this.model = null;
    this.hasSchema = false;
  }

  /**
   * Retention: deletes the user's state once it has been inactive for USER_RETENTION_DAYS, or — for
   * an object holding only exposures (no events, no preferences) — STRANGER_RETENTION_HOURS after its
   * last exposure. Fired early (activity since), it moves itself to the new deadline.
   */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    if (!this.hasSchema) {
      await this.erase();
      return;
    }
    const lastActivity = this.meta("last_activity");
    const deleteAfter =
      lastActivity === null
        ? (this.sql.exec<{ ts: number | null }>(`SELECT max(ts) AS ts FROM exposures`).one().ts ?? 0) + this.strangerRetentionMs()
        : Number(lastActivity) + this.retentionMs();
    if (Date.now() >= deleteAfter) {
      await this.erase();
      return;
    }
    await this.ctx.storage.setAlarm(deleteAfter);
    this.alarmAt = deleteAfter;
  }

  private retentionMs(): number {
    return retentionConfigFor(this.env).userMs;
  }

  private strangerRetentionMs(): number {
    return retentionConfigFor(this.env).strangerMs;
  }

  /** Makes sure the retention alarm is set (at `lastActivity` + retention when it was not). */
  private async scheduleRetention(lastActivity: number): Promise<void> {
    await this.scheduleAlarm(lastActivity + this.retentionMs());
  }

  /** Sets the alarm at `at` unless one is already set (an early alarm re-arms itself for the real deadline). */
  private async scheduleAlarm(at: number): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt !== null) return;
    await this.ctx.storage.setAlarm(at);
    this.alarmAt = at;
  }

  /** Records the event's id; false when this user already stored it (a replay). */
  private claimEventId(event: SessionEvent): boolean {
    return (
      this.sql
        .exec(`INSERT INTO event_ids (event_id, ts) VALUES (?, ?) ON CONFLICT (event_id) DO NOTHING RETURNING 1`, event.event_id, event.ts)
        .toArray().length > 0
    );
  }

  /** The weight this accepted event adds to live trending (0 = none), remembering the user's window. */
  private creditTrending(event: SessionEvent, now: number, windowMs: number): number {
    const weight = eventWeight[event.type];
    if (weight <= 0) return 0;
    const row = this.sql
      .exec<{ window_start: number; weight: number }>(`SELECT window_start, weight FROM trending_credits WHERE item_id = ?`, event.item_id)
      .toArray()[0];
    const decision = trendingCredit(row && { windowStart: row.window_start, weight: row.weight }, weight, now, windowMs);
    if (decision.credit > 0) {
      this.sql.exec(
        `INSERT INTO trending_credits (item_id, window_start, weight) VALUES (?1, ?2, ?3)
         ON CONFLICT (item_id) DO UPDATE SET window_start = ?2, weight = ?3`,
        event.item_id,
        decision.window.windowStart,
        decision.window.weight,
      );
    }
    return decision.credit;
  }

  /**
   * True when this accepted click or conversion echoes a request that served the item to this user
   * and that served item has not credited one yet (it is then marked as credited).
   */
  private creditExposure(event: SessionEvent): boolean {
    const metric = EXPERIMENT_EVENT_METRIC[event.type];
    if (!event.request_id || (metric !== "clicks" && metric !== "conversions")) return false;
    const column = metric === "clicks" ? "clicked" : "converted";
    return (
      this.sql
        .exec(`UPDATE exposures SET ${column} = 1 WHERE request_id = ? AND item_id = ? AND ${column} = 0 RETURNING 1`, event.request_id, event.item_id)
        .toArray().length > 0
    );
  }

  /** Creates the tables on the first write. */
  private ensureSchema(): void {
    if (this.hasSchema) return;
    this.migrate();
    this.hasSchema = true;
  }

  private recent(limit: number): RecentInteraction[] {
    return this.sql
      .exec<{ item_id: string; type: string; ts: number; value: number | null }>(
        `SELECT item_id, type, ts, value FROM events WHERE type != 'impression' ORDER BY ts DESC, seq DESC LIMIT ?`,
        limit,
      )
      .toArray()
      .map((row) => ({ itemId: row.item_id, type: row.type as EventType, ts: row.ts, value: row.value }));
  }

  private itemState(itemId: string): ItemStateRow | undefined {
    return this.sql
      .exec<ItemStateRow>(
        `SELECT impressions, positive, negative, category, credited_trials, rewarded FROM item_state WHERE item_id = ?`,
        itemId,
      )
      .toArray()[0];
  }

  /** The exposure an event refers to: the one of its request when known, else the latest. */
  private exposureOf(itemId: string, requestId: string | undefined): ExposureRow | undefined {
    if (requestId) {
      const exact = this.sql
        .exec<ExposureRow>(`SELECT category, exploration_source FROM exposures WHERE request_id = ? AND item_id = ?`, requestId, itemId)
        .toArray()[0];
      if (exact) return exact;
    }
    return this.sql
      .exec<ExposureRow>(`SELECT category, exploration_source FROM exposures WHERE item_id = ? ORDER BY ts DESC LIMIT 1`, itemId)
      .toArray()[0];
  }

  private applyToItemState(event: SessionEvent): void {
    const weight = eventWeight[event.type];
    const isImpression = event.type === "impression";
    this.sql.exec(
      `INSERT INTO item_state (item_id, first_ts, last_ts, impressions, interactions, positive, negative, hidden)
       VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6, ?7)
       ON CONFLICT (item_id) DO UPDATE SET
         first_ts = min(first_ts, excluded.first_ts),
         last_ts = max(last_ts, excluded.last_ts),
         impressions = impressions + excluded.impressions,
         interactions = interactions + excluded.interactions,
         positive = positive + excluded.positive,
         negative = negative + excluded.negative,
         hidden = max(hidden, excluded.hidden)`,
      event.item_id,
      event.ts,
      isImpression ? 1 : 0,
      isImpression ? 0 : 1,
      Math.max(0, weight),
      Math.max(0, -weight),
      NEGATIVE_HIDE.has(event.type) ? 1 : 0,
    );
  }

  /**
   * Category-level effects of one event on an item of `category` ('' = unknown: none):
   * affinity += weight; an impression is a trial of the category arm (and of its exploration
   * source's arm); the item's first positive event is a success (and a trial, if no impression was
   * reported); a negative event without an impression is a failed trial.
   */
  private applyCategoryEffects(event: SessionEvent, category: string, explorationSource: string | null): void {
    if (!category) return;
    const weight = eventWeight[event.type];
    if (weight !== 0) this.addAffinity(category, weight, event.ts);
    const state = this.itemState(event.item_id);
    if (!state) return;
    let trials = 0;
    let successes = 0;
    if (event.type === "impression") {
      trials = 1;
    } else if (weight > 0 && state.rewarded === 0) {
      successes = 1;
      trials = state.credited_trials === 0 ? 1 : 0;
    } else if (weight < 0 && state.credited_trials === 0) {
      trials = 1;
    }
    if (trials === 0 && successes === 0) return;
    this.sql.exec(
      `UPDATE item_state SET credited_trials = credited_trials + ?, rewarded = max(rewarded, ?) WHERE item_id = ?`,
      trials,
      successes,
      event.item_id,
    );
    this.addToArm(armName("category", category), successes, trials, event.ts);
    if (explorationSource) this.addToArm(armName("source", explorationSource), successes, trials, event.ts);
  }

  private addAffinity(category: string, weight: number, ts: number): void {
    const row = this.sql
      .exec<{ score: number; updated_ts: number }>(`SELECT score, updated_ts FROM category_affinity WHERE category = ?`, category)
      .toArray()[0];
    const [score, updated] = decayedAdd(row?.score ?? 0, row?.updated_ts ?? ts, weight, ts, USER_SESSION_LIMITS.affinityHalfLifeMs);
    this.sql.exec(
      `INSERT INTO category_affinity (category, score, updated_ts) VALUES (?1, ?2, ?3)
       ON CONFLICT (category) DO UPDATE SET score = ?2, updated_ts = ?3`,
      category,
      score,
      updated,
    );
  }

  private addToArm(arm: string, successes: number, trials: number, ts: number): void {
    const row = this.sql
      .exec<{ successes: number; trials: number; updated_ts: number }>(`SELECT successes, trials, updated_ts FROM bandit_arms WHERE arm = ?`, arm)
      .toArray()[0];
    const halfLife = USER_SESSION_LIMITS.armHalfLifeMs;
    const [s] = decayedAdd(row?.successes ?? 0, row?.updated_ts ?? ts, successes, ts, halfLife);
    const [t, updated] = decayedAdd(row?.trials ?? 0, row?.updated_ts ?? ts, trials, ts, halfLife);
    this.sql.exec(
      `INSERT INTO bandit_arms (arm, successes, trials, updated_ts) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (arm) DO UPDATE SET successes = ?2, trials = ?3, updated_ts = ?4`,
      arm,
      s,
      t,
      updated,
    );
  }

  private arms(now: number): (BetaArm & { updatedAt: number })[] {
    return this.sql
      .exec<{ arm: string; successes: number; trials: number; updated_ts: number }>(`SELECT arm, successes, trials, updated_ts FROM bandit_arms ORDER BY arm`)
      .toArray()
      .map((row) => ({
        ...decayArm({ arm: row.arm, successes: row.successes, trials: row.trials }, now - row.updated_ts, USER_SESSION_LIMITS.armHalfLifeMs),
        updatedAt: row.updated_ts,
      }));
  }

  private affinity(now: number): Record<string, number> {
    const affinity: Record<string, number> = {};
    for (const row of this.sql.exec<{ category: string; score: number; updated_ts: number }>(`SELECT category, score, updated_ts FROM category_affinity ORDER BY category`)) {
      affinity[row.category] = row.score * decayFactor(Math.max(0, now - row.updated_ts), USER_SESSION_LIMITS.affinityHalfLifeMs);
    }
    return affinity;
  }

  private profile(): UserProfile | null {
    const raw = this.meta("profile");
    return raw ? (JSON.parse(raw) as UserProfile) : null;
  }

  private cachedVector(): CachedSessionVector | null {
    const raw = this.meta("session_vector");
    return raw ? (JSON.parse(raw) as CachedSessionVector) : null;
  }

  private seedVector(profile: UserProfile | null): number[] | null {
    const segments = demographicSegments(profile?.demographics);
    const model = this.model?.value;
    if (segments.length === 0 || !model?.segmentVectors) return null;
    const vectors = segments.map((segment) => model.segmentVectors![segment]).filter((v): v is number[] => v !== undefined);
    if (vectors.length === 0) return null;
    return vectors[0]!.map((_, d) => vectors.reduce((sum, v) => sum + v[d]!, 0) / vectors.length);
  }

  /** True when events await their category, the vector needs recomputing, or a refresh is running. */
  private isStale(): boolean {
    if (this.refreshing || this.meta("vector_dirty") === "1") return true;
    if (this.model && Date.now() - this.model.fetchedAt > USER_SESSION_LIMITS.modelTtlMs) return true;
    if (!this.model) return true;
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM events WHERE applied = 0 LIMIT 1`).one().n > 0 && this.lookupAllowed();
  }

  private lookupAllowed(): boolean {
    return Date.now() - this.lookupFailedAt > USER_SESSION_LIMITS.lookupRetryMs;
  }

  private async refreshWithin(budgetMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const budget = new Promise<void>((resolve) => (timer = setTimeout(resolve, budgetMs)));
    await Promise.race([this.refreshOnce().catch(() => undefined), budget]).finally(() => clearTimeout(timer ?? null));
  }

  /** Refreshes in the background shortly after events (see `refreshDelayMs`). */
  private scheduleRefresh(): void {
    if (this.refreshTimer !== null) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.ctx.waitUntil(this.refreshOnce().catch(() => undefined));
    }, USER_SESSION_LIMITS.refreshDelayMs);
  }

  /**
   * One refresh at a time; callers arriving meanwhile share it, and it runs once more when state
   * changed while it was waiting on lookups (so no event is left out of the vector).
   */
  private refreshOnce(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.refreshAgain = false;
          await this.refresh();
        } while (this.refreshAgain);
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  /**
   * Looks up the categories of items with pending events and the vectors of the fold-in window,
   * applies the pending category effects, and recomputes the session vector when anything changed.
   */
  private async refresh(): Promise<void> {
    if (!this.hasSchema) return;
    const model = await this.foldInModel();
    if (!this.hasSchema) return;
    const version = model?.modelVersion ?? "unversioned";
    const pending = this.sql
      .exec<{ item_id: string }>(`SELECT DISTINCT item_id FROM events WHERE applied = 0 LIMIT ?`, USER_SESSION_LIMITS.lookupsPerRefresh)
      .toArray()
      .map((row) => row.item_id);
    const window = this.foldInWindow();
    const missing = window
      .filter((row) => row.vector_version !== version)
      .map((row) => row.item_id);
    const ids = [...new Set([...pending, ...missing])];
    let records = new Map<string, { values: number[]; category: string }>();
    if (ids.length > 0 && this.lookupAllowed()) {
      try {
        const found = await lookUpItems(itemIndexFor(this.env), ids);
        records = new Map(ids.flatMap((id) => {
          const item = found.get(id);
          return item ? [[id, { values: item.values, category: item.category }] as const] : [];
        }));
        this.lookupFailedAt = 0;
      } catch (error) {
        this.lookupFailedAt = Date.now();
        this.logger.warn("item_lookup_failed", { error });
      }
    }
    const lookedUp = this.lookupFailedAt === 0 ? new Set(ids) : new Set<string>();
    const cachedVersion = this.cachedVector()?.modelVersion;
    const versionChanged = cachedVersion !== undefined && cachedVersion !== version;
    if (lookedUp.size === 0 && this.meta("vector_dirty") !== "1" && !versionChanged) return;
    this.ctx.storage.transactionSync(() => {
      for (const id of lookedUp) {
        const category = records.get(id)?.category ?? "";
        this.sql.exec(`UPDATE item_state SET category = ? WHERE item_id = ? AND category IS NULL`, category, id);
      }
      for (const id of pending.filter((p) => lookedUp.has(p))) this.applyPending(id);
      for (const id of missing.filter((m) => lookedUp.has(m))) {
        const values = records.get(id)?.values;
        const blob = values && (!model || values.length === model.dimensions) ? new Float32Array(values).buffer : new ArrayBuffer(0);
        this.sql.exec(
          `INSERT INTO item_vectors (item_id, model_version, vector) VALUES (?1, ?2, ?3)
           ON CONFLICT (item_id) DO UPDATE SET model_version = ?2, vector = ?3`,
          id,
          version,
          blob,
        );
        this.setMeta("vector_dirty", "1");
      }
      const cached = this.cachedVector();
      if (this.meta("vector_dirty") === "1" || (cached !== null && cached.modelVersion !== version)) {
        this.recomputeVector(model, version);
      }
    });
  }

  private applyPending(itemId: string): void {
    const category = this.itemState(itemId)?.category ?? "";
    const rows = this.sql
      .exec<{ seq: number; event_id: string; item_id: string; type: string; ts: number; request_id: string | null }>(
        `SELECT seq, event_id, item_id, type, ts, request_id FROM events WHERE item_id = ? AND applied = 0 ORDER BY seq`,
        itemId,
      )
      .toArray();
    for (const row of rows) {
      const exposure = this.exposureOf(itemId, row.request_id ?? undefined);
      const event = { event_id: row.event_id, user_id: "", item_id: row.item_id, type: row.type as EventType, ts: row.ts };
      this.applyCategoryEffects(event, category, exposure?.exploration_source ?? null);
      this.sql.exec(`UPDATE events SET applied = 1 WHERE seq = ?`, row.seq);
    }
  }

  /** The newest items with a signal, with their net weight and cached vector version. */
  private foldInWindow(): { item_id: string; net: number; vector_version: string | null; vector: ArrayBuffer | null }[] {
    return this.sql
      .exec<{ item_id: string; net: number; vector_version: string | null; vector: ArrayBuffer | null }>(
        `SELECT s.item_id AS item_id, s.positive - s.negative AS net, v.model_version AS vector_version, v.vector AS vector
         FROM item_state s LEFT JOIN item_vectors v ON v.item_id = s.item_id
         WHERE s.positive > 0 OR s.negative > 0
         ORDER BY s.last_ts DESC LIMIT ?`,
        USER_SESSION_LIMITS.foldInItems,
      )
      .toArray();
  }

  private recomputeVector(model: FoldInModel | null, version: string): void {
    const window = this.foldInWindow();
    const interactions: FoldInInteraction[] = [];
    for (const row of window) {
      if (row.vector_version !== version || !row.vector || row.vector.byteLength === 0 || row.net === 0) continue;
      interactions.push({ vector: new Float32Array(row.vector), weight: row.net });
    }
    const categoryVectors = model?.categoryVectors;
    for (const category of this.profile()?.categories ?? []) {
      const vector = categoryVectors?.[category];
      if (vector) interactions.push({ vector, weight: USER_SESSION_LIMITS.preferenceWeight });
    }
    const computed = sessionVector(interactions, model);
    this.setMeta(
      "session_vector",
      computed ? JSON.stringify({ ...computed, modelVersion: version, computedAt: Date.now(), items: interactions.length } satisfies CachedSessionVector) : "",
    );
    this.setMeta("vector_dirty", "0");
    const keep = new Set(window.map((row) => row.item_id));
    for (const row of this.sql.exec<{ item_id: string }>(`SELECT item_id FROM item_vectors`).toArray()) {
      if (!keep.has(row.item_id)) this.sql.exec(`DELETE FROM item_vectors WHERE item_id = ?`, row.item_id);
    }
  }

  private async foldInModel(): Promise<FoldInModel | null> {
    const now = Date.now();
    if (this.model && now - this.model.fetchedAt < USER_SESSION_LIMITS.modelTtlMs) return this.model.value;
    try {
      this.model = { value: await readFoldInModel(this.env.KV, this.logger), fetchedAt: now };
    } catch (error) {
      this.logger.warn("fold_in_model_read_failed", { kv_key: kvKeys.foldIn, error });
      this.model = { value: this.model?.value ?? null, fetchedAt: now };
    }
    return this.model.value;
  }

  /**
   * Bounds the stored state: the event log, event ids past the retention window and ended trending
   * windows on every append (indexed deletes); the per-item rows and the id and window caps every 64
   * events (counting them scans the table, so it is amortised).
   */
  private compact(accepted: number, now: number, trendingWindowMs: number): void {
    this.sql.exec(
      `DELETE FROM events WHERE seq <= (SELECT seq FROM events ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
      MAX_EVENTS_PER_USER,
    );
    this.sql.exec(`DELETE FROM event_ids WHERE ts < ?`, now - this.retentionMs());
    this.sql.exec(`DELETE FROM trending_credits WHERE window_start <= ?`, now - trendingWindowMs);
    const appended = Number(this.meta("appended_since_bound") ?? 0) + accepted;
    this.setMeta("appended_since_bound", String(appended >= 64 ? 0 : appended));
    if (appended < 64) return;
    const states = this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM item_state WHERE hidden = 0`).one().n;
    if (states > USER_SESSION_LIMITS.maxItemStates * 1.1) {
      this.sql.exec(
        `DELETE FROM item_state WHERE item_id IN (SELECT item_id FROM item_state WHERE hidden = 0 ORDER BY last_ts DESC LIMIT -1 OFFSET ?)`,
        USER_SESSION_LIMITS.maxItemStates,
      );
    }
    const hidden = this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM item_state WHERE hidden = 1`).one().n;
    if (hidden > USER_SESSION_LIMITS.maxHiddenItems) {
      this.sql.exec(
        `DELETE FROM item_state WHERE item_id IN (SELECT item_id FROM item_state WHERE hidden = 1 ORDER BY last_ts DESC LIMIT -1 OFFSET ?)`,
        USER_SESSION_LIMITS.maxHiddenItems,
      );
    }
    const ids = this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM event_ids`).one().n;
    if (ids > USER_SESSION_LIMITS.maxEventIds) {
      this.sql.exec(
        `DELETE FROM event_ids WHERE event_id IN (SELECT event_id FROM event_ids ORDER BY ts DESC LIMIT -1 OFFSET ?)`,
        USER_SESSION_LIMITS.maxEventIds,
      );
    }
    const windows = this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM trending_credits`).one().n;
    if (windows > USER_SESSION_LIMITS.maxTrendingCredits) {
      this.sql.exec(
        `DELETE FROM trending_credits WHERE item_id IN (SELECT item_id FROM trending_credits ORDER BY window_start DESC LIMIT -1 OFFSET ?)`,
        USER_SESSION_LIMITS.maxTrendingCredits,
      );
    }
  }

  private meta(key: string): string | null {
    return this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key).toArray()[0]?.value ?? null;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec(`INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2`, key, value);
  }

  private migrate(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    const row = this.sql
      .exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'schema_version'`)
      .toArray()[0];
    const current = row ? Number(row.value) : 0;
    for (let version = current; version < USER_SESSION_MIGRATIONS.length; version++) {
      this.sql.exec(USER_SESSION_MIGRATIONS[version]!);
      this.sql.exec(
        `INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        String(version + 1),
      );
    }
  }
}

/** Adds `amount` observed at `ts` to a value last decayed to `updated`; returns [value, new updated]. */
function decayedAdd(value: number, updated: number, amount: number, ts: number, halfLifeMs: number): [number, number] {
  if (ts >= updated) return [value * decayFactor(ts - updated, halfLifeMs) + amount, ts];
  return [value + amount * decayFactor(updated - ts, halfLifeMs), updated];
}

/** The snapshot of a user the object holds nothing about. */
function emptySnapshot(shownLimit: number): SessionSnapshot {
  return {
    recent: [],
    seen: [],
    hidden: [],
    interactionCount: 0,
    sessionVector: null,
    seedVector: null,
    arms: [],
    affinity: {},
    preferredCategories: [],
    ...(shownLimit > 0 ? { shown: [] } : {}),
  };
}

/** The state of an object that holds nothing. */
function emptyState(alarm: number | null): SessionState {
  return {
    profile: null,
    counts: { events: 0, pendingEvents: 0, items: 0, hidden: 0, exposures: 0, cachedVectors: 0, eventIds: 0 },
    affinity: {},
    arms: [],
    sessionVector: null,
    seedVector: null,
    retention: { lastActivity: null, deleteAfter: null, alarm },
    recent: [],
  };
}
