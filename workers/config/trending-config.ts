/**
 * Configuration of live trending, from wrangler.toml vars: how many counter shards, how often
 * they flush, the decay half-life, and how long the published lists are. One reader for the
 * events route, the Durable Objects and the trending route, so they always agree.
 */
import { positiveIntegerVar, positiveNumberVar } from "./env-vars";

/** Live trending settings. */
export interface TrendingConfig {
  /** Number of TrendingShard objects counters are spread over (TRENDING_SHARDS). */
  shards: number;
  /** How long a shard batches events before flushing to the aggregator (TRENDING_FLUSH_SECONDS). */
  flushMs: number;
  /** Half-life of the decayed counts (TRENDING_HALF_LIFE_HOURS). */
  halfLifeMs: number;
  /** Length of the overall list and of each category list. */
  listSize: number;
  categorySize: number;
  /** How long the aggregator waits for the other shards after the first one reports. */
  mergeDelayMs: number;
  /**
   * One user counts at most once per item within this window, with their strongest event's weight
   * (TRENDING_USER_WINDOW_HOURS; shared/events/trending-credit.ts).
   */
  userWindowMs: number;
}

/** Defaults: 16 shards, 60 s flushes, 24 h half-life, 200 / 100 items, one count per user × item per 24 h. */
export const TRENDING_DEFAULTS = {
  shards: 16,
  flushMs: 60_000,
  halfLifeMs: 24 * 3_600_000,
  listSize: 200,
  categorySize: 100,
  mergeDelayMs: 2_000,
  userWindowMs: 24 * 3_600_000,
} as const satisfies TrendingConfig;

/** The trending settings of this environment. */
export function trendingConfigFor(env: Env): TrendingConfig {
  return {
    ...TRENDING_DEFAULTS,
    shards: positiveIntegerVar(env.TRENDING_SHARDS, TRENDING_DEFAULTS.shards),
    flushMs: positiveNumberVar(env.TRENDING_FLUSH_SECONDS, TRENDING_DEFAULTS.flushMs / 1000) * 1000,
    halfLifeMs: positiveNumberVar(env.TRENDING_HALF_LIFE_HOURS, TRENDING_DEFAULTS.halfLifeMs / 3_600_000) * 3_600_000,
    userWindowMs: positiveNumberVar(env.TRENDING_USER_WINDOW_HOURS, TRENDING_DEFAULTS.userWindowMs / 3_600_000) * 3_600_000,
  };
}

/** The Durable Object name of shard `index`. */
export function trendingShardName(index: number): string {
  return `shard-${index}`;
}

/** The Durable Object name of the one aggregator. */
export const TRENDING_AGGREGATOR_NAME = "global";
