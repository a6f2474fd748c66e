/**
 * The `Metrics` interface: what the Worker reports about every API request it answered and every
 * event it was posted, whatever the sink. The edge writes each observation to two sinks
 * (workers/metrics/): Workers Analytics Engine (one data point per request, for Grafana over the
 * SQL API) and the MetricsAggregate Durable Objects (low-cardinality counters and histograms, for
 * `GET /v1/admin/metrics` and the console). docs/operations.md lists the metrics.
 */
import type { EventOutcome, FreshnessSubject } from "./metric-labels";

/** One fallback rung taken (shared/fallbacks/fallback-ladder.ts), without its free-text detail. */
export interface ObservedFallback {
  stage: string;
  reason: string;
  used: string;
}

/** One recommendation list served within a request (`GET /v1/recommendations`; a digest batch serves many). */
export interface ServedListObservation {
  surface: string;
  /** The ranker that served (shared/ranking/ranker-name.ts). */
  ranker: string;
  /** The release the list was served from; null when none is published. */
  release: string | null;
  /** The response's `model_version`; null when unknown. */
  modelVersion: string | null;
  /** A/B arms of the user (experiment id → arm). */
  arms: Record<string, string>;
  fallbacks: ObservedFallback[];
  /** The funnel's `timings_ms` (stage → ms, `total`); other keys (`subrequests`) are ignored. */
  timingsMs: Record<string, number>;
  /** Served item ids, in list order: counted (items returned, empty lists), never used as labels. */
  itemIds: readonly string[];
  /** How old what served the list was, in seconds, where known (feature freshness). */
  ageSeconds?: Partial<Record<FreshnessSubject, number>>;
  /**
   * The ranker rows of the list binned with the training edges of `version` (drift), when the
   * release records a feature distribution and the isolate holds it; counts per feature per bin.
   */
  featureBins?: { version: string; features: { feature: string; counts: number[] }[] };
}

/** How many events of one type had one outcome. */
export interface EventOutcomeCount {
  /** The event type; rejected events count as `other` (a refused event's fields are not trusted). */
  type: string;
  outcome: EventOutcome;
  count: number;
  /** The surface of the events (their `context.surface`), for clicks by surface; absent = none. */
  surface?: string;
}

/** One finished API request, as every sink sees it. */
export interface RequestObservation {
  /** When the request finished (ms since epoch). */
  at: number;
  method: string;
  /** The request path (reduced to a route family by the sinks; never stored whole). */
  path: string;
  status: number;
  /** Wall-clock time from the metrics middleware to the response, in ms. */
  durationMs: number;
  /** The Cloudflare data centre (`request.cf.colo`), when known. */
  colo?: string;
  /** Calls through the request's bindings (workers/metrics/subrequest-counter.ts), when counted. */
  subrequests?: number;
  /** Lists served (empty for routes that serve none). */
  lists: ServedListObservation[];
  /** Posted events by type and outcome (empty for routes that take none). */
  events: EventOutcomeCount[];
}

/**
 * A metrics sink. `record` is called once per finished request, after the response is built; it
 * must not delay the response: a sink that does I/O returns the promise of that work for the
 * caller to hand to `waitUntil` (or nothing when no work is pending).
 */
export interface Metrics {
  record(observation: RequestObservation): Promise<void> | undefined;
}
