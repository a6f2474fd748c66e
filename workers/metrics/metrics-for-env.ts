/**
 * The metrics sinks of a request's env: Workers Analytics Engine when METRICS_AE is bound, and
 * always the MetricsAggregate objects (shared/metrics/metrics.ts says what each is for). Both are
 * written for every request.
 */
import type { Metrics, RequestObservation } from "../../shared/metrics/metrics";
import { AggregateMetrics, METRICS_BATCH_MS } from "./aggregate-metrics";
import { AnalyticsEngineMetrics } from "./analytics-engine-metrics";

/** Every sink of `sinks` gets each observation; the background work of all of them is one promise. */
class AllMetrics implements Metrics {
  constructor(private readonly sinks: readonly Metrics[]) {}

  record(observation: RequestObservation): Promise<void> | undefined {
    const work: Promise<void>[] = [];
    for (const sink of this.sinks) {
      const pending = sink.record(observation);
      if (pending) work.push(pending);
    }
    if (work.length === 0) return undefined;
    return Promise.all(work).then(() => undefined);
  }
}

/** The sinks `env` configures (METRICS_BATCH_MS: how long an isolate sums before sending, default 1 s). */
export function metricsFor(env: Pick<Env, "METRICS_AE" | "METRICS_AGGREGATE" | "METRICS_SHARDS" | "METRICS_BATCH_MS">): Metrics {
  const sinks: Metrics[] = [];
  if (env.METRICS_AE) sinks.push(new AnalyticsEngineMetrics(env.METRICS_AE));
  const batchMs = Number(env.METRICS_BATCH_MS);
  sinks.push(new AggregateMetrics(env, Number.isFinite(batchMs) && batchMs >= 0 ? batchMs : METRICS_BATCH_MS));
  return new AllMetrics(sinks);
}
