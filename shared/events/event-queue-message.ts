/**
 * The event queue's message: what `POST /v1/events` enqueues once the users' sessions have taken
 * the batch, and what the queue consumer turns into event-lake objects and trending counts.
 *
 * Events are packed many to a message (a queue takes 5,000 messages/s, so one message per event
 * would cap ingestion there) and a request's events are split over as few messages as fit under
 * {@link EVENT_MESSAGE_MAX_BYTES} (Queues refuses messages over 128 KB, ~100 bytes of which are its
 * own metadata). A message also carries the trending credits the sessions granted for its
 * request, so the consumer, not the request, calls the trending shards.
 *
 * Delivery is at least once: a message can be delivered (and written to the lake) twice; readers
 * drop repeats by (`user_id`, `event_id`) (shared/events/event-key.ts).
 */
import { z } from "zod";
import type { TrendingEntry } from "../realtime/trending-entry";
import type { SessionEvent } from "../session/session-contract";
import { idSchema, interactionEventSchema } from "./interaction-event";

/** Format version of {@link EventQueueMessage}; a consumer refuses (dead-letters) any other. */
export const EVENT_MESSAGE_VERSION = 1;

/** Largest serialised message the producer makes (UTF-8 bytes), well under Queues' 128 KB. */
export const EVENT_MESSAGE_MAX_BYTES = 100_000;

/** Schema of one message; the consumer validates every event again before it reaches the lake. */
export const eventQueueMessageSchema = z.object({
  v: z.literal(EVENT_MESSAGE_VERSION),
  /** When the edge received the request, ms since epoch (picks the lake partition). */
  received_at: z.number().int().nonnegative(),
  /** The request that carried the events (for tracing; never part of an object name). */
  request_id: z.string().min(1).max(200),
  events: z.array(interactionEventSchema.extend({ ts: z.number().int() })),
  /** Trending credits granted by the users' sessions for this request's accepted events. */
  trending: z.array(z.object({ itemId: idSchema, weight: z.number().positive().finite(), ts: z.number().int() })),
});

/** One message of the event queue. */
export type EventQueueMessage = z.infer<typeof eventQueueMessageSchema>;

/** What one request hands to the queue. */
export interface EventQueueBatch {
  events: readonly SessionEvent[];
  receivedAt: number;
  requestId: string;
  trending: readonly TrendingEntry[];
}

const encoder = new TextEncoder();

/** UTF-8 length of `value` serialised as JSON. */
function jsonBytes(value: unknown): number {
  return encoder.encode(JSON.stringify(value)).length;
}

/**
 * Splits a request's events and credits into as few messages as fit `maxBytes` each (in order:
 * events first, then credits). A request with nothing to log or count makes no message.
 * @example packEventMessages({ events, receivedAt: Date.now(), requestId: "req-1", trending: [] }) // → [{ v: 1, … }]
 */
export function packEventMessages(batch: EventQueueBatch, maxBytes: number = EVENT_MESSAGE_MAX_BYTES): EventQueueMessage[] {
  const empty = (): EventQueueMessage => ({
    v: EVENT_MESSAGE_VERSION,
    received_at: batch.receivedAt,
    request_id: batch.requestId,
    events: [],
    trending: [],
  });
  const headerBytes = jsonBytes(empty());
  if (headerBytes >= maxBytes) throw new RangeError(`event message: ${maxBytes} bytes cannot hold a message header (${headerBytes})`);
  const messages: EventQueueMessage[] = [];
  let current = empty();
  let bytes = headerBytes;
  const add = (part: "events" | "trending", value: SessionEvent | TrendingEntry) => {
    // Each element adds its JSON and, after the first, a comma.
    const size = jsonBytes(value) + 1;
    if (headerBytes + size > maxBytes) throw new RangeError(`event message: one ${part} entry is ${size} bytes, over ${maxBytes}`);
    if (bytes + size > maxBytes) {
      messages.push(current);
      current = empty();
      bytes = headerBytes;
    }
    (current[part] as unknown[]).push(value);
    bytes += size;
  };
  for (const event of batch.events) add("events", event);
  for (const credit of batch.trending) add("trending", { itemId: credit.itemId, weight: credit.weight, ts: credit.ts });
  if (current.events.length > 0 || current.trending.length > 0) messages.push(current);
  return messages;
}

/**
 * Groups serialised messages into `sendBatch` calls within Queues' limits (≤ 100 messages and
 * ≤ 256 KB per call; `maxBatchBytes` leaves room for per-message metadata).
 */
export function sendBatches<T>(messages: readonly T[], maxMessages = 100, maxBatchBytes = 240_000): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = jsonBytes(message) + 100;
    if (current.length > 0 && (current.length >= maxMessages || bytes + size > maxBatchBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
