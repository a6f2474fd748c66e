/**
 * Event log on R2: one NDJSON object per accepted batch, Hive-style partitions by the UTC date and
 * hour the edge received it, so Spark, DuckDB or the pipeline read a time range directly:
 *
 *   events/dt=2026-01-31/hour=17/1769878800123-<request_id>.ndjson
 *
 * Each line is one `InteractionEvent` exactly as the schema defines it (ts filled in), the same
 * shape as `events.ndjson` in the pipeline's event-log folder format.
 */
import type { EventLogBatch, EventLogReceipt, EventLogSink } from "./event-log-sink";

/** Options of {@link createR2EventLogSink}. */
export interface R2EventLogSinkOptions {
  /** Key prefix of every object. */
  prefix: string;
}

/** Default prefix `events`. */
export const R2_EVENT_LOG_DEFAULTS = { prefix: "events" } as const satisfies R2EventLogSinkOptions;

/** The object key of a batch received at `receivedAt` by request `requestId`. */
export function eventLogObjectKey(receivedAt: number, requestId: string, prefix: string = R2_EVENT_LOG_DEFAULTS.prefix): string {
  const iso = new Date(receivedAt).toISOString();
  const safeRequestId = requestId.replace(/[^A-Za-z0-9_.:-]/g, "_");
  return `${prefix}/dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}/${receivedAt}-${safeRequestId}.ndjson`;
}

/** An {@link EventLogSink} writing to an R2 bucket. */
export function createR2EventLogSink(bucket: R2Bucket, options: Partial<R2EventLogSinkOptions> = {}): EventLogSink {
  const { prefix } = { ...R2_EVENT_LOG_DEFAULTS, ...options } satisfies R2EventLogSinkOptions;
  return {
    name: "r2",
    async write(batch: EventLogBatch): Promise<EventLogReceipt> {
      const key = eventLogObjectKey(batch.receivedAt, batch.requestId, prefix);
      const body = batch.events.map((event) => JSON.stringify(event)).join("\n") + "\n";
      await bucket.put(key, body, {
        httpMetadata: { contentType: "application/x-ndjson" },
        customMetadata: { request_id: batch.requestId, events: String(batch.events.length), received_at: String(batch.receivedAt) },
      });
      return { key, events: batch.events.length };
    },
  };
}
