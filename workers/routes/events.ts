/**
 * `POST /v1/events` — interaction events, one object or `{"events": [...]}` (≤ 500 per call).
 * Each event is validated on its own, its `ts` included: an event stamped more than
 * EVENT_MAX_FUTURE_SECONDS ahead of the edge's clock or older than USER_RETENTION_DAYS is rejected
 * (`invalid_event`, naming the window; shared/events/event-time-window.ts says why reject, not clamp).
 * The valid ones are
 * 1. written to the event log sink (R2 NDJSON under a server-made name that is never overwritten,
 *    at least once — see event-log/event-log-sink.ts),
 * 2. stored in their user's Durable Object, idempotently by (`user_id`, `event_id`) for the
 *    retention window (a replay is reported as a duplicate and changes nothing: not the session,
 *    not trending, not the A/B counters),
 * 3. counted by the trending shards: only what the user's session credits — one count per user ×
 *    item per TRENDING_USER_WINDOW_HOURS, with the strongest event's weight,
 * 4. credited to the user's A/B arms: only clicks and conversions echoing a `request_id` that served
 *    that item to that user (once per served item).
 * The next recommendation request for the user already reflects them.
 *
 * @example
 * curl -X POST http://127.0.0.1:8787/v1/events -H 'content-type: application/json' \
 *   -d '{"event_id":"e1","user_id":"u00042","item_id":"i00017","type":"click"}'
 * → {"accepted":1,"duplicates":0,"rejected":[]}
 */
import { Hono } from "hono";
import { eventTimeViolation } from "../../shared/events/event-time-window";
import { interactionEventSchema } from "../../shared/events/interaction-event";
import { shardForKey } from "../../shared/realtime/shard-for-key";
import type { TrendingEntry } from "../../shared/realtime/trending-entry";
import type { AppendResult, SessionEvent } from "../../shared/session/session-contract";
import type { AppEnv } from "../app-env";
import { eventTimeWindowFor } from "../config/retention-config";
import { servingConfigFor } from "../config/serving-config";
import { trendingConfigFor, trendingShardName } from "../config/trending-config";
import { assertActsFor } from "../auth/principal";
import { ApiError } from "../errors/api-error";
import { recordAttributedEvents } from "../experiments/experiment-counters";
import { eventLogSinkFor } from "../event-log/select-event-log-sink";
import type { Logger } from "../logger/logger";
import { readJsonBody } from "./read-json-body";

/** Most events accepted in one call. */
export const MAX_EVENTS_PER_BATCH = 500;
/** Largest request body accepted, in bytes. */
export const MAX_EVENTS_BODY_BYTES = 1_000_000;

/** Why one event of a batch was rejected. */
interface RejectedEvent {
  index: number;
  event_id?: string;
  error: { code: "invalid_event"; message: string };
}

/** The events route. */
export const eventsRoute = new Hono<AppEnv>().post("/", async (c) => {
  const body = await readJsonBody(c.req.raw, MAX_EVENTS_BODY_BYTES);
  const list: unknown[] = isBatch(body) ? body.events : [body];
  if (list.length === 0) throw new ApiError(400, "invalid_request", "events: expected at least one event");
  if (list.length > MAX_EVENTS_PER_BATCH) {
    throw new ApiError(413, "payload_too_large", `events: at most ${MAX_EVENTS_PER_BATCH} per call, got ${list.length}`);
  }

  const now = Date.now();
  const window = eventTimeWindowFor(c.env);
  const rejected: RejectedEvent[] = [];
  const valid: SessionEvent[] = [];
  list.forEach((raw, index) => {
    const parsed = interactionEventSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const eventId = typeof (raw as { event_id?: unknown })?.event_id === "string" ? (raw as { event_id: string }).event_id : undefined;
      rejected.push({
        index,
        ...(eventId ? { event_id: eventId } : {}),
        error: { code: "invalid_event", message: issue ? `${issue.path.join(".") || "event"}: ${issue.message}` : "invalid event" },
      });
      return;
    }
    const ts = parsed.data.ts ?? now;
    const outside = eventTimeViolation(ts, now, window);
    if (outside) {
      rejected.push({ index, event_id: parsed.data.event_id, error: { code: "invalid_event", message: outside } });
      return;
    }
    valid.push({ ...parsed.data, ts });
  });

  if (valid.length === 0) {
    throw new ApiError(400, "invalid_request", "no valid events in the request", { rejected });
  }
  // A user token posts for its own user only: one event for anybody else refuses the whole batch.
  for (const event of valid) assertActsFor(c.var.principal, event.user_id);

  const sink = eventLogSinkFor(c.env);
  try {
    await sink.write({ events: valid, receivedAt: now, requestId: c.var.requestId });
  } catch (error) {
    c.var.logger.error("event_log_write_failed", { sink: sink.name, error });
    c.header("retry-after", "1");
    throw new ApiError(503, "event_log_unavailable", "the event log could not store the events; nothing was applied, retrying is safe", { rejected });
  }

  const groups = groupByUser(valid);
  const results = await Promise.allSettled(groups.map(([userId, events]) => appendForUser(c.env, userId, events)));
  let accepted = 0;
  let duplicates = 0;
  const failed: string[] = [];
  const trendingEntries: TrendingEntry[] = [];
  const attributedEvents: SessionEvent[] = [];
  results.forEach((result, i) => {
    const events = groups[i]![1];
    if (result.status === "fulfilled") {
      accepted += result.value.accepted.length;
      duplicates += result.value.duplicates.length;
      const byId = new Map(events.map((event) => [event.event_id, event]));
      for (const credit of result.value.trending) {
        const event = byId.get(credit.eventId);
        if (event) trendingEntries.push({ itemId: event.item_id, weight: credit.weight, ts: event.ts });
      }
      for (const eventId of result.value.attributed) {
        const event = byId.get(eventId);
        if (event) attributedEvents.push(event);
      }
    } else {
      failed.push(...events.map((event) => event.event_id));
    }
  });

  await countTrending(c.env, trendingEntries, c.var.logger);
  c.executionCtx.waitUntil(
    recordAttributedEvents(c.env, servingConfigFor(c.env), attributedEvents).catch((error: unknown) =>
      c.var.logger.warn("experiment_attribution_failed", { stage: "experiment_attribution", error }),
    ),
  );

  if (failed.length > 0) {
    c.header("retry-after", "1");
    throw new ApiError(503, "session_unavailable", "some events could not be stored; retrying them is safe (idempotent by event_id)", {
      accepted,
      duplicates,
      failed_event_ids: failed,
      rejected,
    });
  }
  return c.json({ accepted, duplicates, rejected });
});

/**
 * The valid events of a batch grouped by user, in first-seen order: each group goes to that user's
 * Durable Object in one call (and is where a per-user check belongs).
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

/** Stores one user's events in their session; the result says which count for trending and A/B. */
function appendForUser(env: Env, userId: string, events: SessionEvent[]): Promise<AppendResult> {
  return env.USER_SESSION.getByName(userId).appendEvents(events);
}

/**
 * Hands the sessions' trending credits to their shards (by hash of the item id). Trending is best
 * effort: a shard that fails is logged and the events still count as accepted.
 */
async function countTrending(env: Env, credits: readonly TrendingEntry[], logger: Logger): Promise<void> {
  const { shards } = trendingConfigFor(env);
  const byShard = new Map<number, TrendingEntry[]>();
  for (const entry of credits) {
    if (!(entry.weight > 0)) continue;
    const shard = shardForKey(entry.itemId, shards);
    const entries = byShard.get(shard) ?? [];
    entries.push(entry);
    byShard.set(shard, entries);
  }
  const results = await Promise.allSettled(
    [...byShard].map(([shard, entries]) => env.TRENDING_SHARD.getByName(trendingShardName(shard)).record(entries)),
  );
  for (const result of results) {
    if (result.status === "rejected") {
      logger.error("trending_count_failed", { stage: "trending", error: result.reason });
    }
  }
}

function isBatch(body: unknown): body is { events: unknown[] } {
  return typeof body === "object" && body !== null && Array.isArray((body as { events?: unknown }).events);
}
