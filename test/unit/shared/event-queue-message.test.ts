/**
 * The event queue's message format: packing a request's events and trending credits into messages
 * under the byte limit (nothing dropped, order kept), grouping messages into sendBatch calls within
 * Queues' limits, and the schema the consumer validates with.
 */
import { describe, expect, it } from "vitest";
import {
  EVENT_MESSAGE_MAX_BYTES,
  eventQueueMessageSchema,
  packEventMessages,
  sendBatches,
} from "../../../shared/events/event-queue-message";
import type { SessionEvent } from "../../../shared/session/session-contract";

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;

const event = (i: number): SessionEvent => ({
  event_id: `evt-${i}`,
  user_id: `user-${i % 7}`,
  item_id: `item-${i % 50}`,
  type: "click",
  ts: 1_780_000_000_000 + i,
  request_id: `req-${i}`,
  position: i % 10,
  context: { surface: "home", device: "ios-ünïcode" },
});

describe("packEventMessages", () => {
  it("keeps every event and credit, in order, each message under the byte limit", () => {
    const events = Array.from({ length: 500 }, (_, i) => event(i));
    const trending = Array.from({ length: 300 }, (_, i) => ({ itemId: `item-${i}`, weight: 1 + (i % 5), ts: 1_780_000_000_000 }));
    const messages = packEventMessages({ events, trending, receivedAt: 1_780_000_001_000, requestId: "req-big" }, 20_000);
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) {
      expect(bytes(message)).toBeLessThanOrEqual(20_000);
      expect(message).toMatchObject({ v: 1, received_at: 1_780_000_001_000, request_id: "req-big" });
      expect(eventQueueMessageSchema.safeParse(message).success).toBe(true);
    }
    expect(messages.flatMap((message) => message.events)).toEqual(events);
    expect(messages.flatMap((message) => message.trending)).toEqual(trending);
  });

  it("puts a whole request of the largest allowed size into at most a few messages of the default limit", () => {
    const events = Array.from({ length: 500 }, (_, i) => event(i));
    const messages = packEventMessages({ events, trending: [], receivedAt: 1, requestId: "r" });
    expect(messages.length).toBe(Math.ceil(bytes(events) / EVENT_MESSAGE_MAX_BYTES));
    for (const message of messages) expect(bytes(message)).toBeLessThanOrEqual(EVENT_MESSAGE_MAX_BYTES);
  });

  it("makes no message for nothing, and refuses an entry that cannot fit any message", () => {
    expect(packEventMessages({ events: [], trending: [], receivedAt: 1, requestId: "r" })).toEqual([]);
    expect(() => packEventMessages({ events: [event(1)], trending: [], receivedAt: 1, requestId: "r" }, 150)).toThrow(RangeError);
  });
});

describe("sendBatches", () => {
  it("groups at most 100 messages and about 240 KB per call, in order", () => {
    const small = Array.from({ length: 250 }, (_, i) => ({ i }));
    const groups = sendBatches(small);
    expect(groups.map((group) => group.length)).toEqual([100, 100, 50]);
    expect(groups.flat()).toEqual(small);

    const large = Array.from({ length: 7 }, (_, i) => ({ i, pad: "x".repeat(90_000) }));
    const byBytes = sendBatches(large);
    expect(byBytes.map((group) => group.length)).toEqual([2, 2, 2, 1]);
    for (const group of byBytes) expect(bytes(group)).toBeLessThan(256_000);
  });
});

describe("eventQueueMessageSchema", () => {
  it("refuses another version, invalid events and bad credits", () => {
    const good = packEventMessages({
      events: [event(1)],
      trending: [{ itemId: "i1", weight: 2, ts: 5 }],
      receivedAt: 9,
      requestId: "r",
    })[0]!;
    expect(eventQueueMessageSchema.safeParse(good).success).toBe(true);
    expect(eventQueueMessageSchema.safeParse({ ...good, v: 2 }).success).toBe(false);
    expect(eventQueueMessageSchema.safeParse({ ...good, events: [{ ...event(1), type: "nope" }] }).success).toBe(false);
    expect(eventQueueMessageSchema.safeParse({ ...good, events: [{ ...event(1), ts: undefined }] }).success).toBe(false);
    expect(eventQueueMessageSchema.safeParse({ ...good, trending: [{ itemId: "i1", weight: -1, ts: 5 }] }).success).toBe(false);
  });
});
