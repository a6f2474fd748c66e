/**
 * Category-level effects of one event: what it adds to the category's affinity and which bandit
 * arms (`category:<c>`, and `source:<s>` for an exploration pick) get a trial or a success. An
 * impression is a trial; the item's first positive event is a success (and a trial, if no
 * impression was reported); a negative event without an impression is a failed trial. One item
 * credits the arms at most one success however many positive events follow.
 */
import { armName } from "../bandits/beta-arm";
import { DEFAULT_EVENT_WEIGHTS, type EventWeights, eventSignal } from "../events/event-weight";
import type { EventType } from "../events/interaction-event";

/** What an item already contributed to the arms (`item_state.credited_trials`, `.rewarded`). */
export interface ItemArmCredit {
  credited_trials: number;
  rewarded: number;
}

/** The effects of one event on its category, its arms and the item's arm credit. */
export interface CategoryEffects {
  /** Weight added to the category's affinity (0 = none). */
  affinity: number;
  /** Arms the trial and success go to (empty when there is nothing to credit). */
  arms: string[];
  trials: 0 | 1;
  successes: 0 | 1;
}

/** How {@link categoryEffects} weighs the event. */
export interface EventWeighing {
  /** The event's `value` (a rating's stars, a view's dwell, a skip's consumed share), weighed as offline. */
  value?: number;
  /** The serving release's weight table (default {@link DEFAULT_EVENT_WEIGHTS}). */
  weights?: EventWeights;
}

/** No effect at all (unknown category). */
const NONE: CategoryEffects = { affinity: 0, arms: [], trials: 0, successes: 0 };

/**
 * The effects of an event of `type` on an item of `category` ('' = unknown: none), given what the
 * item already credited (`credit` undefined: no item row, so no arm credit) and the exploration
 * source it was served from, if any; the event's weight is `eventSignal` of its value under `weights`.
 * @example categoryEffects("click", "Drama", { credited_trials: 1, rewarded: 0 }, "fresh")
 * // → { affinity: 1, arms: ["category:Drama", "source:fresh"], trials: 0, successes: 1 }
 */
export function categoryEffects(
  type: EventType,
  category: string,
  credit: ItemArmCredit | undefined,
  explorationSource: string | null,
  { value, weights = DEFAULT_EVENT_WEIGHTS }: EventWeighing = {},
): CategoryEffects {
  if (!category) return NONE;
  const weight = eventSignal(type, value, weights);
  let trials: 0 | 1 = 0;
  let successes: 0 | 1 = 0;
  if (credit) {
    if (type === "impression") {
      trials = 1;
    } else if (weight > 0 && credit.rewarded === 0) {
      successes = 1;
      trials = credit.credited_trials === 0 ? 1 : 0;
    } else if (weight < 0 && credit.credited_trials === 0) {
      trials = 1;
    }
  }
  const credited = trials > 0 || successes > 0;
  const arms = credited ? [armName("category", category), ...(explorationSource ? [armName("source", explorationSource)] : [])] : [];
  return { affinity: weight, arms, trials, successes };
}
