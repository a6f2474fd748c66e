/**
 * The identity of an event: event ids are scoped per user, so the same `event_id` sent for two
 * users is two events (each user's session stores its own; neither is a replay of the other).
 * Readers of the event log dedupe replays by this key, never by `event_id` alone.
 */
import type { InteractionEvent } from "./interaction-event";

/**
 * A string unique per (user_id, event_id). Ids cannot contain a space (idSchema), so the space
 * separator cannot make two pairs collide.
 * @example eventKey({ user_id: "u1", event_id: "e1" }) // → "u1 e1"
 */
export function eventKey(event: Pick<InteractionEvent, "user_id" | "event_id">): string {
  return `${event.user_id} ${event.event_id}`;
}
