/**
 * The sequence- and time-aware inputs of the feature spec (v5), one definition offline and online:
 *
 * - **recent similarity** — cosine similarity of the candidate's item vector to the vectors of the
 *   user's {@link RECENT_ITEMS} most recent positive items, as the mean and the maximum. "Most
 *   recent" merges the live part (the session's positive items, newest first: edge only) with the
 *   trained part (the training history, most recent last: the user's KV record offline and at the
 *   edge) by {@link recentItems}. A user-vector dot product says what the user likes overall; this
 *   says what they are on now, which is what a leave-last-out split (and a next request) asks.
 * - **category recency** — how long ago the user last interacted with the candidate's category:
 *   `exp(−days / CATEGORY_RECENCY_DAYS)`, 0 for a category never seen. The trained part is the
 *   latest training interaction per category ({@link trainedCategoryLastSeen}, written into the user
 *   record by the export), the live part the session's positive items ({@link categoryLastSeen}).
 * - **recent popularity** — the item's training users whose latest interaction falls in the
 *   {@link RECENT_POPULARITY_DAYS} days before "now" ({@link countRecent}). Offline "now" is the
 *   row's request time; the export writes the count at the end of the training log into the item
 *   metadata (`recent_popularity`), so at the edge the value is as old as the release (a daily
 *   retrain keeps it within a day).
 */

/** How many recent positive items the similarity features compare with. */
export const RECENT_ITEMS = 5;

/** The window of `item_log_recent_popularity`, days. */
export const RECENT_POPULARITY_DAYS = 7;

/** The decay of `category_recency_7d`, days. */
export const CATEGORY_RECENCY_DAYS = 7;

const SECONDS_PER_DAY = 86_400;

/**
 * The `k` most recent distinct items: `live` first (newest first), then `trained` from its end
 * (a history listed oldest first).
 * @example recentItems(["c"], ["a", "b", "c"], 3) // → ["c", "b", "a"]
 */
export function recentItems<T>(live: readonly T[], trained: readonly T[] | undefined, k = RECENT_ITEMS): T[] {
  const out: T[] = [];
  const seen = new Set<T>();
  const take = (item: T) => {
    if (out.length < k && !seen.has(item)) {
      seen.add(item);
      out.push(item);
    }
  };
  for (const item of live) take(item);
  for (let i = (trained?.length ?? 0) - 1; i >= 0 && out.length < k; i--) take(trained![i]!);
  return out;
}

/** Mean and maximum cosine similarity of `candidate` to `recent` (both 0 without a vector or recent items). */
export function recentSimilarity(
  candidate: ArrayLike<number> | undefined,
  recent: readonly ArrayLike<number>[],
): { mean: number; max: number } {
  if (!candidate || recent.length === 0) return { mean: 0, max: 0 };
  let sum = 0;
  let max = Number.NEGATIVE_INFINITY;
  let counted = 0;
  for (const vector of recent) {
    if (vector.length !== candidate.length) continue;
    const similarity = cosine(candidate, vector);
    sum += similarity;
    max = Math.max(max, similarity);
    counted++;
  }
  return counted === 0 ? { mean: 0, max: 0 } : { mean: sum / counted, max };
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return aa > 0 && bb > 0 ? dot / Math.sqrt(aa * bb) : 0;
}

/** One timed interaction with a category (seconds since epoch). */
export interface CategoryTouch {
  category: string | undefined;
  ts: number;
}

/**
 * The latest interaction time per category (seconds) of a training history.
 * @example trainedCategoryLastSeen([{ category: "Drama", ts: 5 }, { category: "Drama", ts: 9 }]) // → { Drama: 9 }
 */
export function trainedCategoryLastSeen(touches: Iterable<CategoryTouch>): Record<string, number> {
  return categoryLastSeen(undefined, touches);
}

/** The trained latest times merged with live touches: the later time per category wins. */
export function categoryLastSeen(
  trained: Readonly<Record<string, number>> | undefined,
  live: Iterable<CategoryTouch>,
): Record<string, number> {
  const last: Record<string, number> = { ...trained };
  for (const { category, ts } of live) {
    if (category && Number.isFinite(ts) && !(ts <= (last[category] ?? Number.NEGATIVE_INFINITY))) last[category] = ts;
  }
  return last;
}

/** `category_recency_7d`: `exp(−days since lastSeen / 7)`, 0 when never seen (a future time counts as now). */
export function categoryRecency(lastSeenSeconds: number | undefined, nowSeconds: number): number {
  if (lastSeenSeconds === undefined || !Number.isFinite(lastSeenSeconds)) return 0;
  const days = Math.max(0, nowSeconds - lastSeenSeconds) / SECONDS_PER_DAY;
  return Math.exp(-days / CATEGORY_RECENCY_DAYS);
}

/**
 * How many of `sortedTimes` (ascending, seconds) fall in `(now − days, now]`: the item's recent
 * popularity when the times are its training users' latest interactions.
 */
export function countRecent(sortedTimes: ArrayLike<number>, nowSeconds: number, days = RECENT_POPULARITY_DAYS): number {
  return upperBound(sortedTimes, nowSeconds) - upperBound(sortedTimes, nowSeconds - days * SECONDS_PER_DAY);
}

/** Index of the first value > x in an ascending array. */
function upperBound(values: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
