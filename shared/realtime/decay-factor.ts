/**
 * Exponential time decay with a half-life: the weight an observation `elapsedMs` old keeps.
 * Category affinity, bandit arms and trending counters all decay with it, so "recent" means the
 * same thing everywhere. A negative `elapsedMs` gives a factor above 1 (forward decay: trending
 * counters store weights scaled up to a fixed epoch instead of rewriting every row as time passes).
 */

/** 2^(−elapsedMs / halfLifeMs); 1 when `halfLifeMs` is not positive (no decay). */
export function decayFactor(elapsedMs: number, halfLifeMs: number): number {
  if (!(halfLifeMs > 0)) return 1;
  return 2 ** (-elapsedMs / halfLifeMs);
}

/** Milliseconds per day, for half-lives configured in days. */
export const DAY_MS = 86_400_000;
