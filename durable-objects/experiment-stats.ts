/**
 * ExperimentStats: live per-arm counters of one experiment shard. The Worker spreads each
 * experiment over `EXPERIMENT_SHARDS` objects by a hash of the user id (no hot object), adds to
 * them after responses and attributed events, and the report sums the shards.
 */
import { DurableObject } from "cloudflare:workers";
import { LATENCY_BUCKET_BOUNDS_MS } from "../shared/experiments/latency-buckets";

/** Counted metrics per arm. */
export const EXPERIMENT_METRICS = ["requests", "impressions", "empty_responses", "clicks", "conversions"] as const;
export type ExperimentMetric = (typeof EXPERIMENT_METRICS)[number];

/** One addition to an arm's counters. */
export interface ExperimentIncrement {
  arm: string;
  metric: ExperimentMetric;
  value: number;
}

/** One arm's counters in one shard. */
export interface ArmCounters {
  counters: Record<ExperimentMetric, number>;
  /** Request counts per latency bucket (LATENCY_BUCKET_BOUNDS_MS). */
  latency: number[];
}

/** Counters of one experiment shard. */
export class ExperimentStats extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS counters (arm TEXT NOT NULL, metric TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (arm, metric));
      CREATE TABLE IF NOT EXISTS latency (arm TEXT NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (arm, bucket));`);
  }

  /** Adds counter increments and, optionally, one latency observation per (arm, bucket). */
  async record(increments: ExperimentIncrement[], latencies: { arm: string; bucket: number }[] = []): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      for (const { arm, metric, value } of increments) {
        this.sql.exec(
          `INSERT INTO counters (arm, metric, value) VALUES (?, ?, ?) ON CONFLICT (arm, metric) DO UPDATE SET value = value + excluded.value`,
          arm,
          metric,
          value,
        );
      }
      for (const { arm, bucket } of latencies) {
        this.sql.exec(
          `INSERT INTO latency (arm, bucket, count) VALUES (?, ?, 1) ON CONFLICT (arm, bucket) DO UPDATE SET count = count + 1`,
          arm,
          bucket,
        );
      }
    });
  }

  /** Every arm's counters in this shard. */
  async snapshot(): Promise<Record<string, ArmCounters>> {
    const arms: Record<string, ArmCounters> = {};
    const armOf = (arm: string) =>
      (arms[arm] ??= {
        counters: Object.fromEntries(EXPERIMENT_METRICS.map((metric) => [metric, 0])) as Record<ExperimentMetric, number>,
        latency: new Array(LATENCY_BUCKET_BOUNDS_MS.length).fill(0),
      });
    for (const row of this.sql.exec<{ arm: string; metric: string; value: number }>(`SELECT arm, metric, value FROM counters`)) {
      if ((EXPERIMENT_METRICS as readonly string[]).includes(row.metric)) armOf(row.arm).counters[row.metric as ExperimentMetric] = row.value;
    }
    for (const row of this.sql.exec<{ arm: string; bucket: number; count: number }>(`SELECT arm, bucket, count FROM latency`)) {
      const entry = armOf(row.arm);
      if (row.bucket >= 0 && row.bucket < entry.latency.length) entry.latency[row.bucket] = row.count;
    }
    return arms;
  }
}
