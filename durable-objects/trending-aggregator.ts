/**
 * TrendingAggregator: the one object that merges the TrendingShards' partial lists into the live
 * trending lists in KV (`trending:all`, `trending:cat:<category>`, PopularList format). It is not
 * hot: it hears from each shard at most once per flush interval, never per event. Shards report
 * with scores decayed to their own flush time; the merge decays every partial to the same "now"
 * before ranking, so shards that flushed at different times compare fairly. Items removed from
 * the catalogue are dropped from the lists at once.
 */
import { DurableObject } from "cloudflare:workers";
import { kvKeys, type PopularItem, type PopularList } from "../shared/artifacts/kv-keys";
import { decayFactor } from "../shared/realtime/decay-factor";
import { trendingConfigFor } from "../workers/config/trending-config";
import { createLogger, type Logger, logLevelFrom } from "../workers/logger/logger";
import { forgetKvValues } from "../workers/store/kv-store";
import type { TrendingPartial } from "./trending-shard";

/** What a publish wrote. */
export interface TrendingPublication {
  generatedAt: string;
  shards: number;
  items: number;
  categories: string[];
  /** Category keys deleted because no shard reports the category any more. */
  removedCategories: string[];
  /** KV writes that failed (e.g. KV's one-write-per-second-per-key limit); the next publish retries them. */
  failedWrites: number;
}

/** Limits of the aggregator. */
export const TRENDING_AGGREGATOR_LIMITS = {
  /** Partials older than this are ignored (a shard that stopped reporting holds nothing fresh). */
  maxPartialAgeMs: 7 * 86_400_000,
  /** Removed items remembered. */
  maxRemoved: 10_000,
} as const;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS partials (shard TEXT PRIMARY KEY, generated_at INTEGER NOT NULL, payload TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS removed (item_id TEXT PRIMARY KEY, ts INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS published_categories (category TEXT PRIMARY KEY);`;

/** Merges shard partials into KV, by alarm. */
export class TrendingAggregator extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly logger: Logger;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.logger = createLogger({ object: "TrendingAggregator" }, { level: logLevelFrom(env.LOG_LEVEL) });
    ctx.blockConcurrencyWhile(async () => this.sql.exec(SCHEMA));
  }

  /** Stores a shard's partial lists and schedules a publish shortly after (other shards may follow). */
  async submit(partial: TrendingPartial): Promise<void> {
    this.sql.exec(
      `INSERT INTO partials (shard, generated_at, payload) VALUES (?1, ?2, ?3)
       ON CONFLICT (shard) DO UPDATE SET generated_at = ?2, payload = ?3`,
      partial.shard,
      partial.generatedAt,
      JSON.stringify({ all: partial.all, byCategory: partial.byCategory }),
    );
    if ((await this.ctx.storage.getAlarm()) === null) {
      await this.ctx.storage.setAlarm(Date.now() + trendingConfigFor(this.env).mergeDelayMs);
    }
  }

  /** Publish by alarm. */
  override async alarm(): Promise<void> {
    await this.publish();
  }

  /** Merges every recent partial and writes the live lists to KV. */
  async publish(): Promise<TrendingPublication> {
    const config = trendingConfigFor(this.env);
    const now = Date.now();
    const removed = new Set(
      this.sql
        .exec<{ item_id: string }>(`SELECT item_id FROM removed`)
        .toArray()
        .map((row) => row.item_id),
    );
    const all: PopularItem[] = [];
    const byCategory = new Map<string, PopularItem[]>();
    const partials = this.sql
      .exec<{ generated_at: number; payload: string }>(
        `SELECT generated_at, payload FROM partials WHERE generated_at >= ?`,
        now - TRENDING_AGGREGATOR_LIMITS.maxPartialAgeMs,
      )
      .toArray();
    for (const row of partials) {
      const factor = decayFactor(now - row.generated_at, config.halfLifeMs);
      const partial = JSON.parse(row.payload) as Pick<TrendingPartial, "all" | "byCategory">;
      const rescore = (item: PopularItem) => ({ ...item, score: Number((item.score * factor).toPrecision(6)) });
      all.push(...partial.all.filter((item) => !removed.has(item.itemId)).map(rescore));
      for (const [category, items] of Object.entries(partial.byCategory)) {
        const list = byCategory.get(category) ?? [];
        list.push(...items.filter((item) => !removed.has(item.itemId)).map(rescore));
        byCategory.set(category, list);
      }
    }
    const generatedAt = new Date(now).toISOString();
    const ranked = (items: PopularItem[], size: number): PopularList => ({
      generatedAt,
      items: items.sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1)).slice(0, size),
    });
    const writes: Promise<void>[] = [this.env.KV.put(kvKeys.trendingAll, JSON.stringify(ranked(all, config.listSize)))];
    const categories = [...byCategory.keys()].filter((category) => category && byCategory.get(category)!.length > 0).sort();
    for (const category of categories) {
      writes.push(
        this.env.KV.put(kvKeys.trendingCategory(category), JSON.stringify(ranked(byCategory.get(category)!, config.categorySize))),
      );
    }
    const previous = this.sql
      .exec<{ category: string }>(`SELECT category FROM published_categories`)
      .toArray()
      .map((row) => row.category);
    const removedCategories = previous.filter((category) => !categories.includes(category));
    for (const category of removedCategories) writes.push(this.env.KV.delete(kvKeys.trendingCategory(category)));
    const results = await Promise.allSettled(writes);
    // Where the Worker shares this isolate (locally), its next request reads the new lists.
    forgetKvValues(
      this.env.KV,
      kvKeys.trendingAll,
      ...[...categories, ...removedCategories].map((category) => kvKeys.trendingCategory(category)),
    );
    const failedWrites = results.filter((result) => result.status === "rejected").length;
    if (failedWrites > 0) {
      this.logger.warn("trending_publish_failed", {
        failed_writes: failedWrites,
        writes: writes.length,
        error: `${failedWrites} of ${writes.length} KV writes failed`,
      });
      if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + config.mergeDelayMs);
    }
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(`DELETE FROM published_categories`);
      for (const category of [...categories, ...(failedWrites > 0 ? removedCategories : [])]) {
        this.sql.exec(`INSERT INTO published_categories (category) VALUES (?) ON CONFLICT (category) DO NOTHING`, category);
      }
    });
    return {
      generatedAt,
      shards: partials.length,
      items: Math.min(all.length, config.listSize),
      categories,
      removedCategories,
      failedWrites,
    };
  }

  /** Drops an item (removed from the catalogue) from every list and republishes at once. */
  async removeItem(itemId: string): Promise<TrendingPublication> {
    this.sql.exec(`INSERT INTO removed (item_id, ts) VALUES (?, ?) ON CONFLICT (item_id) DO NOTHING`, itemId, Date.now());
    this.sql.exec(
      `DELETE FROM removed WHERE item_id IN (SELECT item_id FROM removed ORDER BY ts DESC LIMIT -1 OFFSET ?)`,
      TRENDING_AGGREGATOR_LIMITS.maxRemoved,
    );
    return this.publish();
  }

  /** Lets a re-added item into the lists again. */
  async restoreItem(itemId: string): Promise<void> {
    this.sql.exec(`DELETE FROM removed WHERE item_id = ?`, itemId);
  }
}
