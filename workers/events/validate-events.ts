/**
 * Per-event validation of a `POST /v1/events` batch: each event is checked on its own with the
 * shared zod schema and against the accepted time window (EVENT_MAX_FUTURE_SECONDS ahead,
 * USER_RETENTION_DAYS back; shared/events/event-time-window.ts says why reject, not clamp). Invalid
 * events are listed by index and never stop the valid ones.
 */
import { type EventTimeWindow, eventTimeViolation } from "../../shared/events/event-time-window";
import { interactionEventSchema } from "../../shared/events/interaction-event";
import type { SessionEvent } from "../../shared/session/session-contract";

/** Why one event of a batch was rejected. */
export interface RejectedEvent {
  index: number;
  event_id?: string;
  error: { code: "invalid_event"; message: string };
}

/** The valid events (with `ts` filled in) and the rejected ones. */
export interface ValidatedEvents {
  valid: SessionEvent[];
  rejected: RejectedEvent[];
}

/** Validates each of `list`; an event without `ts` is stamped `now` (ms). */
export function validateEvents(list: readonly unknown[], now: number, window: EventTimeWindow): ValidatedEvents {
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
  return { valid, rejected };
}
