/**
 * The contract every EventLogSink implementation must meet, as one shared suite: a written batch
 * can be read back at the location the receipt names, as NDJSON lines equal to the events (in
 * order, `ts` kept), and separate batches never overwrite each other.
 */
import { describe, expect, it } from "vitest";
import type { EventLogBatch, EventLogSink } from "../../workers/event-log/event-log-sink";

/** A sink under test plus a way to read back what it wrote at a receipt's key. */
export interface EventLogSinkUnderTest {
  sink: EventLogSink;
  read(key: string): Promise<string | null>;
}

const batch = (requestId: string, receivedAt: number): EventLogBatch => ({
  requestId,
  receivedAt,
  events: [
    { event_id: `${requestId}-1`, user_id: "u1", item_id: "i1", type: "click", ts: receivedAt - 5, context: { surface: "home" } },
    { event_id: `${requestId}-2`, user_id: "u2", item_id: "i2", type: "rating", value: 4, ts: receivedAt - 1, request_id: "r-9", position: 3 },
  ],
});

/** Registers the contract suite for one implementation. */
export function eventLogSinkContract(name: string, make: () => EventLogSinkUnderTest): void {
  describe(`EventLogSink contract: ${name}`, () => {
    it("stores a batch as NDJSON, one event per line, readable at the receipt's key", async () => {
      const { sink, read } = make();
      const written = batch("req-contract-1", Date.UTC(2026, 0, 31, 17, 5));
      const receipt = await sink.write(written);
      expect(receipt.events).toBe(2);
      const text = await read(receipt.key);
      expect(text).not.toBeNull();
      expect(text!.endsWith("\n")).toBe(true);
      expect(text!.trimEnd().split("\n").map((line) => JSON.parse(line))).toEqual(written.events);
    });

    it("never overwrites one batch with another", async () => {
      const { sink, read } = make();
      const at = Date.UTC(2026, 0, 31, 17, 6);
      const [a, b] = await Promise.all([sink.write(batch("req-contract-a", at)), sink.write(batch("req-contract-b", at))]);
      expect(a.key).not.toBe(b.key);
      expect(await read(a.key)).toContain("req-contract-a-1");
      expect(await read(b.key)).toContain("req-contract-b-1");
    });
  });
}
