/**
 * What one API request served and was posted, collected while it runs: the metrics middleware
 * (workers/middleware/record-request-metrics.ts) attaches a recorder to the request's env, the
 * recommendation funnel adds each list it serves (recommend/serve-recommendation.ts) and the
 * events route's ingestion adds each event's outcome (events/ingest-events.ts); the middleware
 * hands the whole observation to the sinks once the response is built. Carried on the env, as the
 * subrequest counter is, because those features receive only the env.
 */
import type { EventOutcomeCount, ServedListObservation } from "../../shared/metrics/metrics";

const RECORDER = Symbol("request metrics");

/** The lists served and the events posted within one request. */
export class RequestMetricsRecorder {
  readonly lists: ServedListObservation[] = [];
  readonly events: EventOutcomeCount[] = [];

  /** Adds one served list. */
  addList(list: ServedListObservation): void {
    this.lists.push(list);
  }

  /** Adds `count` events of `type` with `outcome` (`surface`: their `context.surface`). */
  addEvents(type: string, outcome: EventOutcomeCount["outcome"], count: number, surface?: string): void {
    if (count <= 0) return;
    const same = this.events.find((entry) => entry.type === type && entry.outcome === outcome && entry.surface === surface);
    if (same) same.count += count;
    else this.events.push({ type, outcome, count, ...(surface !== undefined ? { surface } : {}) });
  }
}

/**
 * `env` with a new recorder attached (a shallow copy; the release middleware's copies keep it).
 *
 * @example
 * const recorded = withRequestMetrics(env);
 * requestMetricsOf(recorded)?.addEvents("click", "accepted", 1);
 */
export function withRequestMetrics<E extends object>(env: E): E {
  return { ...env, [RECORDER]: new RequestMetricsRecorder() };
}

/** The recorder of an env made by {@link withRequestMetrics}; undefined outside an API request (cron, queue). */
export function requestMetricsOf(env: object): RequestMetricsRecorder | undefined {
  return (env as Record<symbol, RequestMetricsRecorder | undefined>)[RECORDER];
}
