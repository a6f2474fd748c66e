/**
 * UserSession: one Durable Object per user, holding the user's live session state in SQLite.
 * Every request for the user goes through it, so an event posted now is visible to the very next
 * recommendation request (Durable Object storage is strongly consistent).
 */
import { DurableObject } from "cloudflare:workers";
import { eventWeight } from "../shared/events/event-weight";
import type { EventType, InteractionEvent } from "../shared/events/interaction-event";
import { USER_SESSION_MIGRATIONS } from "./user-session-schema";

/** Events kept per user before the oldest are compacted away (their effect stays in item_state). */
export const MAX_EVENTS_PER_USER = 2000;

/** An event as accepted by the edge: `ts` is always set. */
export type SessionEvent = InteractionEvent & { ts: number };

/** Result of appending a batch of events. */
export interface AppendResult {
  /** event_ids stored now. */
  accepted: string[];
  /** event_ids already stored before (replays); they change nothing. */
  duplicates: string[];
}

/** One recent interaction. */
export interface RecentInteraction {
  itemId: string;
  type: EventType;
  ts: number;
  value: number | null;
}

/** What the edge reads from the session for one recommendation request. */
export interface SessionSnapshot {
  /** Most recent interactions, newest first (impressions excluded). */
  recent: RecentInteraction[];
  /** Items the user interacted with (positively or not), newest first. */
  seen: string[];
  /** Items the user hid or marked not interested: never shown again. */
  hidden: string[];
  /** Number of stored non-impression events. */
  interactionCount: number;
}

/** Options of {@link UserSession.snapshot}. */
export interface SnapshotOptions {
  recentLimit?: number;
  seenLimit?: number;
}

const NEGATIVE_HIDE: ReadonlySet<EventType> = new Set(["not_interested", "hide"]);

/** Per-user session state with typed RPC methods. */
export class UserSession extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    ctx.blockConcurrencyWhile(async () => this.migrate());
  }

  /**
   * Stores events (all for this user), idempotently by `event_id`, and updates per-item state.
   * @example await env.USER_SESSION.getByName(userId).appendEvents(events)
   */
  async appendEvents(events: SessionEvent[]): Promise<AppendResult> {
    const result: AppendResult = { accepted: [], duplicates: [] };
    this.ctx.storage.transactionSync(() => {
      for (const event of events) {
        const inserted = this.sql
          .exec<{ seq: number }>(
            `INSERT INTO events (event_id, item_id, type, value, ts, request_id, position, surface, device)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING RETURNING seq`,
            event.event_id,
            event.item_id,
            event.type,
            event.value ?? null,
            event.ts,
            event.request_id ?? null,
            event.position ?? null,
            event.context?.surface ?? null,
            event.context?.device ?? null,
          )
          .toArray().length;
        if (inserted === 0) {
          result.duplicates.push(event.event_id);
          continue;
        }
        result.accepted.push(event.event_id);
        this.applyToItemState(event);
      }
      if (result.accepted.length > 0) this.compact();
    });
    return result;
  }

  /** The session as the recommendation funnel needs it. */
  async snapshot(options: SnapshotOptions = {}): Promise<SessionSnapshot> {
    const { recentLimit, seenLimit } = { recentLimit: 20, seenLimit: 500, ...options };
    const recent = this.sql
      .exec<{ item_id: string; type: string; ts: number; value: number | null }>(
        `SELECT item_id, type, ts, value FROM events WHERE type != 'impression' ORDER BY ts DESC, seq DESC LIMIT ?`,
        recentLimit,
      )
      .toArray()
      .map((row) => ({ itemId: row.item_id, type: row.type as EventType, ts: row.ts, value: row.value }));
    const seen = this.sql
      .exec<{ item_id: string }>(
        `SELECT item_id FROM item_state WHERE interactions > 0 ORDER BY last_ts DESC LIMIT ?`,
        seenLimit,
      )
      .toArray()
      .map((row) => row.item_id);
    const hidden = this.sql
      .exec<{ item_id: string }>(`SELECT item_id FROM item_state WHERE hidden = 1 ORDER BY last_ts DESC`)
      .toArray()
      .map((row) => row.item_id);
    const interactionCount = this.sql
      .exec<{ n: number }>(`SELECT count(*) AS n FROM events WHERE type != 'impression'`)
      .one().n;
    return { recent, seen, hidden, interactionCount };
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

  private compact(): void {
    this.sql.exec(
      `DELETE FROM events WHERE seq <= (SELECT seq FROM events ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
      MAX_EVENTS_PER_USER,
    );
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
