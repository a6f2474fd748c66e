/**
 * How each event type counts for an experiment arm, for the live counters
 * (workers/experiments/experiment-counters.ts) and the offline report (pipeline/experiments/).
 * Impressions: the live side counts them from the served response (and ignores `impression`
 * events), the offline side from logged `impression` events. Only events that echo the
 * `request_id` of a response are attributed.
 */
import type { EventType } from "../events/interaction-event";

/** The arm counter an event adds to. */
export type ExperimentEventMetric = "impressions" | "clicks" | "conversions";

/** Event type → counter (null: not attributed). */
export const EXPERIMENT_EVENT_METRIC: Record<EventType, ExperimentEventMetric | null> = {
  impression: "impressions",
  view: "clicks",
  click: "clicks",
  complete: "conversions",
  like: "conversions",
  save: "conversions",
  rating: "conversions",
  purchase: "conversions",
  skip: null,
  not_interested: null,
  hide: null,
};
