/**
 * `POST /v1/events` — interaction events, one object or `{"events": [...]}` (≤ 500 per call).
 * Each event is validated on its own; valid ones are stored in their user's Durable Object,
 * idempotently by `event_id` (a replay is reported as a duplicate and changes nothing).
 *
 * @example
 * curl -X POST http://127.0.0.1:8787/v1/events -H 'content-type: application/json' \
 *   -d '{"event_id":"e1","user_id":"u00042","item_id":"i00017","type":"click"}'
 * → {"accepted":1,"duplicates":0,"rejected":[]}
 */
import { Hono } from "hono";
import { interactionEventSchema } from "../../shared/events/interaction-event";
import type { SessionEvent } from "../../durable-objects/user-session";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors/api-error";
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
  const byUser = new Map<string, SessionEvent[]>();
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
    const event = { ...parsed.data, ts: parsed.data.ts ?? now };
    const group = byUser.get(event.user_id) ?? [];
    group.push(event);
    byUser.set(event.user_id, group);
  });

  if (byUser.size === 0) {
    throw new ApiError(400, "invalid_request", "no valid events in the request", { rejected });
  }

  const results = await Promise.allSettled(
    [...byUser].map(([userId, events]) => c.env.USER_SESSION.getByName(userId).appendEvents(events)),
  );
  let accepted = 0;
  let duplicates = 0;
  const failed: string[] = [];
  results.forEach((result, i) => {
    if (result.status === "fulfilled") {
      accepted += result.value.accepted.length;
      duplicates += result.value.duplicates.length;
    } else {
      failed.push(...[...byUser.values()][i]!.map((event) => event.event_id));
    }
  });
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

function isBatch(body: unknown): body is { events: unknown[] } {
  return typeof body === "object" && body !== null && Array.isArray((body as { events?: unknown }).events);
}
