/**
 * How one event changes the user's per-item row (`item_state`): an impression counts as one
 * impression, anything else as one interaction; the event's weight adds to the positive or the
 * negative signal; `not_interested` and `hide` hide the item for good.
 */
import { DEFAULT_EVENT_WEIGHTS, type EventWeights, eventSignal } from "../events/event-weight";
import type { EventType } from "../events/interaction-event";

/** Event types that hide an item (never shown again). */
export const HIDING_EVENTS: ReadonlySet<EventType> = new Set(["not_interested", "hide"]);

/** What one event adds to an item's row (the row keeps min/max of `ts` and the max of `hidden`). */
export interface ItemStateDelta {
  impressions: 0 | 1;
  interactions: 0 | 1;
  /** Σ positive event weight added. */
  positive: number;
  /** Σ |negative event weight| added. */
  negative: number;
  hidden: 0 | 1;
}

/**
 * The change one event of `type` (with its `value`, when given: stars, dwell ms, completed share —
 * the weight table's `eventSignal`, as training reads it; `weights` is the serving release's table)
 * makes to its item's row.
 * @example itemStateDelta("hide") // → { impressions: 0, interactions: 1, positive: 0, negative: 5, hidden: 1 }
 * @example itemStateDelta("rating", 1) // → { …, positive: 0, negative: 2, hidden: 0 }
 */
export function itemStateDelta(type: EventType, value?: number, weights: EventWeights = DEFAULT_EVENT_WEIGHTS): ItemStateDelta {
  const weight = eventSignal(type, value, weights);
  const isImpression = type === "impression";
  return {
    impressions: isImpression ? 1 : 0,
    interactions: isImpression ? 0 : 1,
    positive: Math.max(0, weight),
    negative: Math.max(0, -weight),
    hidden: HIDING_EVENTS.has(type) ? 1 : 0,
  };
}
