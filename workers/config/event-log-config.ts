/**
 * Configuration of the event log, from wrangler.toml vars: which sink the events route writes to
 * (EVENT_LOG_SINK), how the lake's objects are stored (EVENT_LOG_COMPRESSION) and over how many
 * queues the events are spread (EVENT_QUEUE_SHARDS). One reader for the route and the consumer.
 */
import type { LakeCompression } from "../../shared/events/event-lake-layout";
import { positiveIntegerVar } from "./env-vars";

/** Sinks the events route can write to (workers/event-log/event-log-sink.ts). */
export const EVENT_LOG_SINKS = ["queue", "r2", "pipelines"] as const;

/** One of {@link EVENT_LOG_SINKS}. */
export type EventLogSinkName = (typeof EVENT_LOG_SINKS)[number];

/** Event log settings. */
export interface EventLogConfig {
  sink: EventLogSinkName;
  compression: LakeCompression;
  /**
   * Queues the events are spread over by a hash of the user id (bindings EVENT_QUEUE, EVENT_QUEUE_1,
   * … EVENT_QUEUE_<n-1>): one queue takes 5,000 messages/s, so a larger deployment adds queues.
   */
  queueShards: number;
  /** Seconds a message the consumer could not process waits before it is delivered again (EVENT_RETRY_DELAY_SECONDS). */
  retryDelaySeconds: number;
}

/** Defaults: the queue, gzip objects, one queue, retries after 10 s. */
export const EVENT_LOG_DEFAULTS = {
  sink: "queue",
  compression: "gzip",
  queueShards: 1,
  retryDelaySeconds: 10,
} as const satisfies EventLogConfig;

/** The event log settings of this environment; an unknown sink or compression name falls back to the default. */
export function eventLogConfigFor(env: Env): EventLogConfig {
  const sink = EVENT_LOG_SINKS.find((name) => name === env.EVENT_LOG_SINK) ?? EVENT_LOG_DEFAULTS.sink;
  const compression =
    env.EVENT_LOG_COMPRESSION === "none" || env.EVENT_LOG_COMPRESSION === "gzip"
      ? env.EVENT_LOG_COMPRESSION
      : EVENT_LOG_DEFAULTS.compression;
  const delay = Number(env.EVENT_RETRY_DELAY_SECONDS);
  return {
    sink,
    compression,
    queueShards: positiveIntegerVar(env.EVENT_QUEUE_SHARDS, EVENT_LOG_DEFAULTS.queueShards),
    retryDelaySeconds:
      env.EVENT_RETRY_DELAY_SECONDS?.trim() && Number.isInteger(delay) && delay >= 0 && delay <= 43_200
        ? delay
        : EVENT_LOG_DEFAULTS.retryDelaySeconds,
  };
}

/** The binding name of queue shard `index` (0 → EVENT_QUEUE). */
export function eventQueueBindingName(index: number): string {
  return index === 0 ? "EVENT_QUEUE" : `EVENT_QUEUE_${index}`;
}
