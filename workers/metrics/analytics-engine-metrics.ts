/**
 * The production metrics sink: one Workers Analytics Engine data point per API request
 * (`writeDataPoint` on the METRICS_AE binding), laid out as shared/metrics/analytics-engine-layout.ts
 * says; Grafana reads it through the Analytics Engine SQL API (docs/grafana/edge-recs-queries.sql).
 * `writeDataPoint` does not wait for anything and is not a subrequest.
 *
 * Locally (wrangler dev, the workerd tests) the binding accepts the writes and drops them: tests pass
 * an env whose METRICS_AE is a recording fake (test/workers/metrics.test.ts) to see the data points.
 */
import { analyticsEngineDataPoint } from "../../shared/metrics/analytics-engine-layout";
import type { Metrics, RequestObservation } from "../../shared/metrics/metrics";

/** Writes each request as one Analytics Engine data point. */
export class AnalyticsEngineMetrics implements Metrics {
  constructor(private readonly dataset: AnalyticsEngineDataset) {}

  record(observation: RequestObservation): undefined {
    this.dataset.writeDataPoint(analyticsEngineDataPoint(observation));
    return undefined;
  }
}
