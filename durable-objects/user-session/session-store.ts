/**
 * The UserSession object's SQL: every statement it runs against its own SQLite storage, as typed
 * reads and writes of plain rows (schema in ../user-session-schema.ts). No decisions are made here —
 * what to write is decided by the pure modules in shared/session/; this file only says how rows
 * are stored and read.
 */
import type { EventType } from "../../shared/events/interaction-event";
import type { TrendingCreditWindow } from "../../shared/events/trending-credit";
import type { AffinityRow, ArmRow } from "../../shared/session/decayed-evidence";
import type { ExposureCreditColumn } from "../../shared/session/exposure-credit";
import { newestServed, packServedItems, pruneCutoff, servedItem } from "../../shared/session/served-items";
import type { FoldInWindowRow } from "../../shared/session/fold-in-window";
import type { ItemStateDelta } from "../../shared/session/item-state-delta";
import type { StoredInspection } from "../../shared/session/session-inspection";
import type { StoredSession } from "../../shared/session/session-snapshot";
import type { CachedSessionVector, Exposure, RecentInteraction, SessionEvent, UserProfile } from "../../shared/session/session-contract";
import { USER_SESSION_MIGRATIONS } from "../user-session-schema";

/** The `item_state` columns the event path reads. */
export type ItemStateRow = {
  impressions: number;
  positive: number;
  negative: number;
  /** NULL = not looked up yet, '' = not in the index. */
  category: string | null;
  credited_trials: number;
  rewarded: number;
};

/** What an event needs from the exposure it refers to. */
export type ExposureRow = {
  category: string | null;
  exploration_source: string | null;
};

/** An event whose category effects wait for its item's category. */
export type PendingEventRow = {
  seq: number;
  event_id: string;
  item_id: string;
  type: EventType;
  /** The event's `value` (stars, dwell ms, share watched), null when it had none. */
  value: number | null;
  ts: number;
  request_id: string | null;
};

/** What decides whether the session vector must be refreshed before a read. */
export interface SessionStaleness {
  vectorDirty: boolean;
  pendingEvents: boolean;
}

/** Keys of the `meta` table. */
type MetaKey = "schema_version" | "last_activity" | "profile" | "session_vector" | "vector_dirty" | "appended_since_bound";

/**
 * Deletes the oldest responses, up to rowid ?1 (shared/session/served-items.ts `pruneCutoff` finds
 * it by walking the table's own B-tree backwards): rows are only ever appended, so rowid order is
 * the order they were served in — a range delete, no index, no sort.
 */
export const PRUNE_EXPOSURES_SQL = `DELETE FROM exposures WHERE rowid <= ? RETURNING n`;

/** Typed access to one UserSession object's tables. */
/** (item, category) pairs per UPDATE: 2 bound parameters each. */
const CATEGORY_ROWS_PER_STATEMENT = 50;

export class SessionStore {
  constructor(private readonly sql: SqlStorage) {}

  /** True once the first write created the tables (a read never does). */
  hasTables(): boolean {
    return this.sql.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'`).toArray().length > 0;
  }

  /** Applies the migrations this object has not seen yet. */
  migrate(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
    const current = Number(this.meta("schema_version") ?? 0);
    for (let version = current; version < USER_SESSION_MIGRATIONS.length; version++) {
      this.sql.exec(USER_SESSION_MIGRATIONS[version]!);
      this.setMeta("schema_version", String(version + 1));
    }
  }

  meta(key: MetaKey): string | null {
    return this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key).toArray()[0]?.value ?? null;
  }

  setMeta(key: MetaKey, value: string): void {
    this.sql.exec(`INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2`, key, value);
  }

  profile(): UserProfile | null {
    return parseJson<UserProfile>(this.meta("profile"));
  }

  cachedVector(): CachedSessionVector | null {
    return parseJson<CachedSessionVector>(this.meta("session_vector"));
  }

  /** Whether the vector is marked dirty and whether events await their category (one statement). */
  staleness(): SessionStaleness {
    const row = this.sql
      .exec<{ dirty: string | null; pending: number }>(
        `SELECT (SELECT value FROM meta WHERE key = 'vector_dirty') AS dirty, EXISTS (SELECT 1 FROM events WHERE applied = 0) AS pending`,
      )
      .one();
    return { vectorDirty: row.dirty === "1", pendingEvents: row.pending === 1 };
  }

  /** The stored parts of a snapshot (seven statements). */
  storedSession(recentLimit: number, seenLimit: number): StoredSession {
    const meta = new Map(
      this.sql
        .exec<{ key: string; value: string }>(`SELECT key, value FROM meta WHERE key IN ('profile', 'session_vector')`)
        .toArray()
        .map((row) => [row.key, row.value]),
    );
    return {
      seen: this.itemIds(`SELECT item_id FROM item_state WHERE interactions > 0 ORDER BY last_ts DESC LIMIT ?`, seenLimit),
      hidden: this.itemIds(`SELECT item_id FROM item_state WHERE hidden = 1 ORDER BY last_ts DESC`),
      interactionCount: this.count(`SELECT count(*) AS n FROM events WHERE type != 'impression'`),
      recent: this.recent(recentLimit),
      profile: parseJson<UserProfile>(meta.get("profile") ?? null),
      sessionVector: parseJson<CachedSessionVector>(meta.get("session_vector") ?? null),
      arms: this.armRows(),
      affinity: this.affinityRows(),
    };
  }

  /** What `inspect()` shows, counts included. */
  inspection(): StoredInspection {
    const lastActivity = this.meta("last_activity");
    return {
      profile: this.profile(),
      counts: {
        events: this.count(`SELECT count(*) AS n FROM events`),
        pendingEvents: this.count(`SELECT count(*) AS n FROM events WHERE applied = 0`),
        items: this.count(`SELECT count(*) AS n FROM item_state`),
        hidden: this.count(`SELECT count(*) AS n FROM item_state WHERE hidden = 1`),
        exposures: this.exposureCount(),
        cachedVectors: this.count(`SELECT count(*) AS n FROM item_vectors`),
        eventIds: this.count(`SELECT count(*) AS n FROM event_ids`),
      },
      arms: this.armRows(),
      affinity: this.affinityRows(),
      sessionVector: this.cachedVector(),
      recent: this.recent(20),
      lastActivity: lastActivity === null ? null : Number(lastActivity),
    };
  }

  /** Distinct items already served, newest response first, each where it was last served (in position order). */
  shown(limit: number): string[] {
    return newestServed(this.sql.exec<{ items: string }>(`SELECT items FROM exposures ORDER BY rowid DESC`), limit);
  }

  // Events.

  /** Records an event id; false when this user already stored it (a replay). */
  claimEventId(eventId: string, ts: number): boolean {
    return (
      this.sql
        .exec(`INSERT INTO event_ids (event_id, ts) VALUES (?, ?) ON CONFLICT (event_id) DO NOTHING RETURNING 1`, eventId, ts)
        .toArray().length > 0
    );
  }

  /** Stores an event (`applied` false: its category effects wait); false when already stored. */
  insertEvent(event: SessionEvent, applied: boolean): boolean {
    return (
      this.sql
        .exec(
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
          applied ? 1 : 0,
        )
        .toArray().length > 0
    );
  }

  pendingItems(limit: number): string[] {
    return this.itemIds(`SELECT DISTINCT item_id FROM events WHERE applied = 0 LIMIT ?`, limit);
  }

  pendingEventsOf(itemId: string): PendingEventRow[] {
    return this.sql
      .exec<PendingEventRow>(
        `SELECT seq, event_id, item_id, type, value, ts, request_id FROM events WHERE item_id = ? AND applied = 0 ORDER BY seq`,
        itemId,
      )
      .toArray();
  }

  markApplied(seq: number): void {
    this.sql.exec(`UPDATE events SET applied = 1 WHERE seq = ?`, seq);
  }

  // Items.

  itemState(itemId: string): ItemStateRow | undefined {
    return this.sql
      .exec<ItemStateRow>(
        `SELECT impressions, positive, negative, category, credited_trials, rewarded FROM item_state WHERE item_id = ?`,
        itemId,
      )
      .toArray()[0];
  }

  /** Adds an event's delta to its item's row (creating it), keeping first/last `ts` and `hidden` for good. */
  addToItemState(itemId: string, ts: number, delta: ItemStateDelta): void {
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
      itemId,
      ts,
      delta.impressions,
      delta.interactions,
      delta.positive,
      delta.negative,
      delta.hidden,
    );
  }

  /** Sets an item's category if it has none yet (NULL). */
  setItemCategory(itemId: string, category: string): void {
    this.sql.exec(`UPDATE item_state SET category = ? WHERE item_id = ? AND category IS NULL`, category, itemId);
  }

  /** Adds to what the item credited to the arms. */
  creditItem(itemId: string, trials: number, successes: number): void {
    this.sql.exec(
      `UPDATE item_state SET credited_trials = credited_trials + ?, rewarded = max(rewarded, ?) WHERE item_id = ?`,
      trials,
      successes,
      itemId,
    );
  }

  // Affinity and arms.

  affinityRow(category: string): AffinityRow | undefined {
    return this.sql
      .exec<AffinityRow>(`SELECT category, score, updated_ts FROM category_affinity WHERE category = ?`, category)
      .toArray()[0];
  }

  saveAffinity(row: AffinityRow): void {
    this.sql.exec(
      `INSERT INTO category_affinity (category, score, updated_ts) VALUES (?1, ?2, ?3) ON CONFLICT (category) DO UPDATE SET score = ?2, updated_ts = ?3`,
      row.category,
      row.score,
      row.updated_ts,
    );
  }

  armRow(arm: string): ArmRow | undefined {
    return this.sql.exec<ArmRow>(`SELECT arm, successes, trials, updated_ts FROM bandit_arms WHERE arm = ?`, arm).toArray()[0];
  }

  saveArm(row: ArmRow): void {
    this.sql.exec(
      `INSERT INTO bandit_arms (arm, successes, trials, updated_ts) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (arm) DO UPDATE SET successes = ?2, trials = ?3, updated_ts = ?4`,
      row.arm,
      row.successes,
      row.trials,
      row.updated_ts,
    );
  }

  // Trending credit.

  trendingWindow(itemId: string): TrendingCreditWindow | undefined {
    const row = this.sql
      .exec<{ window_start: number; weight: number }>(`SELECT window_start, weight FROM trending_credits WHERE item_id = ?`, itemId)
      .toArray()[0];
    return row && { windowStart: row.window_start, weight: row.weight };
  }

  saveTrendingWindow(itemId: string, window: TrendingCreditWindow): void {
    this.sql.exec(
      `INSERT INTO trending_credits (item_id, window_start, weight) VALUES (?1, ?2, ?3) ON CONFLICT (item_id) DO UPDATE SET window_start = ?2, weight = ?3`,
      itemId,
      window.windowStart,
      window.weight,
    );
  }

  // Exposures.

  /** The exposure an event refers to: the one of its request when known, else the latest. */
  exposureOf(itemId: string, requestId: string | null | undefined): ExposureRow | undefined {
    if (requestId) {
      const row = this.sql.exec<{ items: string }>(`SELECT items FROM exposures WHERE request_id = ?`, requestId).toArray()[0];
      const exact = row ? servedItem(row.items, itemId) : undefined;
      if (exact) return exact;
    }
    const latest = this.sql
      .exec<{ items: string }>(
        `SELECT exposures.items FROM exposures, json_each(exposures.items) AS served
         WHERE json_extract(served.value, '$[0]') = ? ORDER BY exposures.rowid DESC LIMIT 1`,
        itemId,
      )
      .toArray()[0];
    return latest ? servedItem(latest.items, itemId) : undefined;
  }

  /** Marks the served item's A/B credit `column`; false when it was not served in that request or already credited. */
  markExposureCredited(column: ExposureCreditColumn, requestId: string, itemId: string): boolean {
    const row = this.sql.exec<{ items: string }>(`SELECT items FROM exposures WHERE request_id = ?`, requestId).toArray()[0];
    if (!row || !servedItem(row.items, itemId)) return false;
    return (
      this.sql
        .exec(
          `INSERT INTO exposure_credits (request_id, item_id, credit) VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING 1`,
          requestId,
          itemId,
          column,
        )
        .toArray().length > 0
    );
  }

  /**
   * Stores what one response served as one row (a replayed request id adds nothing), then the
   * category of any served item whose state is still waiting for it.
   */
  insertExposures(requestId: string, items: readonly Exposure[], ts: number): void {
    if (items.length === 0) return;
    this.sql.exec(
      `INSERT INTO exposures (request_id, ts, n, items) VALUES (?, ?, ?, ?) ON CONFLICT (request_id) DO NOTHING`,
      requestId,
      ts,
      items.length,
      packServedItems(items),
    );
    const categorised = items.filter((item) => item.category);
    for (let start = 0; start < categorised.length; start += CATEGORY_ROWS_PER_STATEMENT) {
      const chunk = categorised.slice(start, start + CATEGORY_ROWS_PER_STATEMENT);
      this.sql.exec(
        `UPDATE item_state SET category = served.category
         FROM (SELECT column1 AS item_id, column2 AS category FROM (VALUES ${chunk.map(() => "(?, ?)").join(", ")})) AS served
         WHERE item_state.item_id = served.item_id AND item_state.category IS NULL`,
        ...chunk.flatMap((item) => [item.itemId, item.category!]),
      );
    }
  }

  /** Served items held (the sum over responses). */
  exposureCount(): number {
    return this.count(`SELECT coalesce(sum(n), 0) AS n FROM exposures`);
  }

  /**
   * Deletes the oldest responses until the newest hold at most `bound` items, and the credits of the
   * deleted ones; returns how many items went.
   */
  pruneExposures(bound: number): number {
    const rows = this.sql.exec<{ id: number; n: number }>(`SELECT rowid AS id, n FROM exposures ORDER BY rowid DESC`).toArray();
    const cutoff = pruneCutoff(rows, bound);
    if (cutoff === null) return 0;
    const deleted = this.sql
      .exec<{ n: number }>(PRUNE_EXPOSURES_SQL, cutoff)
      .toArray()
      .reduce((sum, row) => sum + row.n, 0);
    this.sql.exec(`DELETE FROM exposure_credits WHERE request_id NOT IN (SELECT request_id FROM exposures)`);
    return deleted;
  }

  lastExposureTs(): number | null {
    return this.sql.exec<{ ts: number | null }>(`SELECT max(ts) AS ts FROM exposures`).one().ts;
  }

  // Fold-in.

  /** The newest items with a signal, with their net weight and cached vector. */
  foldInWindow(limit: number): FoldInWindowRow[] {
    return this.sql
      .exec<FoldInWindowRow>(
        `SELECT s.item_id AS item_id, s.positive - s.negative AS net, v.model_version AS vector_version, v.vector AS vector
         FROM item_state s LEFT JOIN item_vectors v ON v.item_id = s.item_id
         WHERE s.positive > 0 OR s.negative > 0
         ORDER BY s.last_ts DESC LIMIT ?`,
        limit,
      )
      .toArray();
  }

  saveItemVector(itemId: string, version: string, vector: ArrayBuffer): void {
    this.sql.exec(
      `INSERT INTO item_vectors (item_id, model_version, vector) VALUES (?1, ?2, ?3) ON CONFLICT (item_id) DO UPDATE SET model_version = ?2, vector = ?3`,
      itemId,
      version,
      vector,
    );
  }

  /** Drops cached item vectors of items no longer in the fold-in window. */
  keepItemVectors(keep: ReadonlySet<string>): void {
    for (const itemId of this.itemIds(`SELECT item_id FROM item_vectors`)) {
      if (!keep.has(itemId)) this.sql.exec(`DELETE FROM item_vectors WHERE item_id = ?`, itemId);
    }
  }

  // Bounds.

  /** Keeps the newest `max` events. */
  trimEvents(max: number): void {
    this.sql.exec(`DELETE FROM events WHERE seq <= (SELECT seq FROM events ORDER BY seq DESC LIMIT 1 OFFSET ?)`, max);
  }

  /** Forgets event ids stamped before `before` and trending windows opened at or before `windowsBefore`. */
  dropExpired(before: number, windowsBefore: number): void {
    this.sql.exec(`DELETE FROM event_ids WHERE ts < ?`, before);
    this.sql.exec(`DELETE FROM trending_credits WHERE window_start <= ?`, windowsBefore);
  }

  /** Row counts of the tables bounded by count. */
  boundedCounts(): { items: number; hidden: number; eventIds: number; trendingCredits: number } {
    return {
      items: this.count(`SELECT count(*) AS n FROM item_state WHERE hidden = 0`),
      hidden: this.count(`SELECT count(*) AS n FROM item_state WHERE hidden = 1`),
      eventIds: this.count(`SELECT count(*) AS n FROM event_ids`),
      trendingCredits: this.count(`SELECT count(*) AS n FROM trending_credits`),
    };
  }

  /** Keeps the `keep` most recently touched non-hidden (or hidden) item rows. */
  pruneItemStates(hidden: boolean, keep: number): void {
    this.sql.exec(
      `DELETE FROM item_state WHERE item_id IN (SELECT item_id FROM item_state WHERE hidden = ? ORDER BY last_ts DESC LIMIT -1 OFFSET ?)`,
      hidden ? 1 : 0,
      keep,
    );
  }

  /** Keeps the `keep` newest event ids. */
  pruneEventIds(keep: number): void {
    this.sql.exec(`DELETE FROM event_ids WHERE event_id IN (SELECT event_id FROM event_ids ORDER BY ts DESC LIMIT -1 OFFSET ?)`, keep);
  }

  /** Keeps the `keep` most recently opened trending windows. */
  pruneTrendingCredits(keep: number): void {
    this.sql.exec(
      `DELETE FROM trending_credits WHERE item_id IN (SELECT item_id FROM trending_credits ORDER BY window_start DESC LIMIT -1 OFFSET ?)`,
      keep,
    );
  }

  private recent(limit: number): RecentInteraction[] {
    return this.sql
      .exec<{ item_id: string; type: EventType; ts: number; value: number | null }>(
        `SELECT item_id, type, ts, value FROM events WHERE type != 'impression' ORDER BY ts DESC, seq DESC LIMIT ?`,
        limit,
      )
      .toArray()
      .map((row) => ({ itemId: row.item_id, type: row.type, ts: row.ts, value: row.value }));
  }

  private armRows(): ArmRow[] {
    return this.sql.exec<ArmRow>(`SELECT arm, successes, trials, updated_ts FROM bandit_arms ORDER BY arm`).toArray();
  }

  private affinityRows(): AffinityRow[] {
    return this.sql.exec<AffinityRow>(`SELECT category, score, updated_ts FROM category_affinity ORDER BY category`).toArray();
  }

  private itemIds(query: string, ...bindings: number[]): string[] {
    return this.sql
      .exec<{ item_id: string }>(query, ...bindings)
      .toArray()
      .map((row) => row.item_id);
  }

  private count(query: string): number {
    return this.sql.exec<{ n: number }>(query).one().n;
  }
}

function parseJson<T>(raw: string | null): T | null {
  return raw ? (JSON.parse(raw) as T) : null;
}
