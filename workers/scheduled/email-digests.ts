/**
 * The nightly email digest job (every minute of its window, 02:00–05:59 UTC by default): builds the
 * `email` surface for every user on the opt-in list (`/v1/admin/digests/opt-ins`) and writes the
 * night's digests to R2 for an email sender to pick up (shared/digests/digest-layout.ts):
 *
 *   digests/dt=<UTC date>/<batch>.ndjson   one line per user, write-once
 *   digests/dt=<UTC date>/manifest.json    once every opted-in user has been served
 *
 * Each invocation claims up to DIGEST_BATCHES_PER_RUN batches of DIGEST_BATCH_USERS users from the
 * DigestSubscriptions object (a cursor over the list, each batch leased to the invocation), builds
 * them with the same code as `POST /v1/admin/digests` (digests/build-digests.ts), writes each as one
 * object and completes it; the next invocation continues where the cursor stands. A batch whose
 * invocation died is offered again once its lease runs out; if its object was written already, it is
 * completed without serving its users twice. Overlapping invocations share the work safely.
 */
import {
  DIGEST_SUBSCRIPTIONS_NAME,
  type DigestBatchOutcome,
  type DigestRunSummary,
} from "../../shared/digests/digest-subscriptions-contract";
import { digestBatchKey, digestDate, digestManifestKey } from "../../shared/digests/digest-layout";
import { type DigestConfig, digestConfigFor } from "../config/digest-config";
import { buildDigests } from "../digests/build-digests";
import type { ScheduledJob, ScheduledRun } from "./scheduled-job";

/** Where the night's run stands after an invocation. */
type RunState = "in_progress" | "busy" | "finished";

/** Users named in a failure log line at most. */
const LOGGED_FAILURES = 10;

/** Continues tonight's digests. */
export const emailDigestsJob: ScheduledJob = {
  async run({ env, scheduledTime, now, waitUntil, logger }) {
    const config = digestConfigFor(env);
    const date = digestDate(scheduledTime);
    const subscriptions = env.DIGEST_SUBSCRIPTIONS.getByName(DIGEST_SUBSCRIPTIONS_NAME);
    const summary = { date, batches: 0, users: 0, digests: 0, failed: 0, run: "in_progress" as RunState };
    for (let claimed = 0; claimed < config.batchesPerRun; claimed++) {
      const claim = await subscriptions.claimBatch({ date, batchUsers: config.batchUsers, now: now(), leaseMs: config.leaseMs });
      if (claim.kind === "busy") {
        summary.run = "busy";
        break;
      }
      if (claim.kind === "done") {
        summary.run = "finished";
        if (!claim.run.manifestWritten) {
          await writeManifest(env, claim.run);
          await subscriptions.recordManifest(date);
        }
        break;
      }
      const outcome = await writeBatch({ env, waitUntil, logger }, claim, config);
      await subscriptions.completeBatch(date, claim.batch, outcome, now());
      summary.batches++;
      summary.users += claim.userIds.length;
      summary.digests += outcome.digests;
      summary.failed += outcome.failed;
    }
    return summary;
  },
};

/** Builds one claimed batch and writes it to R2 (write-once); what it produced. */
async function writeBatch(
  { env, waitUntil, logger }: Pick<ScheduledRun, "env" | "waitUntil" | "logger">,
  claim: { date: string; batch: number; userIds: string[]; attempt: number },
  config: DigestConfig,
): Promise<DigestBatchOutcome> {
  const key = digestBatchKey(claim.date, claim.batch);
  if (claim.attempt > 1) {
    const written = await env.EVENT_LOG.head(key);
    if (written) return outcomeOf(written.customMetadata);
  }
  const built = await buildDigests(env, claim.userIds, {
    requestIdPrefix: `digest-${claim.date}-b${claim.batch}-a${claim.attempt}`,
    budgetMs: config.batchBudgetMs,
    concurrency: config.concurrency,
    waitUntil,
    logger,
  });
  const failed = [...built.failed, ...built.pending.map((user_id) => ({ user_id, error: "not started within the batch's time budget" }))];
  if (failed.length > 0) {
    logger.warn("digest_users_failed", { stage: "digests", key, failed: failed.length, users: failed.slice(0, LOGGED_FAILURES) });
  }
  const outcome = { digests: built.digests.length, failed: failed.length };
  await env.EVENT_LOG.put(key, built.digests.map((digest) => `${JSON.stringify(digest)}\n`).join(""), {
    onlyIf: { etagDoesNotMatch: "*" },
    httpMetadata: { contentType: "application/x-ndjson" },
    customMetadata: { digests: String(outcome.digests), failed: String(outcome.failed), attempt: String(claim.attempt) },
  });
  return outcome;
}

/** The counts an earlier attempt stored on its object. */
function outcomeOf(metadata: Record<string, string> | undefined): DigestBatchOutcome {
  return { digests: Number(metadata?.digests ?? 0) || 0, failed: Number(metadata?.failed ?? 0) || 0 };
}

/** Writes the night's manifest (write-once): the email sender's signal that the night is complete. */
async function writeManifest(env: Env, run: DigestRunSummary): Promise<void> {
  const manifest = {
    date: run.date,
    batches: run.batches,
    users: run.users,
    digests: run.digests,
    failed: run.failed,
    started_at: new Date(run.startedAt).toISOString(),
    finished_at: run.finishedAt === null ? null : new Date(run.finishedAt).toISOString(),
  };
  await env.EVENT_LOG.put(digestManifestKey(run.date), `${JSON.stringify(manifest)}\n`, {
    onlyIf: { etagDoesNotMatch: "*" },
    httpMetadata: { contentType: "application/json" },
  });
}
