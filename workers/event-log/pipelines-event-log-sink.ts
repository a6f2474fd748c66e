/**
 * A deploy-time option (`EVENT_LOG_SINK = "pipelines"`): the events route sends each batch to a
 * Cloudflare Pipelines stream (the EVENT_PIPELINE binding), which delivers exactly once into R2 —
 * as Parquet in an R2 Data Catalog (Apache Iceberg) table, or as JSON files the pipeline reads
 * like the lake (docs/data-loop.md). Pipelines has no local simulation (miniflare's binding accepts
 * and drops records), so this sink is tested against the EventLogSink contract with a fake stream.
 * Erasure tombstones still go to the R2 bucket, and trending is counted by the route.
 */
import type { EventLogBatch, EventLogReceipt, EventLogSink } from "./event-log-sink";

/** The part of a Pipelines binding this sink uses. */
export interface PipelineStream {
  send(records: Record<string, unknown>[]): Promise<void>;
}

/** Records per `send` call (Pipelines accepts batches of records; a request holds at most 500 events). */
const RECORDS_PER_SEND = 500;

/** An {@link EventLogSink} over a Pipelines stream. */
export function createPipelinesEventLogSink(stream: PipelineStream, tombstones: Pick<EventLogSink, "writeTombstone">): EventLogSink {
  return {
    name: "pipelines",
    countsTrending: false,
    async write(batch: EventLogBatch): Promise<EventLogReceipt> {
      const records = batch.events.map((event) => ({ ...event, received_at: batch.receivedAt }) as Record<string, unknown>);
      for (let start = 0; start < records.length; start += RECORDS_PER_SEND) {
        await stream.send(records.slice(start, start + RECORDS_PER_SEND));
      }
      return { key: `pipeline:${batch.requestId}`, events: batch.events.length };
    },
    writeTombstone: (tombstone) => tombstones.writeTombstone(tombstone),
  };
}
