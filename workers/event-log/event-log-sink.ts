/**
 * The event log sink: where accepted interaction events go for offline training. An interface
 * with one file per implementation — R2 today (`r2-event-log-sink.ts`, NDJSON objects partitioned
 * by date and hour); a queue-backed sink can replace it without touching the events route.
 *
 * Delivery is at least once: the events route writes a batch to the sink before it stores the
 * events in the users' Durable Objects, so a failure anywhere can be retried by the client, and a
 * replayed event may appear in the log twice. Readers dedupe by `event_id` (the pipeline's
 * event-log loader does).
 */
import type { InteractionEvent } from "../../shared/events/interaction-event";

/** One batch of validated events, as received in one request. */
export interface EventLogBatch {
  /** Validated events; `ts` is always set (the edge fills it in when the client did not). */
  events: (InteractionEvent & { ts: number })[];
  /** When the edge received the batch, ms since epoch (picks the partition). */
  receivedAt: number;
  /** The request that carried the batch. */
  requestId: string;
}

/** Where a batch was written. */
export interface EventLogReceipt {
  /** Sink-specific location (an R2 object key). */
  key: string;
  events: number;
}

/** A destination for accepted events. */
export interface EventLogSink {
  /** Implementation name, for logs. */
  readonly name: string;
  /** Durably writes the batch (resolves once stored); rejects when the sink is unavailable. */
  write(batch: EventLogBatch): Promise<EventLogReceipt>;
}
