/**
 * `POST /v1/events` — interaction events, one object or `{"events": [...]}` (≤ 500 per call).
 * Each event is validated on its own. The valid ones are
 * 1. written to the event log sink (R2 NDJSON, at least once — see event-log/event-log-sink.ts),
 * 2. stored in their user's Durable Object, idempotently by `event_id` (a replay is reported as a
 *    duplicate and changes nothing: not the session, not trending),
 * 3. counted by the trending shards (accepted positive events only).
 * The next recommendation request for the user already reflects them.
 *
 * @example
 * curl -X POST http://127.0.0.1:8787/v1/events -H 'content-type: application/json' \
 *   -d '{"event_id":"e1","user_id":"u00042","item_id":"i00017","type":"click"}'
 * → {"accepted":1,"duplicates":0,"rejected":[]}
 */
import { Hono } from "hono";
import { eventWeight } from "../../shared/events/event-weight";
import { interactionEventSchema } from "../../shared/events/interaction-event";
import { shardForKey } from "../../shared/realtime/shard-for-key";
import type { TrendingEntry } from "../../durable-objects/trending-shard";
import type { SessionEvent } from "../../durable-objects/user-session";
import type { AppEnv } from "../app-env";
import { trendingConfigFor, trendingShardName } from "../config/trending-config";
import { ApiError } from "../errors/api-error";
import { recordAttributedEvents } from "../experiments/experiment-counters";
import { servingConfigFor } from "../recommend/serving-plan";
import { eventLogSinkFor } from "../event-log/select-event-log-sink";
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
    valid.push({ ...parsed.data, ts: parsed.data.ts ?? now });
  });

  if (valid.length === 0) {
    throw new ApiError(400, "invalid_request", "no valid events in the request", { rejected });
  }

  const sink = eventLogSinkFor(c.env);
  try {
    await sink.write({ events: valid, receivedAt: now, requestId: c.var.requestId });
  } catch (error) {
    console.error(JSON.stringify({ level: "error", request_id: c.var.requestId, sink: sink.name, error: error instanceof Error ? error.message : String(error) }));
    c.header("retry-after", "1");
    throw new ApiError(503, "event_log_unavailable", "the event log could not store the events; nothing was applied, retrying is safe", { rejected });
  }

  const byUser = new Map<string, SessionEvent[]>();
  for (const event of valid) {
    const group = byUser.get(event.user_id) ?? [];
    group.push(event);
    byUser.set(event.user_id, group);
  }
  const groups = [...byUser];
  const results = await Promise.allSettled(groups.map(([userId, events]) => c.env.USER_SESSION.getByName(userId).appendEvents(events)));
  let accepted = 0;
  let duplicates = 0;
  const failed: string[] = [];
  const acceptedEvents: SessionEvent[] = [];
  results.forEach((result, i) => {
    const events = groups[i]![1];
    if (result.status === "fulfilled") {
      accepted += result.value.accepted.length;
      duplicates += result.value.duplicates.length;
      const ids = new Set(result.value.accepted);
      acceptedEvents.push(...events.filter((event) => ids.has(event.event_id)));
    } else {
      failed.push(...events.map((event) => event.event_id));
    }
  });

  await countTrending(c.env, acceptedEvents, c.var.requestId);
  c.executionCtx.waitUntil(
    recordAttributedEvents(c.env, servingConfigFor(c.env), acceptedEvents).catch((error: unknown) =>
      console.warn(JSON.stringify({ level: "warn", request_id: c.var.requestId, stage: "experiment_attribution", error: String(error) })),
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
 * Hands accepted positive events to their trending shards (by hash of the item id). Trending is
 * best effort: a shard that fails is logged and the events still count as accepted.
 */
async function countTrending(env: Env, events: SessionEvent[], requestId: string): Promise<void> {
  const { shards } = trendingConfigFor(env);
  const byShard = new Map<number, TrendingEntry[]>();
  for (const event of events) {
    const weight = eventWeight[event.type];
    if (weight <= 0) continue;
    const shard = shardForKey(event.item_id, shards);
    const entries = byShard.get(shard) ?? [];
    entries.push({ itemId: event.item_id, weight, ts: event.ts });
    byShard.set(shard, entries);
  }
  const results = await Promise.allSettled(
    [...byShard].map(([shard, entries]) => env.TRENDING_SHARD.getByName(trendingShardName(shard)).record(entries)),
  );
  for (const result of results) {
    if (result.status === "rejected") {
      console.error(JSON.stringify({ level: "error", request_id: requestId, stage: "trending", error: String(result.reason) }));
    }
  }
}

function isBatch(body: unknown): body is { events: unknown[] } {
  return typeof body === "object" && body !== null && Array.isArray((body as { events?: unknown }).events);
}
