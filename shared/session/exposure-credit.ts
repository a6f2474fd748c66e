/**
 * Crediting rules between events and what was served (exposures): which category an event's item
 * counts under, and which A/B credit of the served item an accepted event may claim (one
 * click and one conversion per served item, and only for an event that echoes its `request_id`).
 */
import type { EventType } from "../events/interaction-event";
import { EXPERIMENT_EVENT_METRIC } from "../experiments/experiment-event-metric";

/** The A/B credits a served item can give once each (the `credit` of an `exposure_credits` row). */
export type ExposureCreditColumn = "clicked" | "converted";

/**
 * The column of the served item that this event credits, or null when it credits none (no
 * `request_id`, or a type that is neither a click nor a conversion).
 */
export function exposureCreditColumn(type: EventType, requestId: string | undefined): ExposureCreditColumn | null {
  if (!requestId) return null;
  const metric = EXPERIMENT_EVENT_METRIC[type];
  if (metric === "clicks") return "clicked";
  if (metric === "conversions") return "converted";
  return null;
}

/**
 * The category an event's item counts under: the item's stored category when known, else the
 * category it was served under; '' when the item is known to have none (looked up, not in the
 * index); null when it still has to be looked up (the event's category effects wait).
 * @example eventCategory(null, "Drama") // → "Drama"
 * @example eventCategory("", undefined) // → ""
 */
export function eventCategory(itemCategory: string | null | undefined, exposureCategory: string | null | undefined): string | null {
  if (itemCategory) return itemCategory;
  if (exposureCategory) return exposureCategory;
  return itemCategory === "" ? "" : null;
}
