/**
 * Reads the operational metrics back (`GET /v1/admin/metrics`): this isolate's pending increments are
 * sent first (so a caller sees its own traffic), then every MetricsAggregate shard's snapshot is read
 * in parallel and summed; other isolates' increments arrive within METRICS_BATCH_MS. The quality
 * report and the alerts are computed from the sum and the serving release's manifest (its training
 * feature distribution and catalogue size).
 */
import { type Alert, evaluateAlerts } from "../../shared/metrics/alert-rules";
import { mergeBatches, type MetricsSnapshot } from "../../shared/metrics/metrics-aggregate-contract";
import { type QualityReport, qualityReport } from "../../shared/metrics/quality-report";
import { releaseOf } from "../releases/serving-release";
import { readManifest } from "../store/kv-store";
import { type AggregateMetricsEnv, flushMetrics, metricsShardName, metricsShards } from "./aggregate-metrics";

/** The totals, the last hour's chart points and the day's quality series, summed over every shard. */
export async function readMetrics(env: AggregateMetricsEnv): Promise<MetricsSnapshot> {
  await flushMetrics(env);
  const shards = metricsShards(env);
  const snapshots = await Promise.all(
    Array.from({ length: shards }, (_, i) => env.METRICS_AGGREGATE.getByName(metricsShardName(i)).snapshot()),
  );
  return mergeBatches(snapshots);
}

/** Everything `GET /v1/admin/metrics` shows. */
export interface MetricsReport {
  snapshot: MetricsSnapshot;
  quality: QualityReport;
  alerts: Alert[];
  now: number;
}

/** The summed metrics with their quality report and alerts; `env` is the request's (serving release) view. */
export async function metricsReport(env: Env, now: number = Date.now()): Promise<MetricsReport> {
  const [snapshot, manifest] = await Promise.all([readMetrics(env), readManifest(env.KV).catch(() => null)]);
  const quality = qualityReport(snapshot, {
    now,
    servingVersion: manifest?.modelVersion ?? releaseOf(env)?.id ?? null,
    trainingDistribution: manifest?.featureDistribution ?? null,
    catalogueItems: manifest?.counts.items ?? null,
  });
  return { snapshot, quality, alerts: evaluateAlerts(snapshot, quality, now), now };
}
