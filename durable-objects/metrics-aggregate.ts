/**
 * MetricsAggregate: one shard of the Worker's operational metrics (shared/metrics/edge-metrics.ts).
 * Each isolate sends it the sum of a second of requests (workers/metrics/aggregate-metrics.ts);
 * `GET /v1/admin/metrics` sums every shard's snapshot. Four tables:
 * - `totals`: counters and histogram buckets since the object was created (one row per series cell);
 * - `minutes`: the chart points of the last CHART_WINDOW_MINUTES;
 * - `hours`: the quality series of the last QUALITY_WINDOW_HOURS (CTR, feature ages, served-feature bins);
 * - `sketches`: one HyperLogLog of the served item ids per hour of that window (catalogue coverage).
 * Rows older than their window are deleted on write.
 */
import { DurableObject } from "cloudflare:workers";
import { HyperLogLog } from "../shared/experiments/hyperloglog";
import {
  CHART_WINDOW_MINUTES,
  type MetricIncrement,
  type MetricsBatch,
  type MetricsSnapshot,
  QUALITY_WINDOW_HOURS,
} from "../shared/metrics/metrics-aggregate-contract";

/** The oldest minute and hour still kept at `ms`. */
function oldestKept(ms: number): { minute: number; hour: number } {
  return { minute: Math.floor(ms / 60_000) - CHART_WINDOW_MINUTES + 1, hour: Math.floor(ms / 3_600_000) - QUALITY_WINDOW_HOURS + 1 };
}

/** Totals, recent chart points, quality series and coverage sketches of one metrics shard. */
export class MetricsAggregate extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS totals (key TEXT NOT NULL, cell INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (key, cell));
      CREATE TABLE IF NOT EXISTS minutes (minute INTEGER NOT NULL, key TEXT NOT NULL, cell INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (minute, key, cell));
      CREATE TABLE IF NOT EXISTS hours (hour INTEGER NOT NULL, key TEXT NOT NULL, cell INTEGER NOT NULL, value REAL NOT NULL, PRIMARY KEY (hour, key, cell));
      CREATE TABLE IF NOT EXISTS sketches (hour INTEGER PRIMARY KEY, registers BLOB NOT NULL);`);
  }

  /** Adds one batch in one transaction; rows older than their window are dropped. */
  async record(batch: MetricsBatch): Promise<void> {
    const oldest = oldestKept(Date.now());
    this.ctx.storage.transactionSync(() => {
      this.add("totals", [], batch.totals);
      for (const { minute, increments } of batch.minutes) if (minute >= oldest.minute) this.add("minutes", [minute], increments);
      for (const { hour, increments } of batch.hours) if (hour >= oldest.hour) this.add("hours", [hour], increments);
      for (const { hour, itemIds } of batch.served) {
        if (hour < oldest.hour || itemIds.length === 0) continue;
        const row = this.sql.exec<{ registers: ArrayBuffer }>(`SELECT registers FROM sketches WHERE hour = ?`, hour).toArray()[0];
        const sketch = row ? HyperLogLog.fromBytes(row.registers) : new HyperLogLog();
        if (!sketch.addAll(itemIds) && row) continue;
        this.sql.exec(
          `INSERT INTO sketches (hour, registers) VALUES (?, ?) ON CONFLICT (hour) DO UPDATE SET registers = excluded.registers`,
          hour,
          sketch.toBytes().buffer as ArrayBuffer,
        );
      }
      this.sql.exec(`DELETE FROM minutes WHERE minute < ?`, oldest.minute);
      this.sql.exec(`DELETE FROM hours WHERE hour < ?`, oldest.hour);
      this.sql.exec(`DELETE FROM sketches WHERE hour < ?`, oldest.hour);
    });
  }

  /** The totals, the chart points and quality series of their windows, and the coverage sketches. */
  async snapshot(): Promise<MetricsSnapshot> {
    const oldest = oldestKept(Date.now());
    const cells = (rows: Iterable<{ period: number; key: string; cell: number; value: number }>) => {
      const byPeriod = new Map<number, MetricIncrement[]>();
      for (const { period, key, cell, value } of rows) {
        const list = byPeriod.get(period) ?? [];
        list.push({ key, cell, value });
        byPeriod.set(period, list);
      }
      return [...byPeriod];
    };
    type Row = { period: number; key: string; cell: number; value: number };
    return {
      totals: this.sql
        .exec<{ key: string; cell: number; value: number }>(`SELECT key, cell, value FROM totals`)
        .toArray()
        .map(({ key, cell, value }) => ({ key, cell, value })),
      minutes: cells(
        this.sql.exec<Row>(`SELECT minute AS period, key, cell, value FROM minutes WHERE minute >= ? ORDER BY minute`, oldest.minute),
      ).map(([minute, increments]) => ({ minute, increments })),
      hours: cells(this.sql.exec<Row>(`SELECT hour AS period, key, cell, value FROM hours WHERE hour >= ? ORDER BY hour`, oldest.hour)).map(
        ([hour, increments]) => ({ hour, increments }),
      ),
      served: [],
      sketches: this.sql
        .exec<{ hour: number; registers: ArrayBuffer }>(`SELECT hour, registers FROM sketches WHERE hour >= ? ORDER BY hour`, oldest.hour)
        .toArray()
        .map(({ hour, registers }) => ({ hour, registers: new Uint8Array(registers) })),
    };
  }

  /** Adds increments to `table` (with its period columns' values first). */
  private add(table: "totals" | "minutes" | "hours", period: number[], increments: readonly MetricIncrement[]): void {
    const columns = table === "totals" ? "" : table === "minutes" ? "minute, " : "hour, ";
    const conflict = table === "totals" ? "key, cell" : `${columns}key, cell`;
    const placeholders = period.map(() => "?, ").join("");
    for (const { key, cell, value } of increments) {
      this.sql.exec(
        `INSERT INTO ${table} (${columns}key, cell, value) VALUES (${placeholders}?, ?, ?) ON CONFLICT (${conflict}) DO UPDATE SET value = value + excluded.value`,
        ...period,
        key,
        cell,
        value,
      );
    }
  }
}
