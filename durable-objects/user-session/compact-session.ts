/**
 * Keeps a UserSession's tables within USER_SESSION_LIMITS after an append: the event log, event
 * ids past the retention window and ended trending windows on every append (indexed deletes); the
 * per-item rows and the id and window caps every BOUNDS_CHECK_EVERY events (counting them scans the
 * table). Non-hidden item rows may exceed `maxItemStates` by 10 % before they are pruned back.
 */
import { boundsCheckDue, rowsOverBound } from "../../shared/session/rows-over-bound";
import { MAX_EVENTS_PER_USER, USER_SESSION_LIMITS } from "../../shared/session/user-session-limits";
import type { SessionStore } from "./session-store";

/** Bounds the state after `accepted` new events at `now`. */
export function compactSession(
  store: SessionStore,
  accepted: number,
  now: number,
  periods: { retentionMs: number; trendingWindowMs: number },
): void {
  store.trimEvents(MAX_EVENTS_PER_USER);
  store.dropExpired(now - periods.retentionMs, now - periods.trendingWindowMs);
  const check = boundsCheckDue(Number(store.meta("appended_since_bound") ?? 0), accepted);
  store.setMeta("appended_since_bound", String(check.appendedSince));
  if (!check.due) return;
  const counts = store.boundedCounts();
  const limits = USER_SESSION_LIMITS;
  if (rowsOverBound(counts.items, limits.maxItemStates, limits.maxItemStates * 0.1) > 0) store.pruneItemStates(false, limits.maxItemStates);
  if (rowsOverBound(counts.hidden, limits.maxHiddenItems) > 0) store.pruneItemStates(true, limits.maxHiddenItems);
  if (rowsOverBound(counts.eventIds, limits.maxEventIds) > 0) store.pruneEventIds(limits.maxEventIds);
  if (rowsOverBound(counts.trendingCredits, limits.maxTrendingCredits) > 0) store.pruneTrendingCredits(limits.maxTrendingCredits);
}
