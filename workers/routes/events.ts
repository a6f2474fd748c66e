/**
 * `POST /v1/events` — interaction events, one object or `{"events": [...]}` (≤ 500 per call).
 * The route checks the batch (body size, count), validates each event on its own, its `ts`
 * included (events/validate-events.ts: an event stamped more than EVENT_MAX_FUTURE_SECONDS ahead
 * of the edge's clock or older than USER_RETENTION_DAYS is rejected as `invalid_event`), checks
 * that a user token posts only for its own user, and hands the valid events to
 * events/ingest-events.ts: the users' Durable Objects (idempotent by `event_id`), the event log
 * (by default the event queue, whose consumer writes the lake and counts trending) and the A/B
 * counters. The next recommendation request for the user already reflects them, and a 200 means
 * every valid event is durably logged. When the event log fails (503 `event_log_unavailable`) or a
 * user's object fails (503 `session_unavailable`, its events named), retrying is safe.
 *
 * @example
 * curl -X POST http://127.0.0.1:8787/v1/events -H 'content-type: application/json' \
 *   -d '{"event_id":"e1","user_id":"u00042","item_id":"i00017","type":"click"}'
 * → {"accepted":1,"duplicates":0,"rejected":[]}
 */
import { Hono } from "hono";
import { z } from "zod";
import { interactionEventSchema } from "../../shared/events/interaction-event";
import type { AppEnv } from "../app-env";
import { assertActsFor } from "../auth/principal";
import { eventTimeWindowFor } from "../config/retention-config";
import { ApiError } from "../errors/api-error";
import { ingestEvents } from "../events/ingest-events";
import { requestMetricsOf } from "../metrics/request-metrics";
import { validateEvents } from "../events/validate-events";
import { operation } from "../openapi/operation";
import { readJsonBody } from "./read-json-body";

/** Most events accepted in one call. */
export const MAX_EVENTS_PER_BATCH = 500;
/** Largest request body accepted, in bytes. */
export const MAX_EVENTS_BODY_BYTES = 1_000_000;

/**
 * The body as the OpenAPI document shows it. The route checks the batch itself and each event on its
 * own with `interactionEventSchema` (events/validate-events.ts), so one bad event does not refuse the rest.
 */
const eventsBody = z.union([
  interactionEventSchema,
  z.object({ events: z.array(interactionEventSchema).min(1).max(MAX_EVENTS_PER_BATCH) }),
]);

const eventsResponse = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int().describe("Replays of an event already stored (same user_id and event_id): accepted once, changing nothing."),
  rejected: z.array(
    z.object({
      index: z.number().int(),
      event_id: z.string().optional(),
      error: z.object({ code: z.literal("invalid_event"), message: z.string() }),
    }),
  ),
});

/** The events route. */
export const eventsRoute = new Hono<AppEnv>().post(
  "/",
  operation({
    summary: "Record interaction events",
    description: `One event or \`{"events": [...]}\` (≤ ${MAX_EVENTS_PER_BATCH}, body ≤ ${MAX_EVENTS_BODY_BYTES} bytes), each validated on its own: invalid ones come back in \`rejected\`, and 400 only when none is valid. Idempotent by (\`user_id\`, \`event_id\`). A user token posts only for its own user.`,
    tag: "events",
    access: "events:write",
    response: eventsResponse,
    errors: [400, 413, 503],
    requestBody: { schema: eventsBody, media: "application/json", description: "One interaction event, or a batch." },
  }),
  async (c) => {
    const body = await readJsonBody(c.req.raw, MAX_EVENTS_BODY_BYTES);
    const list: unknown[] = isBatch(body) ? body.events : [body];
    if (list.length === 0) throw new ApiError(400, "invalid_request", "events: expected at least one event");
    if (list.length > MAX_EVENTS_PER_BATCH) {
      throw new ApiError(413, "payload_too_large", `events: at most ${MAX_EVENTS_PER_BATCH} per call, got ${list.length}`);
    }
    const now = Date.now();
    const { valid, rejected } = validateEvents(list, now, eventTimeWindowFor(c.env));
    // Refused events are counted as type `other`: a refused event's fields are not trusted.
    if (rejected.length > 0) requestMetricsOf(c.env)?.addEvents("other", "rejected", rejected.length);
    if (valid.length === 0) {
      throw new ApiError(400, "invalid_request", "no valid events in the request", { rejected });
    }
    // A user token posts for its own user only: one event for anybody else refuses the whole batch.
    for (const event of valid) assertActsFor(c.var.principal, event.user_id);

    const outcome = await ingestEvents(c.env, valid, {
      requestId: c.var.requestId,
      receivedAt: now,
      logger: c.var.logger,
      waitUntil: (promise) => c.executionCtx.waitUntil(promise),
    });
    switch (outcome.status) {
      case "event_log_unavailable": {
        const { accepted, duplicates, failedEventIds } = outcome;
        c.header("retry-after", "1");
        throw new ApiError(
          503,
          "event_log_unavailable",
          "the event log could not store the events; the users' sessions may have them already, retrying the batch is safe (idempotent by event_id)",
          { accepted, duplicates, failed_event_ids: failedEventIds, rejected },
        );
      }
      case "stored": {
        const { accepted, duplicates, failedEventIds } = outcome;
        if (failedEventIds.length > 0) {
          c.header("retry-after", "1");
          throw new ApiError(
            503,
            "session_unavailable",
            "some events could not be stored; retrying them is safe (idempotent by event_id)",
            {
              accepted,
              duplicates,
              failed_event_ids: failedEventIds,
              rejected,
            },
          );
        }
        return c.json({ accepted, duplicates, rejected } satisfies z.input<typeof eventsResponse>);
      }
      default:
        return outcome satisfies never;
    }
  },
);

function isBatch(body: unknown): body is { events: unknown[] } {
  return typeof body === "object" && body !== null && Array.isArray((body as { events?: unknown }).events);
}
