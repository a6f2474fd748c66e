/**
 * The Worker's `scheduled` handler: runs the job the Cron Trigger names (cron-schedule.ts) and logs
 * one summary line per run — `scheduled_job_done` with the job's own fields, the subrequests it
 * made and its duration, or `scheduled_job_failed` (then rethrows, so the invocation is recorded as
 * failed in the Cron Events). An expression the Worker does not know is logged and ignored.
 * Nothing heavy runs here: training runs offline (deploy/retrain/, docs/data-loop.md "Cadence").
 */
import { createLogger, type Logger, logLevelFrom } from "../logger/logger";
import { countSubrequests, subrequestsOf } from "../metrics/subrequest-counter";
import { CRON_SCHEDULE, jobForCron, type ScheduledJobName } from "./cron-schedule";
import { emailDigestsJob } from "./email-digests";
import type { ScheduledJob } from "./scheduled-job";
import { trendingRefreshJob } from "./trending-refresh";

/** Each job's code. */
const SCHEDULED_JOBS: Record<ScheduledJobName, ScheduledJob> = {
  trending_refresh: trendingRefreshJob,
  email_digests: emailDigestsJob,
};

/**
 * Runs the job of `controller.cron`.
 *
 * @example
 * export default { scheduled: (controller, env, ctx) => runScheduled(controller, env, ctx) } satisfies ExportedHandler<Env>;
 * // {"time":"…","level":"info","event":"scheduled_job_done","cron":"* 2-5 * * *","scheduled_time":"2026-06-01T02:00:00.000Z",
 * //  "job":"email_digests","date":"2026-06-01","batches":2,"users":4,"digests":4,"failed":0,"run":"in_progress","subrequests":32,"ms":155}
 */
export async function runScheduled(
  controller: ScheduledController,
  env: Env,
  ctx: ExecutionContext,
  logger: Logger = createLogger(
    { cron: controller.cron, scheduled_time: new Date(controller.scheduledTime).toISOString() },
    { level: logLevelFrom(env.LOG_LEVEL) },
  ),
): Promise<void> {
  const job = jobForCron(controller.cron);
  if (!job) {
    logger.warn("scheduled_unknown_cron", { known: Object.keys(CRON_SCHEDULE) });
    return;
  }
  const started = Date.now();
  const counted = countSubrequests(env);
  const log = logger.child({ job });
  try {
    const summary = await SCHEDULED_JOBS[job].run({
      env: counted,
      scheduledTime: controller.scheduledTime,
      now: () => controller.scheduledTime + (Date.now() - started),
      waitUntil: (promise) => ctx.waitUntil(promise),
      logger: log,
    });
    log.info("scheduled_job_done", { ...summary, subrequests: subrequestsOf(counted)?.total ?? 0, ms: Date.now() - started });
  } catch (error) {
    log.error("scheduled_job_failed", { error, subrequests: subrequestsOf(counted)?.total ?? 0, ms: Date.now() - started });
    throw error;
  }
}
