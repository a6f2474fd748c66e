/**
 * TrendingShard: time-decayed engagement counters for the items whose id hashes to this shard
 * (TRENDING_SHARDS objects in all, so no single object takes every event). Each positive event
 * adds its weight; counts decay with a half-life by forward decay (a weight observed at t is
 * stored as w·2^((t − epoch)/halfLife), so ranking never needs to rewrite old rows). An alarm
 * flushes the shard's top items — overall and per category, with the item metadata the edge
 * needs, looked up in the vector index — to the TrendingAggregator, which merges all shards
 * into the KV lists the edge reads.
 *
 * The shard counts what it is given: the events route hands it only each user's credited weight
 * (one count per user × item per TRENDING_USER_WINDOW_HOURS, shared/events/trending-credit.ts) for
 * events inside the accepted time window. As a last guard an entry's time is never taken as later
 * than the shard's clock, so no future-stamped entry can outweigh an entry of now.
 */
import { DurableObject } from "cloudflare:workers";
import type { PopularItem } from "../shared/artifacts/kv-keys";
import { decayFactor } from "../shared/realtime/decay-factor";
import type { TrendingEntry } from "../shared/realtime/trending-entry";
import { TRENDING_AGGREGATOR_NAME, trendingConfigFor } from "../workers/config/trending-config";
import { createLogger, type Logger, logLevelFrom } from "../workers/logger/logger";
import { categoryOf, type ItemLookup, itemIndexFor, lookUpItems } from "../workers/vector-index/item-lookup";

/** What a shard reports to the aggregator: its top items with scores decayed to `generatedAt`. */
export interface TrendingPartial {
  shard: string;
  generatedAt: number;
  all: PopularItem[];
  byCategory: Record<string, PopularItem[]>;
}

/** Limits of one shard. */
export const TRENDING_SHARD_LIMITS = {
  /** Items ranked per flush (the rest are still counted). */
  trackedItems: 1000,
  /** Metadata lookups per flush. */
  lookupsPerFlush: 200,
  /** Counts decayed below this are deleted. */
  minScore: 0.01,
  /** Rebase the forward-decay epoch after this many half-lives (keeps numbers finite). */
  rebaseHalfLives: 32,
  /** Blocked items remembered. */
  maxBlocked: 10_000,
} as const;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS counts (item_id TEXT PRIMARY KEY, score REAL NOT NULL, events INTEGER NOT NULL, last_ts INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS counts_score ON counts (score);
  CREATE TABLE IF NOT EXISTS items (
    item_id TEXT PRIMARY KEY,
    found INTEGER NOT NULL,
    category TEXT NOT NULL,
    popularity REAL,
    released_at INTEGER,
    sponsored INTEGER
  );
  CREATE TABLE IF NOT EXISTS blocked (item_id TEXT PRIMARY KEY, ts INTEGER NOT NULL);`;

type RankedRow = {
  item_id: string;
  score: number;
  found: number | null;
  category: string | null;
  popularity: number | null;
  released_at: number | null;
  sponsored: number | null;
};

/** Sharded decayed counters with typed RPC methods. */
export class TrendingShard extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly logger: Logger;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.logger = createLogger({ object: "TrendingShard" }, { level: logLevelFrom(env.LOG_LEVEL) });
    ctx.blockConcurrencyWhile(async () => this.sql.exec(SCHEMA));
  }

  /**
   * Adds engagements (items of this shard) and makes sure a flush is scheduled.
   * @example await env.TRENDING_SHARD.getByName("shard-3").record([{ itemId, weight: 1, ts }])
   */
  async record(entries: TrendingEntry[]): Promise<{ recorded: number }> {
    const { halfLifeMs, flushMs } = trendingConfigFor(this.env);
    let recorded = 0;
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      const epoch = this.epoch();
      for (const entry of entries) {
        if (!(entry.weight > 0) || this.isBlocked(entry.itemId)) continue;
        const ts = Math.min(entry.ts, now);
        this.sql.exec(
          `INSERT INTO counts (item_id, score, events, last_ts) VALUES (?1, ?2, 1, ?3)
           ON CONFLICT (item_id) DO UPDATE SET score = score + ?2, events = events + 1, last_ts = max(last_ts, ?3)`,
          entry.itemId,
          entry.weight * decayFactor(epoch - ts, halfLifeMs),
          ts,
        );
        recorded++;
      }
      if (recorded > 0) this.setMeta("dirty", "1");
    });
    if (recorded > 0 && (await this.ctx.storage.getAlarm()) === null) {
      await this.ctx.storage.setAlarm(Date.now() + flushMs);
    }
    return { recorded };
  }

  /** Flush by alarm: report the top lists to the aggregator. */
  override async alarm(): Promise<void> {
    await this.flush();
  }

  /** Builds this shard's partial lists and hands them to the aggregator; returns them. */
  async flush(): Promise<TrendingPartial> {
    const config = trendingConfigFor(this.env);
    const now = Date.now();
    this.rebaseIfDue(now, config.halfLifeMs);
    const epoch = this.epoch();
    this.sql.exec(`DELETE FROM counts WHERE score < ?`, TRENDING_SHARD_LIMITS.minScore / decayFactor(now - epoch, config.halfLifeMs));
    await this.lookUpMissing();
    const toNow = decayFactor(now - epoch, config.halfLifeMs);
    const ranked = this.sql
      .exec<RankedRow>(
        `SELECT c.item_id AS item_id, c.score AS score, i.found AS found, i.category AS category,
                i.popularity AS popularity, i.released_at AS released_at, i.sponsored AS sponsored
         FROM counts c LEFT JOIN items i ON i.item_id = c.item_id
         ORDER BY c.score DESC, c.item_id LIMIT ?`,
        TRENDING_SHARD_LIMITS.trackedItems,
      )
      .toArray()
      .filter((row) => row.found === 1);
    const items = ranked.map((row) => toPopularItem(row, toNow));
    const byCategory: Record<string, PopularItem[]> = {};
    for (const item of items) {
      const list = byCategory[item.category] ?? [];
      byCategory[item.category] = list;
      if (list.length < config.categorySize) list.push(item);
    }
    const partial: TrendingPartial = {
      shard: this.ctx.id.name ?? this.ctx.id.toString(),
      generatedAt: now,
      all: items.slice(0, config.listSize),
      byCategory,
    };
    await this.env.TRENDING_AGGREGATOR.getByName(TRENDING_AGGREGATOR_NAME).submit(partial);
    this.setMeta("dirty", "0");
    return partial;
  }

  /** Stops counting an item (removed from the catalogue) and forgets its counts. */
  async block(itemId: string): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(`DELETE FROM counts WHERE item_id = ?`, itemId);
      this.sql.exec(`DELETE FROM items WHERE item_id = ?`, itemId);
      this.sql.exec(`INSERT INTO blocked (item_id, ts) VALUES (?, ?) ON CONFLICT (item_id) DO NOTHING`, itemId, Date.now());
      this.sql.exec(
        `DELETE FROM blocked WHERE item_id IN (SELECT item_id FROM blocked ORDER BY ts DESC LIMIT -1 OFFSET ?)`,
        TRENDING_SHARD_LIMITS.maxBlocked,
      );
    });
  }

  /** Counts an item again (re-added to the catalogue) and forgets its cached metadata. */
  async unblock(itemId: string): Promise<void> {
    this.sql.exec(`DELETE FROM blocked WHERE item_id = ?`, itemId);
    this.sql.exec(`DELETE FROM items WHERE item_id = ?`, itemId);
  }

  /** Current decayed counts of the shard's top items (for inspection and tests). */
  async top(limit = 20): Promise<{ itemId: string; score: number }[]> {
    const { halfLifeMs } = trendingConfigFor(this.env);
    const toNow = decayFactor(Date.now() - this.epoch(), halfLifeMs);
    return this.sql
      .exec<{ item_id: string; score: number }>(`SELECT item_id, score FROM counts ORDER BY score DESC, item_id LIMIT ?`, limit)
      .toArray()
      .map((row) => ({ itemId: row.item_id, score: row.score * toNow }));
  }

  private async lookUpMissing(): Promise<void> {
    const ids = this.sql
      .exec<{ item_id: string }>(
        `SELECT c.item_id AS item_id FROM counts c LEFT JOIN items i ON i.item_id = c.item_id
         WHERE i.item_id IS NULL ORDER BY c.score DESC LIMIT ?`,
        TRENDING_SHARD_LIMITS.lookupsPerFlush,
      )
      .toArray()
      .map((row) => row.item_id);
    if (ids.length === 0) return;
    let found: Map<string, ItemLookup | null>;
    try {
      found = await lookUpItems(itemIndexFor(this.env), ids);
    } catch (error) {
      this.logger.warn("item_lookup_failed", { error });
      return;
    }
    this.ctx.storage.transactionSync(() => {
      for (const id of ids) {
        const record = found.get(id);
        const metadata = record?.metadata ?? {};
        this.sql.exec(
          `INSERT INTO items (item_id, found, category, popularity, released_at, sponsored) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (item_id) DO NOTHING`,
          id,
          record ? 1 : 0,
          categoryOf(record),
          typeof metadata.popularity === "number" ? metadata.popularity : null,
          typeof metadata.released_at === "number" ? metadata.released_at : null,
          typeof metadata.sponsored === "boolean" ? Number(metadata.sponsored) : null,
        );
      }
    });
  }

  private rebaseIfDue(now: number, halfLifeMs: number): void {
    const epoch = this.epoch();
    if (now - epoch < TRENDING_SHARD_LIMITS.rebaseHalfLives * halfLifeMs) return;
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(`UPDATE counts SET score = score * ?`, decayFactor(now - epoch, halfLifeMs));
      this.setMeta("epoch", String(now));
    });
  }

  private isBlocked(itemId: string): boolean {
    return this.sql.exec(`SELECT 1 FROM blocked WHERE item_id = ?`, itemId).toArray().length > 0;
  }

  /** The forward-decay epoch (set on first use). */
  private epoch(): number {
    const stored = this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'epoch'`).toArray()[0];
    if (stored) return Number(stored.value);
    const now = Date.now();
    this.setMeta("epoch", String(now));
    return now;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec(`INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = ?2`, key, value);
  }
}

function toPopularItem(row: RankedRow, toNow: number): PopularItem {
  return {
    itemId: row.item_id,
    score: Number((row.score * toNow).toPrecision(6)),
    category: row.category ?? "",
    ...(row.popularity !== null ? { popularity: row.popularity } : {}),
    ...(row.released_at !== null ? { releasedAt: row.released_at } : {}),
    ...(row.sponsored !== null ? { sponsored: row.sponsored === 1 } : {}),
  };
}
