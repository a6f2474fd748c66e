/**
 * Configuration of the nightly email digests (workers/scheduled/email-digests.ts), from wrangler.toml
 * vars: how many users one batch (one R2 object) holds and how many batches one scheduled invocation
 * builds, plus the fixed bounds of a batch. A night's run needs ⌈opted-in users ÷ (batch users ×
 * batches per run)⌉ invocations of its cron.
 */
import { DIGEST_SUBSCRIPTION_LIMITS } from "../../shared/digests/digest-subscriptions-contract";
import { positiveIntegerVar } from "./env-vars";

/** Digest job settings. */
export interface DigestConfig {
  /** Users per batch, i.e. per NDJSON object (DIGEST_BATCH_USERS, ≤ 1000). */
  batchUsers: number;
  /** Batches one scheduled invocation builds at most (DIGEST_BATCHES_PER_RUN). */
  batchesPerRun: number;
  /** Digests built at once within a batch. */
  concurrency: number;
  /** A batch's users not started within this long are reported as failed (each digest is itself bounded by the funnel's deadlines). */
  batchBudgetMs: number;
  /** How long a claimed batch is the invocation's before it is offered again (longer than any batch takes). */
  leaseMs: number;
}

/** Defaults: 100 users per batch, 5 batches per invocation, 4 at once, 2 min per batch, 10 min lease. */
export const DIGEST_DEFAULTS = {
  batchUsers: 100,
  batchesPerRun: 5,
  concurrency: 4,
  batchBudgetMs: 120_000,
  leaseMs: 600_000,
} as const satisfies DigestConfig;

/** The digest settings of this environment. */
export function digestConfigFor(env: Env): DigestConfig {
  return {
    ...DIGEST_DEFAULTS,
    batchUsers: Math.min(positiveIntegerVar(env.DIGEST_BATCH_USERS, DIGEST_DEFAULTS.batchUsers), DIGEST_SUBSCRIPTION_LIMITS.maxBatchUsers),
    batchesPerRun: positiveIntegerVar(env.DIGEST_BATCHES_PER_RUN, DIGEST_DEFAULTS.batchesPerRun),
  };
}
