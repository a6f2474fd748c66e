/**
 * The time source of the dynamic batcher: a millisecond clock and one-shot timers. Production
 * uses the system clock; tests pass a manual clock and advance it by hand, so batching behaviour
 * is checked without real sleeps.
 */

/** Opaque handle of a scheduled timer. */
export type TimerHandle = unknown;

/** Milliseconds and one-shot timers. */
export interface BatcherClock {
  /** Current time in milliseconds (monotonic). */
  now(): number;
  /** Calls `callback` once, `ms` milliseconds from now. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Cancels a timer that has not fired yet (a no-op for one that has). */
  clearTimeout(handle: TimerHandle): void;
}

/** The process clock: `performance.now()` and Node's timers. */
export const systemClock: BatcherClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
