/**
 * The default event log sink: the events route enqueues each batch on Cloudflare Queues and
 * acknowledges the client once `sendBatch` has resolved (Queues has stored the messages durably;
 * locally, in miniflare's in-memory simulation, see docs/data-loop.md). The consumer
 * (events/consume-event-queue.ts) writes the lake and counts the trending credits that ride along.
 *
 * Events are packed many to a message (shared/events/event-queue-message.ts) and a request's
 * messages go out in as few `sendBatch` calls as Queues' limits allow (≤ 100 messages, 256 KB).
 * With several queues (EVENT_QUEUE_SHARDS), each user's events go to the queue of their user id's
 * hash, so one user's events stay in order within one queue.
 */
import { type EventQueueMessage, packEventMessages, sendBatches } from "../../shared/events/event-queue-message";
import { shardForKey } from "../../shared/realtime/shard-for-key";
import type { TrendingEntry } from "../../shared/realtime/trending-entry";
import type { EventLogBatch, EventLogReceipt, EventLogSink } from "./event-log-sink";

/** Options of {@link createQueueEventLogSink}. */
export interface QueueEventLogSinkOptions {
  /** The queues, by shard (index 0 is EVENT_QUEUE). */
  queues: readonly Queue<EventQueueMessage>[];
  /** Where tombstones go (the R2 sink: a tombstone must be readable at once, not after a queue). */
  tombstones: Pick<EventLogSink, "writeTombstone">;
}

/** An {@link EventLogSink} that enqueues batches for the consumer. */
export function createQueueEventLogSink({ queues, tombstones }: QueueEventLogSinkOptions): EventLogSink {
  if (queues.length === 0) throw new Error("queue event log: no queue bindings");
  return {
    name: "queue",
    countsTrending: true,
    async write(batch: EventLogBatch): Promise<EventLogReceipt> {
      const shards = splitByQueue(batch, queues.length);
      let messages = 0;
      await Promise.all(
        shards.map(async (part, shard) => {
          if (part.events.length === 0 && part.trending.length === 0) return;
          const packed = packEventMessages({
            events: part.events,
            trending: part.trending,
            receivedAt: batch.receivedAt,
            requestId: batch.requestId,
          });
          messages += packed.length;
          for (const group of sendBatches(packed)) {
            await queues[shard]!.sendBatch(group.map((body) => ({ body, contentType: "json" as const })));
          }
        }),
      );
      return { key: `queue:${messages}`, events: batch.events.length };
    },
    writeTombstone: (tombstone) => tombstones.writeTombstone(tombstone),
  };
}

/** The batch's events by the queue of their user (trending credits, which name no user, ride with shard 0). */
function splitByQueue(batch: EventLogBatch, shards: number): { events: EventLogBatch["events"]; trending: TrendingEntry[] }[] {
  const parts = Array.from({ length: shards }, () => ({ events: [] as EventLogBatch["events"], trending: [] as TrendingEntry[] }));
  for (const event of batch.events) parts[shards === 1 ? 0 : shardForKey(event.user_id, shards)]!.events.push(event);
  parts[0]!.trending.push(...(batch.trending ?? []));
  return parts;
}
