/**
 * How strongly each event type says "the user wants this item". Positive weights are implicit
 * feedback confidence for training and session signals; negative weights are explicit dislikes.
 */
import type { EventType } from "./interaction-event";

/** Confidence weight of one event of each type (0 = exposure only, < 0 = negative). */
export const eventWeight = {
  impression: 0,
  view: 1,
  click: 1,
  complete: 3,
  like: 4,
  save: 3,
  rating: 2,
  purchase: 5,
  skip: -1,
  not_interested: -4,
  hide: -5,
} as const satisfies Record<EventType, number>;
