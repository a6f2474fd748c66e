/**
 * Validation shared by both MovieLens loaders: one rating line's user id, item id, rating and
 * unix-seconds timestamp, checked field by field so a bad line can be reported precisely.
 */

/** One valid rating. */
export interface MovielensRating {
  userId: string;
  itemId: string;
  rating: number;
  /** ms since epoch. */
  ts: number;
}

const INTEGER_ID = /^\d{1,18}$/;

/** Parses `[userId, itemId, rating, seconds]`; returns the rating or a message saying what is wrong. */
export function parseMovielensRating(fields: readonly string[]): MovielensRating | string {
  if (fields.length !== 4) return `expected 4 fields (user, item, rating, timestamp), got ${fields.length}`;
  const [userId, itemId, ratingText, tsText] = fields.map((f) => f.trim()) as [string, string, string, string];
  if (!INTEGER_ID.test(userId)) return `user id "${userId}" is not an integer`;
  if (!INTEGER_ID.test(itemId)) return `item id "${itemId}" is not an integer`;
  const rating = Number(ratingText);
  if (ratingText === "" || !Number.isFinite(rating) || rating < 0) return `rating "${ratingText}" is not a non-negative number`;
  const seconds = Number(tsText);
  if (tsText === "" || !Number.isInteger(seconds) || seconds < 0) return `timestamp "${tsText}" is not unix seconds`;
  return { userId, itemId, rating, ts: seconds * 1000 };
}

/** Whether `id` is a MovieLens integer id. */
export function isMovielensId(id: string): boolean {
  return INTEGER_ID.test(id);
}

/** Age in years → the event log's age buckets (`18-24`, …). */
export function ageBucket(age: number): string {
  const buckets: readonly [number, string][] = [
    [18, "<18"],
    [25, "18-24"],
    [35, "25-34"],
    [45, "35-44"],
    [55, "45-54"],
    [65, "55-64"],
  ];
  for (const [limit, name] of buckets) if (age < limit) return name;
  return "65+";
}
