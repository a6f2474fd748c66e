/**
 * Ingests a batch of valid interaction events (`POST /v1/events` validates them first):
 * 1. stores them in their user's Durable Object, idempotently by (`user_id`, `event_id`) for the
 *    retention window (a replay is reported as a duplicate and changes nothing: not the session,
 *    not trending, not the A/B counters) — so the user's next request reflects them — with the
 *    event-weight table of the release serving that user (the canary's for its share), so the
 *    session weighs them as that release was trained;
 * 2. writes every valid event to the event log sink (by default: enqueued on Cloudflare Queues,
 *    at least once — see event-log/event-log-sink.ts) with the trending credits the sessions
 *    granted (one per user × item per TRENDING_USER_WINDOW_HOURS, the strongest event's weight);
 *    the queue's consumer counts them per queue batch. The client is answered only after this
 *    write: an acknowledged event is durably logged. When the write fails the sessions have the
 *    events but the log does not; the client is told to retry, which changes nothing in the
 *    sessions (duplicates) and logs the events (readers drop repeats);
 * 3. a sink that does not count trending (`r2`, `pipelines`) has the route call the trending
 *    shards itself (best effort: a shard that fails is logged);
 * 4. credits the user's A/B arms, in the background: only clicks and conversions echoing a
 *    `request_id` that served that item to that user (once per served item);
 * 5. adds each event's outcome to the request's metrics (docs/operations.md).
 */
import type { TrendingEntry } from "../../shared/realtime/trending-entry";
import type { AppendResult, SessionEvent } from "../../shared/session/session-contract";
import { servingConfigFor } from "../config/serving-config";
import { eventLogSinkFor } from "../event-log/select-event-log-sink";
import { recordAttributedEvents } from "../experiments/experiment-counters";
import type { Logger } from "../logger/logger";
import { kvForUser } from "../releases/serving-release";
import { eventWeightsOrDefault } from "../store/kv-store";
import { countTrending } from "./count-trending";
import { requestMetricsOf } from "../metrics/request-metrics";
import type { EventOutcome } from "../../shared/metrics/metric-labels";

/** Options of {@link ingestEvents}. */
export interface IngestOptions {
  requestId: string;
  /** When the batch arrived (ms); the event log records it. */
  receivedAt: number;
  logger: Logger;
  /** Runs work past the response (A/B attribution). */
  waitUntil: (promise: Promise<unknown>) => void;
}

/**
 * What happened to a batch: `stored` with the counts and the ids of events whose user session
 * failed (retrying them is safe), or `event_log_unavailable` (the sessions that answered have the
 * events, the log does not; retrying the whole batch is safe).
 */
export type IngestOutcome =
  | { status: "event_log_unavailable"; accepted: number; duplicates: number; failedEventIds: string[] }
  | { status: "stored"; accepted: number; duplicates: number; failedEventIds: string[] };

/** Ingests `events` (already validated and authorised). */
export async function ingestEvents(env: Env, events: readonly SessionEvent[], options: IngestOptions): Promise<IngestOutcome> {
  const { logger } = options;
  const groups = groupByUser(events);
  const results = await Promise.allSettled(groups.map(([userId, group]) => appendForUser(env, userId, group, logger)));
  let accepted = 0;
  let duplicates = 0;
  const failedEventIds: string[] = [];
  const trendingEntries: TrendingEntry[] = [];
  const attributedEvents: SessionEvent[] = [];
  results.forEach((result, i) => {
    const group = groups[i]![1];
    if (result.status === "rejected") {
      failedEventIds.push(...group.map((event) => event.event_id));
      return;
    }
    accepted += result.value.accepted.length;
    duplicates += result.value.duplicates.length;
    const byId = new Map(group.map((event) => [event.event_id, event]));
    for (const credit of result.value.trending) {
      const event = byId.get(credit.eventId);
      if (event) trendingEntries.push({ itemId: event.item_id, weight: credit.weight, ts: event.ts });
    }
    for (const eventId of result.value.attributed) {
      const event = byId.get(eventId);
      if (event) attributedEvents.push(event);
    }
  });
  const counts = { accepted, duplicates, failedEventIds };

  let countsTrending = false;
  try {
    const sink = eventLogSinkFor(env);
    countsTrending = sink.countsTrending;
    await sink.write({
      events: [...events],
      receivedAt: options.receivedAt,
      requestId: options.requestId,
      ...(countsTrending ? { trending: trendingEntries } : {}),
    });
  } catch (error) {
    logger.error("event_log_write_failed", { stage: "event_log", error });
    recordOutcomes(env, groups, results, "event_log_unavailable");
    return { status: "event_log_unavailable", ...counts };
  }
  recordOutcomes(env, groups, results, "stored");

  if (!countsTrending) await countTrending(env, trendingEntries, logger);
  options.waitUntil(
    recordAttributedEvents(env, servingConfigFor(env), attributedEvents).catch((error: unknown) =>
      logger.warn("experiment_attribution_failed", { stage: "experiment_attribution", error }),
    ),
  );
  return { status: "stored", ...counts };
}

/**
 * Adds each event's outcome to the request's metrics (metrics/request-metrics.ts), by type:
 * `accepted` or `duplicate` as the user's session answered, `failed` when its session failed or —
 * for the events the sessions accepted — when the event log did not take the batch (the client
 * retries them).
 */
function recordOutcomes(
  env: Env,
  groups: readonly [userId: string, events: SessionEvent[]][],
  results: readonly PromiseSettledResult<AppendResult>[],
  status: IngestOutcome["status"],
): void {
  const recorder = requestMetricsOf(env);
  if (!recorder) return;
  groups.forEach(([, group], i) => {
    const result = results[i];
    const accepted = new Set(result?.status === "fulfilled" ? result.value.accepted : []);
    const duplicates = new Set(result?.status === "fulfilled" ? result.value.duplicates : []);
    for (const event of group) {
      const outcome: EventOutcome = duplicates.has(event.event_id)
        ? "duplicate"
        : accepted.has(event.event_id) && status === "stored"
          ? "accepted"
          : "failed";
      recorder.addEvents(event.type, outcome, 1, event.context?.surface);
    }
  });
}

/**
 * The events grouped by user, in first-seen order: each group goes to that user's Durable Object
 * in one call (and is where a per-user check belongs).
 */
function groupByUser(events: readonly SessionEvent[]): [userId: string, events: SessionEvent[]][] {
  const byUser = new Map<string, SessionEvent[]>();
  for (const event of events) {
    const group = byUser.get(event.user_id) ?? [];
    group.push(event);
    byUser.set(event.user_id, group);
  }
  return [...byUser];
}

/**
 * Stores one user's events in their session, weighed with their release's table (held in the
 * isolate with the manifest, so a warm isolate reads no KV for it; the default table when KV fails:
 * a weight is no reason to refuse an event); the result says which count for trending and A/B.
 */
async function appendForUser(env: Env, userId: string, events: SessionEvent[], logger: Logger): Promise<AppendResult> {
  const eventWeights = await eventWeightsOrDefault(kvForUser(env, userId), logger, "events");
  return env.USER_SESSION.getByName(userId).appendEvents(events, { eventWeights });
}
