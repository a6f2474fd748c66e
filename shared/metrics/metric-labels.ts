/**
 * Bounded label values of the Worker's operational metrics (edge-metrics.ts). Every label draws
 * from a closed list here, from the ladder and ranker tables in shared/, or — release ids and A/B
 * arms — from what the release pointer and the serving config name; anything else is reported as
 * {@link OTHER}. No label ever carries a user id or an item id, so the aggregates stay small however
 * much traffic passes.
 */
import { EVENT_TYPES, SURFACES } from "../events/interaction-event";
import { FALLBACK_LADDER } from "../fallbacks/fallback-ladder";
import { FEATURE_NAMES } from "../features/feature-spec";
import { RANKER_NAMES } from "../ranking/ranker-name";

/** The value any unknown label value collapses to. */
export const OTHER = "other";
/** The value of a label that does not apply to the request (`surface` of an events call). */
export const NONE = "none";

/** API route families, by path (see {@link routeLabel}). */
export const METRIC_ROUTES = ["recommendations", "events", "similar", "trending", "users", "admin", OTHER] as const;
export type MetricRoute = (typeof METRIC_ROUTES)[number];

/** HTTP status classes. */
export const STATUS_CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/** The funnel stages `timings_ms` reports (workers/recommend/recommend.ts), plus its `total`. */
export const TIMED_STAGES = [
  "session",
  "user_record",
  "seed",
  "candidates",
  "exploration",
  "item_vectors",
  "rank",
  "rerank",
  "total",
] as const;

/** What happened to one posted event: stored, a replay of a stored one, refused by validation, or not stored (5xx, retry). */
export const EVENT_OUTCOMES = ["accepted", "duplicate", "rejected", "failed"] as const;
export type EventOutcome = (typeof EVENT_OUTCOMES)[number];

/** What feature freshness is measured of: the serving release, the user's trained record, the live trending list. */
export const FRESHNESS_SUBJECTS = ["release", "user_record", "trending"] as const;
export type FreshnessSubject = (typeof FRESHNESS_SUBJECTS)[number];

/** Label values allowed per bounded label name. */
export const LABEL_VALUES = {
  route: METRIC_ROUTES,
  status_class: STATUS_CLASSES,
  surface: [...SURFACES, NONE, OTHER],
  ranker: [...RANKER_NAMES, NONE, OTHER],
  stage: [...new Set([...TIMED_STAGES, ...FALLBACK_LADDER.map((row) => row.stage)]), OTHER],
  reason: [...new Set(FALLBACK_LADDER.map((row) => row.reason)), OTHER],
  type: [...EVENT_TYPES, OTHER],
  outcome: EVENT_OUTCOMES,
  subject: FRESHNESS_SUBJECTS,
  feature: [...FEATURE_NAMES, OTHER],
} as const satisfies Record<string, readonly string[]>;

/** A label whose values are listed in {@link LABEL_VALUES}. */
export type ClosedLabel = keyof typeof LABEL_VALUES;

/** `value` when `label` allows it, else {@link OTHER}. */
export function boundedLabel(label: ClosedLabel, value: string | null | undefined): string {
  return value !== null && value !== undefined && (LABEL_VALUES[label] as readonly string[]).includes(value) ? value : OTHER;
}

/** Largest length of an open label value (a release id, an experiment id or arm name). */
const MAX_OPEN_LABEL = 100;

/**
 * An open label value (release id, experiment id, arm name) that the release pointer or the
 * serving config bounds: kept when it is a short run of letters, digits and `._-`, else {@link OTHER};
 * null or empty is {@link NONE}.
 */
export function openLabel(value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return NONE;
  return value.length <= MAX_OPEN_LABEL && /^[A-Za-z0-9._-]+$/.test(value) ? value : OTHER;
}

/**
 * The route family of a request path (the label `route`): `/v1/recommendations…` is
 * `recommendations`, `/v1/items/:id/similar` is `similar`, everything under `/v1/admin` is `admin`.
 */
export function routeLabel(path: string): MetricRoute {
  const [, version, family, , tail] = path.split("/");
  if (version !== "v1") return OTHER;
  switch (family) {
    case "recommendations":
    case "events":
    case "trending":
    case "users":
    case "admin":
      return family;
    case "items":
      return tail === "similar" ? "similar" : OTHER;
    default:
      return OTHER;
  }
}

/** The status class of an HTTP status (`4xx`). */
export function statusClass(status: number): StatusClass {
  const hundreds = Math.floor(status / 100);
  return hundreds >= 1 && hundreds <= 5 ? STATUS_CLASSES[hundreds - 1]! : "5xx";
}
