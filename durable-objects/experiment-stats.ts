/**
 * ExperimentStats: live per-arm counters of one experiment shard. The Worker spreads each
 * experiment over `EXPERIMENT_SHARDS` objects by a hash of the user id (no hot object), adds to
 * them after responses and attributed events, and the report sums the shards. Per arm it also
 * keeps a HyperLogLog sketch of the served item ids (catalogue coverage; merged across shards by
 * the report) and sums for the mean category diversity of the served lists.
 */
import { DurableObject } from "cloudflare:workers";
import {
  type ArmCounters,
  EXPERIMENT_METRICS,
  EXPERIMENT_SUMS,
  type ExperimentIncrement,
  type LatencyObservations,
  type ExperimentMetric,
  type ExperimentSum,
  type ServedItems,
} from "../shared/experiments/experiment-counters-contract";
import { HyperLogLog } from "../shared/experiments/hyperloglog";
import { LATENCY_BUCKET_BOUNDS_MS } from "../shared/experiments/latency-buckets";

const zeroes = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;

/** Counters of one experiment shard. */
export class ExperimentStats extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS counters (arm TEXT NOT NULL, metric TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (arm, metric));
      CREATE TABLE IF NOT EXISTS latency (arm TEXT NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (arm, bucket));
      CREATE TABLE IF NOT EXISTS sketches (arm TEXT PRIMARY KEY, registers BLOB NOT NULL);`);
  }

  /**
   * Adds counter increments, optionally latency observations per (arm, bucket) (`count`, default
   * 1, observations each), and optionally served item ids to each arm's coverage sketch — all in one
   * transaction. The Worker sends a batch of responses at a time (workers/experiments/experiment-counters.ts).
   */
  async record(increments: ExperimentIncrement[], latencies: LatencyObservations[] = [], served: ServedItems[] = []): Promise<void> {
    this.ctx.storage.transactionSync(() => {
      for (const { arm, metric, value } of increments) {
        this.sql.exec(
          `INSERT INTO counters (arm, metric, value) VALUES (?, ?, ?) ON CONFLICT (arm, metric) DO UPDATE SET value = value + excluded.value`,
          arm,
          metric,
          value,
        );
      }
      for (const { arm, bucket, count = 1 } of latencies) {
        this.sql.exec(
          `INSERT INTO latency (arm, bucket, count) VALUES (?, ?, ?) ON CONFLICT (arm, bucket) DO UPDATE SET count = count + excluded.count`,
          arm,
          bucket,
          count,
        );
      }
      for (const { arm, itemIds } of served) {
        if (itemIds.length === 0) continue;
        const row = this.sql.exec<{ registers: ArrayBuffer }>(`SELECT registers FROM sketches WHERE arm = ?`, arm).toArray()[0];
        const sketch = row ? HyperLogLog.fromBytes(row.registers) : new HyperLogLog();
        if (!sketch.addAll(itemIds) && row) continue;
        const bytes = sketch.toBytes();
        this.sql.exec(
          `INSERT INTO sketches (arm, registers) VALUES (?, ?) ON CONFLICT (arm) DO UPDATE SET registers = excluded.registers`,
          arm,
          bytes.buffer as ArrayBuffer,
        );
      }
    });
  }

  /** Every arm's counters, sums and coverage sketch in this shard. */
  async snapshot(): Promise<Record<string, ArmCounters>> {
    const arms: Record<string, ArmCounters> = {};
    const armOf = (arm: string) =>
      (arms[arm] ??= {
        counters: zeroes(EXPERIMENT_METRICS),
        latency: new Array(LATENCY_BUCKET_BOUNDS_MS.length).fill(0),
        sums: zeroes(EXPERIMENT_SUMS),
        sketch: null,
      });
    for (const row of this.sql.exec<{ arm: string; metric: string; value: number }>(`SELECT arm, metric, value FROM counters`)) {
      if ((EXPERIMENT_METRICS as readonly string[]).includes(row.metric))
        armOf(row.arm).counters[row.metric as ExperimentMetric] = row.value;
      else if ((EXPERIMENT_SUMS as readonly string[]).includes(row.metric)) armOf(row.arm).sums[row.metric as ExperimentSum] = row.value;
    }
    for (const row of this.sql.exec<{ arm: string; registers: ArrayBuffer }>(`SELECT arm, registers FROM sketches`)) {
      armOf(row.arm).sketch = new Uint8Array(row.registers);
    }
    for (const row of this.sql.exec<{ arm: string; bucket: number; count: number }>(`SELECT arm, bucket, count FROM latency`)) {
      const entry = armOf(row.arm);
      if (row.bucket >= 0 && row.bucket < entry.latency.length) entry.latency[row.bucket] = row.count;
    }
    return arms;
  }
}
