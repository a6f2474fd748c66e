/**
 * The event log sink: where accepted interaction events go for offline training, and where
 * erasures are recorded so training forgets an erased user. An interface with one file per
 * implementation — R2 today (`r2-event-log-sink.ts`, NDJSON objects partitioned by date and hour,
 * tombstones beside them); a queue-backed sink can replace it without touching the routes.
 *
 * Delivery is at least once: the events route writes a batch to the sink before it stores the
 * events in the users' Durable Objects, so a failure anywhere can be retried by the client, and a
 * replayed event may appear in the log twice. Event ids are scoped per user, so readers dedupe by
 * (`user_id`, `event_id`) (shared/events/event-key.ts; the pipeline's event-log loader does).
 *
 * A sink never overwrites a stored batch: every batch gets a server-made name (never derived from
 * client input such as `x-request-id`), and a write that would replace an existing object fails
 * instead, so every acknowledged event stays in the log.
 */
import type { ErasureTombstone } from "../../shared/events/erasure-tombstone";
import type { InteractionEvent } from "../../shared/events/interaction-event";

/** One batch of validated events, as received in one request. */
export interface EventLogBatch {
  /** Validated events; `ts` is always set (the edge fills it in when the client did not). */
  events: (InteractionEvent & { ts: number })[];
  /** When the edge received the batch, ms since epoch (picks the partition). */
  receivedAt: number;
  /** The request that carried the batch (kept as metadata; never part of the object's name). */
  requestId: string;
}

/** Where a batch (or a tombstone) was written. */
export interface EventLogReceipt {
  /** Sink-specific location (an R2 object key). */
  key: string;
  events: number;
}

/** A destination for accepted events and erasure tombstones. */
export interface EventLogSink {
  /** Implementation name, for logs. */
  readonly name: string;
  /**
   * Durably writes the batch as a new object (resolves once stored); rejects when the sink is
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
