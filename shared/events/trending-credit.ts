/**
 * How much one user's event may add to live trending: each user counts at most once per item per
 * window (TRENDING_USER_WINDOW_HOURS), with the weight of their strongest positive event on it in
 * that window. The first positive event opens the window and counts with its weight; a stronger one
 * later in the same window adds only the difference (a view then a purchase counts as a purchase,
 * not as both); weaker or equal ones add nothing. So one user can move an item by at most the
 * largest event weight per window, however many events they post.
 *
 * "Strongest" rather than "first": a view usually precedes a purchase, and counting only the first
 * event would make trending a list of what was viewed, not of what was bought.
 *
 * The window runs on the server's clock (when the event was accepted), never on the event's `ts`,
 * so back-dated or forward-dated events cannot open extra windows.
 */

/** What was already counted for one user × item. */
export interface TrendingCreditWindow {
  /** When the window opened, ms on the server's clock. */
  windowStart: number;
  /** Weight already counted in this window. */
  weight: number;
}

/** The credit to add now, and the window to remember. */
export interface TrendingCreditDecision {
  /** Weight to add to the item's trending count (0 = nothing). */
  credit: number;
  window: TrendingCreditWindow;
}

/**
 * Decides the trending credit of a positive event of `weight` accepted at `now`, given what this
 * user already counted for the item (`previous`, undefined when nothing is remembered).
 * @example trendingCredit({ windowStart: t, weight: 1 }, 5, t + 60_000, 86_400_000) // → credit 4
 */
export function trendingCredit(
  previous: TrendingCreditWindow | undefined,
  weight: number,
  now: number,
  windowMs: number,
): TrendingCreditDecision {
  if (!(weight > 0)) return { credit: 0, window: previous ?? { windowStart: now, weight: 0 } };
  if (!previous || now - previous.windowStart >= windowMs || now < previous.windowStart) {
    return { credit: weight, window: { windowStart: now, weight } };
  }
  if (weight <= previous.weight) return { credit: 0, window: previous };
  return { credit: weight - previous.weight, window: { windowStart: previous.windowStart, weight } };
}
