/**
 * The contract of the DigestSubscriptions Durable Object (durable-objects/digest-subscriptions.ts):
 * who receives the nightly email digest (an admin-managed opt-in list) and how far each night's run
 * has got. The Worker's opt-in routes and its scheduled digest job call it; the types and limits
 * live here so both sides agree.
 *
 * A night's run walks the opt-in list in user-id order with a cursor. Each scheduled invocation
 * claims batches: a claim moves the cursor past the batch's users and leases the batch to the caller
 * until `leaseMs` from its `now`; the caller writes the batch's digests and completes it. A batch
 * whose lease ran out before it was completed (the invocation died) is offered again, so
 * overlapping invocations never build the same batch at once and a crash loses nothing.
 */

/** Durable Object name of the one DigestSubscriptions object. */
export const DIGEST_SUBSCRIPTIONS_NAME = "global";

/** Limits of the opt-in list and its runs. */
export const DIGEST_SUBSCRIPTION_LIMITS = {
  /** User ids per opt-in or opt-out call. */
  maxIdsPerChange: 1000,
  /** User ids per page of the list. */
  maxPageSize: 1000,
  /** Users per batch. */
  maxBatchUsers: 1000,
  /** Runs (and their batches) older than this many days are forgotten when a new run starts. */
  keepRunDays: 14,
} as const;

/** What an opt-in or opt-out changed. */
export interface DigestOptInChange {
  /** Users added (opt-in) or removed (opt-out); ids already in that state do not count. */
  changed: number;
  /** Users on the list afterwards. */
  total: number;
}

/** One page of the opt-in list, in user-id order. */
export interface DigestOptInPage {
  userIds: string[];
  /** Pass as `after` for the next page; null on the last page. */
  cursor: string | null;
  total: number;
}

/** Progress of one night's run. */
export interface DigestRunSummary {
  date: string;
  /** Batches claimed so far. */
  batches: number;
  /** Users in those batches when they were first claimed. */
  users: number;
  /** Digests written, and users whose digest could not be built, over completed batches. */
  digests: number;
  failed: number;
  startedAt: number;
  /** When the run claimed its last batch and every batch was completed; null while it runs. */
  finishedAt: number | null;
  /** True once the night's manifest is in R2. */
  manifestWritten: boolean;
}

/** What a claim hands out. */
export type DigestClaim =
  /** Build this batch: its users (in id order; empty when all of them opted out since), first or a retry. */
  | { kind: "batch"; date: string; batch: number; userIds: string[]; attempt: number }
  /** Nothing to claim now: the remaining batches are leased to other invocations. */
  | { kind: "busy"; date: string; leased: number }
  /** The night's run is over. */
  | { kind: "done"; run: DigestRunSummary };

/** A claim request. */
export interface DigestClaimRequest {
  /** The night (YYYY-MM-DD, shared/digests/digest-layout.ts `digestDate`). */
  date: string;
  /** Users per batch (≤ maxBatchUsers). */
  batchUsers: number;
  /** The caller's clock, ms since epoch (the scheduled time plus the time the invocation has run). */
  now: number;
  /** How long the batch is the caller's. */
  leaseMs: number;
}

/** What a completed batch produced. */
export interface DigestBatchOutcome {
  digests: number;
  failed: number;
}
