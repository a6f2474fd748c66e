/** Picks the event log sink for this environment (EVENT_LOG_SINK; workers/config/event-log-config.ts). */
import type { EventQueueMessage } from "../../shared/events/event-queue-message";
import { eventLogConfigFor, eventQueueBindingName } from "../config/event-log-config";
import type { EventLogSink } from "./event-log-sink";
import { createPipelinesEventLogSink, type PipelineStream } from "./pipelines-event-log-sink";
import { createQueueEventLogSink } from "./queue-event-log-sink";
import { createR2EventLogSink } from "./r2-event-log-sink";

/** The sink accepted events are written to. Throws when the configured sink's binding is missing. */
export function eventLogSinkFor(env: Env): EventLogSink {
  const config = eventLogConfigFor(env);
  const r2 = createR2EventLogSink(env.EVENT_LOG, { compression: config.compression });
  switch (config.sink) {
    case "r2":
      return r2;
    case "pipelines": {
      const stream = (env as unknown as Record<string, PipelineStream | undefined>).EVENT_PIPELINE;
      if (!stream) throw new Error('EVENT_LOG_SINK is "pipelines" but the EVENT_PIPELINE binding is missing (docs/data-loop.md)');
      return createPipelinesEventLogSink(stream, r2);
    }
    case "queue":
      return createQueueEventLogSink({ queues: eventQueues(env, config.queueShards), tombstones: r2 });
    default:
      return config.sink satisfies never;
  }
}

/** The lake writer the queue consumer uses: always the R2 bucket. */
export function lakeSinkFor(env: Env): EventLogSink {
  return createR2EventLogSink(env.EVENT_LOG, { compression: eventLogConfigFor(env).compression });
}

/** The producer bindings of the `shards` event queues; throws naming the first one missing. */
function eventQueues(env: Env, shards: number): Queue<EventQueueMessage>[] {
  const bindings = env as unknown as Record<string, Queue<EventQueueMessage> | undefined>;
  return Array.from({ length: shards }, (_, shard) => {
    const queue = bindings[eventQueueBindingName(shard)];
    if (!queue) throw new Error(`EVENT_QUEUE_SHARDS is ${shards} but the ${eventQueueBindingName(shard)} queue binding is missing`);
    return queue;
  });
}
