/** A job the Worker runs on a Cron Trigger (workers/scheduled/run-scheduled.ts dispatches to it). */
import type { Logger } from "../logger/logger";

/** What one run of a job is given. */
export interface ScheduledRun {
  env: Env;
  /** When the trigger was scheduled to fire, ms since epoch (`controller.scheduledTime`). */
  scheduledTime: number;
  /** The run's clock: the scheduled time plus the time the invocation has run so far. */
  now: () => number;
  /** Background work that may finish after the job returns. */
  waitUntil: (promise: Promise<unknown>) => void;
  logger: Logger;
}

/** One scheduled job. */
export interface ScheduledJob {
  /** Runs the job; resolves to the fields of its one-line summary. Throws when it failed. */
  run(context: ScheduledRun): Promise<Record<string, unknown>>;
}
