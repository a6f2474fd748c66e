/**
 * Inverse propensity weighting (IPS) of the logged evidence: an event at position p of a list was
 * only possible because the user looked at that slot (probability θₚ), so it stands for 1/θₚ events
 * of an unbiased log. Training with `--ips` multiplies the weight-table signal of every event logged
 * with a position (clicks, views, completes, … and the negatives of the slot alike — each needs the
 * slot examined) by that factor before the (user, item) sums, so ALS confidence no longer favours
 * what the logging policy put on top. Events without a position (MovieLens, most edge events) keep
 * factor 1; without `--ips` nothing changes.
 *
 * {@link pairInversePropensity} is the same correction per (user, item) pair, as sample weights for
 * a learner that trains on pairs (the ranker).
 */
import { DEFAULT_EVENT_WEIGHTS, type EventWeights, eventSignal } from "../../shared/events/event-weight";
import type { Dataset } from "../data/dataset";
import { type EventLog, eventTypeAt, weightedInteractions } from "../data/event-log";
import {
  estimatePositionPropensity,
  inversePropensityWeight,
  type PositionPropensity,
  type PositionPropensityOptions,
} from "./position-propensity";

/** One factor per event of `log`: min(maxWeight, 1/θ̂ₚ) at its position, 1 when it has none. */
export function eventInversePropensity(log: EventLog, propensity: PositionPropensity): Float32Array {
  const factors = new Float32Array(log.length);
  for (let k = 0; k < log.length; k++) factors[k] = inversePropensityWeight(propensity, log.positions[k]!);
  return factors;
}

/**
 * A per-(user, item) sample weight: the mean inverse propensity of the pair's positive events,
 * weighted by their signal in `weights` (a pair clicked at position 4 only → 1/θ̂₄); 1 for a pair
 * with no positive event logged at a position, or not in the log at all. Indices are the dataset's
 * dense user and item indices.
 * @example const weightOf = pairInversePropensity(dataset.events, propensity); weightOf(user, item)
 */
export function pairInversePropensity(
  log: EventLog,
  propensity: PositionPropensity,
  weights: EventWeights = DEFAULT_EVENT_WEIGHTS,
): (user: number, item: number) => number {
  let items = 0;
  for (let k = 0; k < log.length; k++) items = Math.max(items, log.items[k]! + 1);
  const sums = new Map<number, { weighted: number; signal: number }>();
  for (let k = 0; k < log.length; k++) {
    const position = log.positions[k]!;
    if (position < 0) continue;
    const value = log.values[k]!;
    const signal = eventSignal(eventTypeAt(log, k), Number.isNaN(value) ? undefined : value, weights);
    if (signal <= 0) continue;
    const key = log.users[k]! * items + log.items[k]!;
    const entry = sums.get(key) ?? { weighted: 0, signal: 0 };
    entry.weighted += signal * inversePropensityWeight(propensity, position);
    entry.signal += signal;
    sums.set(key, entry);
  }
  return (user, item) => {
    const entry = item < items ? sums.get(user * items + item) : undefined;
    return entry ? entry.weighted / entry.signal : 1;
  };
}

/**
 * `dataset` with its positive and negative matrices re-aggregated under inverse propensity weights
 * estimated from its own randomised responses; throws `PropensityEstimationError` when the log has
 * too few of them (e.g. MovieLens, or a demo generated without `--position-bias`).
 */
export function withInversePropensity(
  dataset: Dataset,
  options: Partial<PositionPropensityOptions> = {},
): { dataset: Dataset; propensity: PositionPropensity } {
  const propensity = estimatePositionPropensity(dataset.events, options);
  const { positives, negatives } = weightedInteractions(
    dataset.events,
    { users: dataset.users.ids.size, items: dataset.items.ids.size },
    dataset.eventWeights.weights,
    eventInversePropensity(dataset.events, propensity),
  );
  return { dataset: { ...dataset, interactions: positives, negatives }, propensity };
}

/** A one-line summary of an estimate for logs: θ̂ at the first positions, the fitted η, the clipping. */
export function describePropensity(propensity: PositionPropensity, positions = 10): string {
  const shown = propensity.examination.slice(0, positions).map((theta) => theta.toFixed(3));
  const total = propensity.impressions.reduce((a, b) => a + b, 0);
  return (
    `θ̂ by position ${shown.join(" ")}${propensity.examination.length > positions ? " …" : ""}; power-law η ${propensity.eta.toFixed(2)}; ` +
    `from ${total} randomised impressions; weights ≤ ${propensity.maxWeight}`
  );
}
