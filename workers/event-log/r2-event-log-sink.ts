/**
 * Event log on R2 (the event lake): one write-once NDJSON object per batch — per queue batch and
 * partition when the queue consumer writes it (events/consume-event-queue.ts), per request when
 * the route writes directly (`EVENT_LOG_SINK = "r2"`) — in Hive-style partitions by the UTC date
 * and hour the edge received it, so Spark, DuckDB or the pipeline read a time range directly
 * (layout: shared/events/event-lake-layout.ts):
 *
 *   events/dt=2026-01-31/hour=17/1769878800123-<uuid>.ndjson[.gz]
 *   tombstones/<user_id>.json          {"user_id": …, "erased_at": <ms>}
 *
 * Each line is one `InteractionEvent` exactly as the schema defines it (ts filled in), the same
 * shape as `events.ndjson` in the pipeline's event-log folder format; with `compression: "gzip"`
 * the body is gzip (`.ndjson.gz`, content type `application/gzip`). The object name is the receive time plus
 * a random UUID made here (request ids are only custom metadata), and every put is conditional on
 * the key not existing (`onlyIf: { etagDoesNotMatch: "*" }`), so two batches can never overwrite
 * each other, whatever the clients send.
 */
import { type ErasureTombstone, TOMBSTONE_PREFIX, erasureTombstoneSchema, tombstoneKey } from "../../shared/events/erasure-tombstone";
import { EVENTS_PREFIX, type LakeCompression, lakeObjectKey, lakeObjectSuffix } from "../../shared/events/event-lake-layout";
import type { EventLogBatch, EventLogReceipt, EventLogSink } from "./event-log-sink";

/** Options of {@link createR2EventLogSink}. */
export interface R2EventLogSinkOptions {
  /** Key prefix of every batch object. */
  prefix: string;
  /** Key prefix of the erasure tombstones. */
  tombstonePrefix: string;
  /** Makes the unique part of an object name (tests inject a fixed one to check the no-overwrite rule). */
  objectId: () => string;
  /** Names tried per batch before giving up when a name is already taken. */
  attempts: number;
  /** How object bodies are stored (`EVENT_LOG_COMPRESSION`). */
  compression: LakeCompression;
}

/** Defaults: prefix `events`, tombstones under `tombstones`, random UUID names, 3 attempts, no compression. */
export const R2_EVENT_LOG_DEFAULTS = {
  prefix: EVENTS_PREFIX,
  tombstonePrefix: TOMBSTONE_PREFIX,
  objectId: () => crypto.randomUUID(),
  attempts: 3,
  compression: "none",
} as const satisfies R2EventLogSinkOptions;

/** Longest `request_id` metadata value kept (R2 allows 2 KB of custom metadata per object). */
const MAX_REQUEST_ID_METADATA = 1_000;

/** The object key of a batch received at `receivedAt`, named `objectId` (server-made, never client input). */
export function eventLogObjectKey(
  receivedAt: number,
  objectId: string,
  prefix: string = R2_EVENT_LOG_DEFAULTS.prefix,
  compression: LakeCompression = "none",
): string {
  return lakeObjectKey(receivedAt, objectId, prefix, lakeObjectSuffix(compression));
}

/** `text` gzip-compressed. */
async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** An {@link EventLogSink} writing to an R2 bucket. */
export function createR2EventLogSink(bucket: R2Bucket, options: Partial<R2EventLogSinkOptions> = {}): EventLogSink {
  const { prefix, tombstonePrefix, objectId, attempts, compression } = {
    ...R2_EVENT_LOG_DEFAULTS,
    ...options,
  } satisfies R2EventLogSinkOptions;
  return {
    name: "r2",
    countsTrending: false,
    async write(batch: EventLogBatch): Promise<EventLogReceipt> {
      const text = `${batch.events.map((event) => JSON.stringify(event)).join("\n")}\n`;
      const body = compression === "gzip" ? await gzip(text) : text;
      for (let attempt = 0; attempt < attempts; attempt++) {
        const key = eventLogObjectKey(batch.receivedAt, objectId(), prefix, compression);
        const stored = await bucket.put(key, body, {
          onlyIf: { etagDoesNotMatch: "*" },
          // A gzip body is typed as such (not content-encoded), so no HTTP client unpacks it on the way.
          httpMetadata: { contentType: compression === "gzip" ? "application/gzip" : "application/x-ndjson" },
          customMetadata: {
            request_id: batch.requestId.slice(0, MAX_REQUEST_ID_METADATA),
            events: String(batch.events.length),
            received_at: String(batch.receivedAt),
          },
        });
        if (stored !== null) return { key, events: batch.events.length };
      }
      throw new Error(`event log: ${attempts} object names were already taken; the batch was not stored`);
    },
    async writeTombstone(tombstone: ErasureTombstone): Promise<{ key: string; erasedAt: number }> {
      const key = tombstoneKey(tombstone.user_id, tombstonePrefix);
      for (let attempt = 0; attempt < attempts; attempt++) {
        const existing = await bucket.get(key);
        const previous = existing ? erasureTombstoneSchema.safeParse(await existing.json<unknown>().catch(() => null)) : null;
        if (previous?.success && previous.data.erased_at >= tombstone.erased_at) return { key, erasedAt: previous.data.erased_at };
        const stored = await bucket.put(key, JSON.stringify(tombstone), {
          onlyIf: existing ? { etagMatches: existing.etag } : { etagDoesNotMatch: "*" },
          httpMetadata: { contentType: "application/json" },
        });
        if (stored !== null) return { key, erasedAt: tombstone.erased_at };
      }
      throw new Error(`event log: the tombstone ${key} kept changing while it was written`);
    },
  };
}
