/**
 * SQLite schema of the UserSession Durable Object, as ordered migrations. Each object records the
 * schema version it is at in `meta`; on start-up it applies the migrations it has not seen.
 *
 * Tables:
 * - `events`: the user's raw interaction log (bounded; oldest compacted into `item_state`).
 * - `item_state`: one row per item the user touched: counts, signal strength, hidden flag.
 * - `meta`: key/value (schema version, last activity, profile, cached session vector).
 * Added in version 2 (real time):
 * - `events.applied`: 0 while the item's category is unknown, so its category-level effects
 *   (affinity, bandit arms) wait until the category is looked up in the vector index.
 * - `item_state.category`, `.credited_trials`, `.rewarded`: the item's category (NULL = not looked
 *   up yet, '' = unknown) and what this item has already contributed to the bandit arms.
 * - `category_affinity`: time-decayed Σ event weight per category (negative = disliked).
 * - `bandit_arms`: time-decayed successes and trials per arm (`category:<c>`, `source:<s>`).
 * - `exposures`: what the edge served (item, position, source, category), bounded: it lets an
 *   impression or click be credited to the category and exploration source it was served under.
 * - `item_vectors`: trained vectors of the items in the fold-in window (empty = not in the index).
 * Added in version 3 (event integrity):
 * - `event_ids`: every stored event id with its `ts`, kept for the retention window (pruned by age,
 *   capped per user) so idempotency outlives the trimmed `events` table; backfilled from `events`.
 * - `trending_credits`: per item, the trending window this user opened (server clock) and the
 *   weight already counted in it (shared/events/trending-credit.ts); pruned once the window ends.
 * - `exposures.clicked`, `.converted`: whether this served item already credited a click or a
 *   conversion to the user's A/B arms (one each per exposure).
 * Version 4 (request cost): the exposures table's item and time indexes are dropped — the bounded
 *   table is scanned for the rare lookups by item or time instead of writing three B-trees per row.
 * Version 5 (request cost, memory): `exposures` holds one row per response — `request_id`, `ts`, `n`
 *   (items served) and `items` (JSON `[[item_id, source, category, exploration_source], …]` in
 *   position order; shared/session/served-items.ts) — bounded in served items, pruned oldest
 *   response first; `exposure_credits` (request_id, item_id, credit ∈ clicked | converted) records
 *   each served item's A/B credit once.
 *
 * The schema is created on the first write, never on a read: an object that is only read (a
 * request for a user id with no state) stores nothing.
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
  `ALTER TABLE events ADD COLUMN applied INTEGER NOT NULL DEFAULT 1;
   CREATE INDEX events_pending ON events (item_id) WHERE applied = 0;
   ALTER TABLE item_state ADD COLUMN category TEXT;
   ALTER TABLE item_state ADD COLUMN credited_trials INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE item_state ADD COLUMN rewarded INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE category_affinity (
     category TEXT PRIMARY KEY,
     score REAL NOT NULL,
     updated_ts INTEGER NOT NULL
   );
   CREATE TABLE bandit_arms (
     arm TEXT PRIMARY KEY,
     successes REAL NOT NULL,
     trials REAL NOT NULL,
     updated_ts INTEGER NOT NULL
   );
   CREATE TABLE exposures (
     request_id TEXT NOT NULL,
     item_id TEXT NOT NULL,
     position INTEGER NOT NULL,
     source TEXT NOT NULL,
     category TEXT,
     exploration_source TEXT,
     ts INTEGER NOT NULL,
     PRIMARY KEY (request_id, item_id)
   );
   CREATE INDEX exposures_item ON exposures (item_id, ts);
   CREATE INDEX exposures_ts ON exposures (ts);
   CREATE TABLE item_vectors (
     item_id TEXT PRIMARY KEY,
     model_version TEXT NOT NULL,
     vector BLOB NOT NULL
   );`,
  `CREATE TABLE event_ids (
     event_id TEXT PRIMARY KEY,
     ts INTEGER NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX event_ids_ts ON event_ids (ts);
   INSERT OR IGNORE INTO event_ids (event_id, ts) SELECT event_id, ts FROM events;
   CREATE TABLE trending_credits (
     item_id TEXT PRIMARY KEY,
     window_start INTEGER NOT NULL,
     weight REAL NOT NULL
   );
   CREATE INDEX trending_credits_window ON trending_credits (window_start);
   ALTER TABLE exposures ADD COLUMN clicked INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE exposures ADD COLUMN converted INTEGER NOT NULL DEFAULT 0;`,
  // Every recommendation inserts ~10 exposure rows; each secondary index made each insert write
  // pages all over its B-tree (the item index: one leaf per served item). The table is bounded
  // (≤ maxExposures + slack rows), so the rare item and time lookups scan it instead, and the prune
  // walks rowids (insertion order).
  `DROP INDEX IF EXISTS exposures_item;
   DROP INDEX IF EXISTS exposures_ts;`,
  // One row per response instead of one per served item (shared/session/served-items.ts), and the
  // A/B credits (written only when an event credits a served item) in a table of their own.
  `ALTER TABLE exposures RENAME TO exposures_by_item;
   CREATE TABLE exposures (
     request_id TEXT NOT NULL UNIQUE,
     ts INTEGER NOT NULL,
     n INTEGER NOT NULL,
     items TEXT NOT NULL
   );
   INSERT INTO exposures (request_id, ts, n, items)
     SELECT request_id, max(ts), count(*), json_group_array(json_array(item_id, source, category, exploration_source))
     FROM (SELECT rowid AS rid, * FROM exposures_by_item ORDER BY request_id, position)
     GROUP BY request_id
     ORDER BY min(rid);
   CREATE TABLE exposure_credits (
     request_id TEXT NOT NULL,
     item_id TEXT NOT NULL,
     credit TEXT NOT NULL,
     PRIMARY KEY (request_id, item_id, credit)
   ) WITHOUT ROWID;
   INSERT INTO exposure_credits (request_id, item_id, credit)
     SELECT request_id, item_id, 'clicked' FROM exposures_by_item WHERE clicked = 1
     UNION ALL SELECT request_id, item_id, 'converted' FROM exposures_by_item WHERE converted = 1;
   DROP TABLE exposures_by_item;`,
];
