/**
 * SQLite schema of the UserSession Durable Object, as ordered migrations. Each object records the
 * schema version it is at in `meta`; on start-up it applies the migrations it has not seen.
 *
 * Tables:
 * - `events`: the user's raw interaction log (bounded; oldest compacted into `item_state`).
 * - `item_state`: one row per item the user touched: counts, signal strength, hidden flag.
 * - `meta`: key/value (schema version, user id).
 * Later issues add tables (bandit arms, category affinity, folded-in vector) as new migrations.
 */

/** Migrations in order; never edit a released one, append a new one. */
export const USER_SESSION_MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     event_id TEXT NOT NULL UNIQUE,
     item_id TEXT NOT NULL,
     type TEXT NOT NULL,
     value REAL,
     ts INTEGER NOT NULL,
     request_id TEXT,
     position INTEGER,
     surface TEXT,
     device TEXT
   );
   CREATE INDEX events_ts ON events (ts);
   CREATE TABLE item_state (
     item_id TEXT PRIMARY KEY,
     first_ts INTEGER NOT NULL,
     last_ts INTEGER NOT NULL,
     impressions INTEGER NOT NULL DEFAULT 0,
     interactions INTEGER NOT NULL DEFAULT 0,
     positive REAL NOT NULL DEFAULT 0,
     negative REAL NOT NULL DEFAULT 0,
     hidden INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX item_state_last_ts ON item_state (last_ts);`,
];
