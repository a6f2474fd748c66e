/**
 * When the session's bounded tables are pruned. Cheap bounds (the event log, expired ids and
 * trending windows) are enforced by indexed deletes on every append; bounds that need a row count
 * are checked every {@link BOUNDS_CHECK_EVERY} appended events, and a table is only pruned once it
 * is over its bound by more than its slack, and then down to the bound, so the sorting delete runs
 * once per `slack` rows instead of once per write.
 */

/** Appended events between two checks of the counted bounds (counting scans the table). */
export const BOUNDS_CHECK_EVERY = 64;

/**
 * Whether the counted bounds are checked on this append, and the counter to store: the events
 * appended since the last check (reset to 0 when the check is due).
 * @example boundsCheckDue(60, 4) // → { due: true, appendedSince: 0 }
 */
export function boundsCheckDue(appendedSince: number, accepted: number): { due: boolean; appendedSince: number } {
  const appended = appendedSince + accepted;
  return appended >= BOUNDS_CHECK_EVERY ? { due: true, appendedSince: 0 } : { due: false, appendedSince: appended };
}

/**
 * The rows to delete from a table holding `count` rows with bound `bound`: none while it holds at
 * most `bound + slack`, else all above `bound`.
 * @example rowsOverBound(1101, 1000, 100) // → 101
 * @example rowsOverBound(1100, 1000, 100) // → 0
 */
export function rowsOverBound(count: number, bound: number, slack = 0): number {
  return count > bound + slack ? count - bound : 0;
}
