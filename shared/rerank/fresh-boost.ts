/**
 * Fresh-item boost within a budget: items released within `maxAgeDays` get `boost` added to
 * their score, for at most `budget` items (the best-scored fresh ones), then the list is re-sorted.
 * New items have few interactions, so without a nudge the ranker rarely surfaces them. Because it
 * re-sorts by score, the serving config only accepts it as the first rule.
 */
import type { RankedItem } from "./ranked-item";

/** Options of {@link freshBoost}. */
export interface FreshBoostOptions {
  maxAgeDays: number;
  boost: number;
  budget: number;
  nowSeconds: number;
}

/** Boosts up to `budget` fresh items and re-sorts by score (stable). */
export function freshBoost<T extends RankedItem>(items: readonly T[], options: FreshBoostOptions): T[] {
  const { maxAgeDays, boost, budget, nowSeconds } = options;
  const cutoff = nowSeconds - maxAgeDays * 86_400;
  let left = budget;
  const boosted = items.map((item, index) => {
    const fresh = item.releasedAt !== undefined && item.releasedAt >= cutoff && item.releasedAt <= nowSeconds;
    if (!fresh || left <= 0) return { item, index, score: item.score };
    left--;
    return { item: { ...item, score: item.score + boost }, index, score: item.score + boost };
  });
  return boosted.sort((a, b) => b.score - a.score || a.index - b.index).map((entry) => entry.item);
}
