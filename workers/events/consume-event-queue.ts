/**
 * The event queue's consumer (the Worker's `queue` handler): turns batches of event messages into
 * event-lake objects and trending counts, off the request path.
 *
 * For a batch of the event queue:
 * 1. each message is validated (shared/events/event-queue-message.ts); one that cannot be read is
 *    retried and, after the consumer's `max_retries`, goes to the dead-letter queue — it never
 *    blocks the others;
 * 2. the valid messages' events are written to the R2 lake, one write-once object per UTC hour
 *    partition of their receive time (workers/event-log/r2-event-log-sink.ts, gzip by default):
 *    large objects instead of one per request. A partition whose write fails has its messages
 *    retried (with a delay); the others are acknowledged;
 * 3. the trending credits of the written messages are summed per item (per-batch aggregates,
 *    shared/realtime/aggregate-trending.ts) and each trending shard is called once. Trending is
 *    best effort: a failed shard is logged, the messages are still acknowledged (a retry would
 *    write the lake again);
 * 4. the written events on fresh items (added since the last release) refresh those items' vectors
 *    from the users who interacted (catalog/fold-in-new-items.ts), also best effort.
 *
 * For a batch of the dead-letter queue, each message's raw body is archived under `dead-letter/`
 * in the same bucket (for an operator to inspect and replay) and acknowledged.
 *
 * Delivery is at least once: a message may arrive again after it was written; the lake's readers
 * drop repeated events by (`user_id`, `event_id`), and trending may count such a message twice.
 */
import { DEAD_LETTER_PREFIX, lakeObjectKey, lakePartition } from "../../shared/events/event-lake-layout";
import { type EventQueueMessage, eventQueueMessageSchema } from "../../shared/events/event-queue-message";
import { aggregateTrending } from "../../shared/realtime/aggregate-trending";
import { eventLogConfigFor } from "../config/event-log-config";
import { lakeSinkFor } from "../event-log/select-event-log-sink";
import { createLogger, type Logger, logLevelFrom } from "../logger/logger";
import { foldInNewItems } from "../catalog/fold-in-new-items";
import { countTrending } from "./count-trending";

/** Handles one batch of the event queue or of its dead-letter queue. */
export async function consumeEventQueue(batch: MessageBatch<unknown>, env: Env, logger?: Logger): Promise<void> {
  const log = logger ?? createLogger({ queue: batch.queue }, { level: logLevelFrom(env.LOG_LEVEL) });
  const retry = { delaySeconds: eventLogConfigFor(env).retryDelaySeconds };
  if (batch.queue === env.EVENT_DEAD_LETTER_QUEUE) return archiveDeadLetters(batch, env, log, retry);

  const valid: { message: Message<unknown>; body: EventQueueMessage }[] = [];
  for (const message of batch.messages) {
    const parsed = eventQueueMessageSchema.safeParse(message.body);
    if (parsed.success) {
      valid.push({ message, body: parsed.data });
      continue;
    }
    log.error("event_message_invalid", {
      stage: "event_log",
      message_id: message.id,
      attempts: message.attempts,
      error: parsed.error.issues[0]?.message ?? "invalid",
    });
    message.retry(retry);
  }

  const byPartition = new Map<string, typeof valid>();
  for (const entry of valid) {
    const partition = lakePartition(entry.body.received_at);
    const group = byPartition.get(partition) ?? [];
    group.push(entry);
    byPartition.set(partition, group);
  }

  const sink = lakeSinkFor(env);
  const written: EventQueueMessage[] = [];
  await Promise.all(
    [...byPartition.values()].map(async (group) => {
      const events = group.flatMap(({ body }) => body.events);
      try {
        if (events.length > 0) {
          await sink.write({
            events,
            receivedAt: Math.min(...group.map(({ body }) => body.received_at)),
            requestId: [...new Set(group.map(({ body }) => body.request_id))].join(","),
          });
        }
        for (const { message, body } of group) {
          message.ack();
          written.push(body);
        }
      } catch (error) {
        log.error("event_lake_write_failed", { stage: "event_log", messages: group.length, events: events.length, error });
        for (const { message } of group) message.retry(retry);
      }
    }),
  );

  const credits = aggregateTrending(written.flatMap((body) => body.trending));
  if (credits.length > 0) await countTrending(env, credits, log);
  if (written.length > 0) {
    try {
      await foldInNewItems(
        env,
        written.flatMap((body) => body.events),
        log,
      );
    } catch (error) {
      log.error("new_item_fold_in_failed", { stage: "event_log", error });
    }
  }
}

/** Archives dead letters as JSON objects under `dead-letter/` and acknowledges them. */
async function archiveDeadLetters(batch: MessageBatch<unknown>, env: Env, log: Logger, retry: QueueRetryOptions): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const at = message.timestamp.getTime();
      const key = lakeObjectKey(at, crypto.randomUUID(), DEAD_LETTER_PREFIX, ".json");
      try {
        await env.EVENT_LOG.put(
          key,
          JSON.stringify({ message_id: message.id, attempts: message.attempts, timestamp: at, body: message.body }),
          {
            onlyIf: { etagDoesNotMatch: "*" },
            httpMetadata: { contentType: "application/json" },
          },
        );
        log.warn("event_message_dead_lettered", { stage: "event_log", message_id: message.id, key });
        message.ack();
      } catch (error) {
        log.error("dead_letter_archive_failed", { stage: "event_log", message_id: message.id, error });
        message.retry(retry);
      }
    }),
  );
}
