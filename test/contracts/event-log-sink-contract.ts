/**
 * The contract every EventLogSink implementation must meet, as one shared suite: a written batch
 * can be read back at the location the receipt names, as NDJSON lines equal to the events (in
 * order, `ts` kept); separate batches never overwrite each other — not even with the same request
 * id and receive time, and not even when the sink's own name generator repeats itself; an erasure
 * tombstone is readable at its key, and an earlier erasure never replaces a later one.
 */
import { describe, expect, it } from "vitest";
import type { EventLogBatch, EventLogSink } from "../../workers/event-log/event-log-sink";

/** A sink under test plus a way to read back what it wrote at a receipt's key. */
export interface EventLogSinkUnderTest {
  sink: EventLogSink;
  read(key: string): Promise<string | null>;
}

/** What a test may ask of a fresh sink: a fixed generator for the unique part of its object names. */
export interface EventLogSinkTestOptions {
  objectId?: () => string;
}

const batch = (requestId: string, receivedAt: number, tag = requestId): EventLogBatch => ({
  requestId,
  receivedAt,
  events: [
    { event_id: `${tag}-1`, user_id: "u1", item_id: "i1", type: "click", ts: receivedAt - 5, context: { surface: "home" } },
    { event_id: `${tag}-2`, user_id: "u2", item_id: "i2", type: "rating", value: 4, ts: receivedAt - 1, request_id: "r-9", position: 3 },
  ],
});

/** Registers the contract suite for one implementation; `make` returns a sink over fresh storage. */
export function eventLogSinkContract(name: string, make: (options?: EventLogSinkTestOptions) => EventLogSinkUnderTest): void {
  describe(`EventLogSink contract: ${name}`, () => {
    it("stores a batch as NDJSON, one event per line, readable at the receipt's key", async () => {
      const { sink, read } = make();
      const written = batch("req-contract-1", Date.UTC(2026, 0, 31, 17, 5));
      const receipt = await sink.write(written);
      expect(receipt.events).toBe(2);
      const text = await read(receipt.key);
      expect(text).not.toBeNull();
      expect(text!.endsWith("\n")).toBe(true);
      expect(
        text!
          .trimEnd()
          .split("\n")
          .map((line) => JSON.parse(line)),
      ).toEqual(written.events);
    });

    it("never overwrites one batch with another", async () => {
      const { sink, read } = make();
      const at = Date.UTC(2026, 0, 31, 17, 6);
      const [a, b] = await Promise.all([sink.write(batch("req-contract-a", at)), sink.write(batch("req-contract-b", at))]);
      expect(a.key).not.toBe(b.key);
      expect(await read(a.key)).toContain("req-contract-a-1");
      expect(await read(b.key)).toContain("req-contract-b-1");
    });

    it("keeps every batch that shares a client request id and receive time", async () => {
      const { sink, read } = make();
      const at = Date.UTC(2026, 0, 31, 17, 7);
      const receipts = await Promise.all(Array.from({ length: 8 }, (_, i) => sink.write(batch("same-request-id", at, `same-${i}`))));
      expect(new Set(receipts.map((receipt) => receipt.key)).size).toBe(8);
      for (const [i, receipt] of receipts.entries()) expect(await read(receipt.key)).toContain(`"same-${i}-1"`);
    });

    it("fails a write rather than replace a stored batch when an object name repeats", async () => {
      const { sink, read } = make({ objectId: () => "always-the-same" });
      const at = Date.UTC(2026, 0, 31, 17, 8);
      const first = await sink.write(batch("req-first", at));
      await expect(sink.write(batch("req-second", at))).rejects.toThrow();
      const text = await read(first.key);
      expect(text).toContain("req-first-1");
      expect(text).not.toContain("req-second");
    });

    it("records an erasure tombstone; a later erasure supersedes an earlier one, never the reverse", async () => {
      const { sink, read } = make();
      const first = await sink.writeTombstone({ user_id: "u-erased", erased_at: 2_000 });
      expect(JSON.parse((await read(first.key))!)).toEqual({ user_id: "u-erased", erased_at: 2_000 });
      expect(await sink.writeTombstone({ user_id: "u-erased", erased_at: 1_000 })).toEqual({ key: first.key, erasedAt: 2_000 });
      expect(JSON.parse((await read(first.key))!)).toEqual({ user_id: "u-erased", erased_at: 2_000 });
      expect(await sink.writeTombstone({ user_id: "u-erased", erased_at: 3_000 })).toEqual({ key: first.key, erasedAt: 3_000 });
      expect(JSON.parse((await read(first.key))!)).toEqual({ user_id: "u-erased", erased_at: 3_000 });
    });
  });
}
