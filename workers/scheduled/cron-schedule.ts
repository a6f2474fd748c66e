/**
 * Which job each Cron Trigger runs. The keys are the expressions of `[triggers] crons` in
 * wrangler.toml, character for character (the runtime hands the handler the expression that fired,
 * `controller.cron`); test/unit/workers/cron-schedule.test.ts checks the two lists agree. Cron
 * Triggers run in UTC.
 */

/** The jobs the Worker runs on a schedule (workers/scheduled/run-scheduled.ts maps each to its code). */
export type ScheduledJobName = "trending_refresh" | "email_digests";

/** Cron expression → the job it runs. */
export const CRON_SCHEDULE = {
  /** Every 5 minutes: flush every trending shard and republish the live lists, traffic or not. */
  "*/5 * * * *": "trending_refresh",
  /** Every minute from 02:00 to 05:59 UTC: continue the night's email digests until every opted-in user has one. */
  "* 2-5 * * *": "email_digests",
} as const satisfies Record<string, ScheduledJobName>;

/** The job `cron` runs, or undefined for an expression this Worker does not know. */
export function jobForCron(cron: string): ScheduledJobName | undefined {
  return Object.hasOwn(CRON_SCHEDULE, cron) ? CRON_SCHEDULE[cron as keyof typeof CRON_SCHEDULE] : undefined;
}
