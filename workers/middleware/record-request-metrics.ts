/**
 * Records every `/v1` API request in the metrics sinks (metrics/metrics-for-env.ts): route family,
 * status, wall-clock time and calls through bindings, plus what the request's features added to its
 * recorder (metrics/request-metrics.ts): the lists served and the outcome of each posted event
 * (refused ones as type `other`, by the events route). Everything after the response is built runs in
 * `waitUntil`; a request never waits for a sink, and a sink's failure is logged, never answered.
 */
import { createMiddleware } from "hono/factory";
import type { RequestObservation } from "../../shared/metrics/metrics";
import type { AppEnv } from "../app-env";
import { metricsFor } from "../metrics/metrics-for-env";
import { requestMetricsOf, withRequestMetrics } from "../metrics/request-metrics";
import { subrequestsOf } from "../metrics/subrequest-counter";

/** The middleware; mount it on `/v1/*` after the subrequest counter wraps the env (it copies the env). */
export const recordRequestMetrics = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  c.env = withRequestMetrics(c.env);
  await next();
  const durationMs = Math.round((performance.now() - started) * 100) / 100;
  const env = c.env;
  const recorder = requestMetricsOf(env);
  const observation: RequestObservation = {
    at: Date.now(),
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    durationMs,
    lists: recorder?.lists ?? [],
    events: recorder?.events ?? [],
  };
  const colo = (c.req.raw as { cf?: { colo?: unknown } }).cf?.colo;
  if (typeof colo === "string") observation.colo = colo;
  const subrequests = subrequestsOf(env)?.total;
  if (subrequests !== undefined) observation.subrequests = subrequests;
  const logger = c.var.logger;
  const recording = (async () => metricsFor(env).record(observation))().catch((error: unknown) =>
    logger?.warn("metrics_record_failed", { stage: "metrics", error }),
  );
  try {
    c.executionCtx.waitUntil(recording);
  } catch {
    // No execution context (the app called directly, as in `app.request`): the recording runs unawaited.
  }
});
