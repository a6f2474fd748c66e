/**
 * The window of event timestamps the edge accepts: at most `maxFutureMs` ahead of the edge's clock
 * (a client clock a little fast is fine; a click stamped weeks ahead is not) and at most `maxAgeMs`
 * old (older than the user retention period: the session would delete it at once, and the id
 * memory that makes events idempotent no longer covers it).
 *
 * Out-of-window events are rejected, not clamped: clamping would silently rewrite what the client
 * sent (a replay of the same event would then carry a different `ts`), hide a broken client clock,
 * and still let a forged event count as "now". A rejection names the window, per event, so the rest
 * of the batch is stored and the client can see and fix its clock.
 */

/** How far from the edge's clock an event's `ts` may be. */
export interface EventTimeWindow {
  /** Largest accepted `ts − now`, ms (EVENT_MAX_FUTURE_SECONDS). */
  maxFutureMs: number;
  /** Largest accepted `now − ts`, ms (USER_RETENTION_DAYS). */
  maxAgeMs: number;
}

/**
 * Why `ts` falls outside the window around `now`, or null when it is inside (bounds included).
 * @example eventTimeViolation(now + 3_600_000, now, { maxFutureMs: 300_000, maxAgeMs: 180 * DAY_MS })
 * // → "ts: more than 300 s ahead of the edge's clock; accepted window is …"
 */
export function eventTimeViolation(ts: number, now: number, window: EventTimeWindow): string | null {
  const earliest = now - window.maxAgeMs;
  const latest = now + window.maxFutureMs;
  if (ts >= earliest && ts <= latest) return null;
  const range = `accepted window is ${new Date(earliest).toISOString()} to ${new Date(latest).toISOString()} (at most ${formatSeconds(window.maxFutureMs)} ahead of the edge's clock, at most ${formatDays(window.maxAgeMs)} old)`;
  return ts > latest
    ? `ts: more than ${formatSeconds(window.maxFutureMs)} ahead of the edge's clock; ${range}`
    : `ts: older than ${formatDays(window.maxAgeMs)}; ${range}`;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

function formatDays(ms: number): string {
  return `${Number((ms / 86_400_000).toFixed(3))} days`;
}
