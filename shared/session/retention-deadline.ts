/**
 * When a user's session state is deleted: USER_RETENTION_DAYS after the last activity (an event
 * or onboarding preferences), or — for an object holding only what was served (no activity ever) —
 * STRANGER_RETENTION_HOURS after its last exposure.
 */

/** Retention periods (workers/config/retention-config.ts reads them from the environment). */
export interface RetentionPeriods {
  userMs: number;
  strangerMs: number;
}

/**
 * The time after which the state is deleted. `lastExposure` null (nothing served either) counts
 * as served at 0, so an object with neither is due at once.
 * @example retentionDeadline(null, 1_000, { userMs: 10_000, strangerMs: 100 }) // → 1_100
 */
export function retentionDeadline(lastActivity: number | null, lastExposure: number | null, periods: RetentionPeriods): number {
  if (lastActivity === null) return (lastExposure ?? 0) + periods.strangerMs;
  return lastActivity + periods.userMs;
}
