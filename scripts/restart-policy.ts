/**
 * When `npm start` restarts a crashed service: exponential backoff (0.5 s, 1 s, 2 s, … capped at
 * 10 s by default), reset once a run has stayed up long enough to count as healthy (60 s), so a
 * service that crashes now and then restarts quickly while one that crashes at start-up does not
 * spin. Pure: the caller passes the times; no clock, no timers.
 */

/** Options of {@link createRestartPolicy}. */
export interface RestartPolicyOptions {
  /** Delay before the first restart after a healthy run, in milliseconds. */
  initialDelayMs?: number;
  /** Each further consecutive crash multiplies the delay by this. */
  factor?: number;
  /** Longest delay, in milliseconds. */
  maxDelayMs?: number;
  /** A run that lasted at least this long resets the backoff, in milliseconds. */
  stableAfterMs?: number;
}

/** The defaults: 0.5 s doubling to 10 s, reset after 60 s up. */
export const RESTART_POLICY_DEFAULTS = {
  initialDelayMs: 500,
  factor: 2,
  maxDelayMs: 10_000,
  stableAfterMs: 60_000,
} as const satisfies Required<RestartPolicyOptions>;

/** What to do after an exit. */
export interface RestartDecision {
  /** Wait this long before starting again, in milliseconds. */
  delayMs: number;
  /** How long the run that just ended lasted, in milliseconds. */
  uptimeMs: number;
  /** Crashes in a row without a stable run in between, this one included (1 after a stable run). */
  consecutiveCrashes: number;
}

/** The backoff state of one supervised service. */
export interface RestartPolicy {
  /** Records that a run started at `now` (milliseconds). */
  started(now: number): void;
  /** Records that the run ended at `now` and says how long to wait before the next one. */
  exited(now: number): RestartDecision;
}

/**
 * Creates the backoff state for one service.
 *
 * @example
 * const policy = createRestartPolicy();
 * policy.started(0);
 * policy.exited(1_000); // { delayMs: 500, uptimeMs: 1000, consecutiveCrashes: 1 }
 * policy.started(1_500);
 * policy.exited(1_600); // { delayMs: 1000, uptimeMs: 100, consecutiveCrashes: 2 }
 */
export function createRestartPolicy(options: RestartPolicyOptions = {}): RestartPolicy {
  const { initialDelayMs, factor, maxDelayMs, stableAfterMs } = { ...RESTART_POLICY_DEFAULTS, ...options };
  let startedAt: number | undefined;
  let crashes = 0;
  return {
    started(now) {
      startedAt = now;
    },
    exited(now) {
      const uptimeMs = startedAt === undefined ? 0 : Math.max(0, now - startedAt);
      startedAt = undefined;
      if (uptimeMs >= stableAfterMs) crashes = 0;
      const delayMs = Math.min(maxDelayMs, initialDelayMs * factor ** crashes);
      crashes++;
      return { delayMs, uptimeMs, consecutiveCrashes: crashes };
    },
  };
}
