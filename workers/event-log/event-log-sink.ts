/**
 * The event log sink: where accepted interaction events go for offline training, and where
 * erasures are recorded so training forgets an erased user. An interface with one file per
 * implementation, picked by `EVENT_LOG_SINK` (select-event-log-sink.ts):
 *
 * - `queue` (default): the events route enqueues each batch on Cloudflare Queues
 *   (queue-event-log-sink.ts); the queue consumer (events/consume-event-queue.ts) writes them to the
 *   R2 lake in large partitioned objects and counts trending per queue batch;
 * - `r2`: the route writes one R2 object per request itself (r2-event-log-sink.ts; also what the
 *   consumer uses to write the lake);
 * - `pipelines`: Cloudflare Pipelines (pipelines-event-log-sink.ts; exactly-once delivery into R2 as
 *   Parquet or JSON, no local simulation).
 *
 * Delivery is at least once: a replayed request, a retried queue message or a retried write can log
 * an event twice, so readers dedupe by (`user_id`, `event_id`) (shared/events/event-key.ts; the
 * pipeline's event-log loader does). Erasure tombstones always go to the R2 bucket.
 *
 * A sink never overwrites a stored batch: every object gets a server-made name (never derived from
 * client input such as `x-request-id`), and a write that would replace an existing object fails
 * instead, so every acknowledged event stays in the log.
 */
import type { ErasureTombstone } from "../../shared/events/erasure-tombstone";
import type { TrendingEntry } from "../../shared/realtime/trending-entry";
import type { SessionEvent } from "../../shared/session/session-contract";

/** One batch of validated events, as received in one request (or merged by the queue consumer). */
export interface EventLogBatch {
  /** Validated events; `ts` is always set (the edge fills it in when the client did not). */
  events: SessionEvent[];
  /** When the edge received the batch, ms since epoch (picks the partition). */
  receivedAt: number;
  /** The request(s) that carried the batch (kept as metadata; never part of an object's name). */
  requestId: string;
  /**
   * Trending credits the users' sessions granted for these events; a sink that `countsTrending`
   * has them counted downstream, any other ignores them (the route counts them itself).
   */
  trending?: readonly TrendingEntry[];
}

/** Where a batch (or a tombstone) was written. */
export interface EventLogReceipt {
  /** Sink-specific location (an R2 object key, or the queue and the number of messages). */
  key: string;
  events: number;
}

/** A destination for accepted events and erasure tombstones. */
export interface EventLogSink {
  /** Implementation name, for logs. */
  readonly name: string;
  /** True when the batch's `trending` credits are counted downstream of this sink (the queue's consumer). */
  readonly countsTrending: boolean;
  /**
   * Durably writes the batch (resolves once stored or durably enqueued); rejects when the sink is
   * unavailable, and never replaces a batch written before.
   */
  write(batch: EventLogBatch): Promise<EventLogReceipt>;
  /**
   * Records that `tombstone.user_id` was erased at `tombstone.erased_at` (one record per user; a
   * later erasure supersedes an earlier one, an earlier one never replaces a later one). Resolves
   * with the record's location once stored.
   */
  writeTombstone(tombstone: ErasureTombstone): Promise<{ key: string; erasedAt: number }>;
}
