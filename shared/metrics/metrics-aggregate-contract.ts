/**
 * The MetricsAggregate object's RPC contract (durable-objects/metrics-aggregate.ts): what the
 * Worker sends it (a batch of increments, summed in the isolate for up to a second) and what it
 * answers: the totals since it was created, the per-minute chart points of the last hour, and the
 * hourly quality series (impressions and clicks by surface, served-feature bins, feature ages) and
 * coverage sketches (HyperLogLog of the served item ids) of the last day.
 * Shared by the object and the Worker (workers/metrics/aggregate-metrics.ts, metrics-report.ts).
 */

/** The cell of a counter's value, or of a histogram's sum. */
export const VALUE_CELL = -1;

/**
 * One addition to a series: a counter (`cell` {@link VALUE_CELL}), a histogram's sum ({@link VALUE_CELL})
 * or the count of one of its buckets (`cell` = bucket index, not cumulative).
 */
export interface MetricIncrement {
  /** A series key (edge-metrics.ts `seriesKey`) or a chart key (chart-series.ts). */
  key: string;
  cell: number;
  value: number;
}

/** Chart points of one minute (minutes since epoch). */
export interface MinuteIncrements {
  minute: number;
  increments: MetricIncrement[];
}

/** Quality points of one hour (hours since epoch). */
export interface HourIncrements {
  hour: number;
  increments: MetricIncrement[];
}

/** Item ids served in one hour (the Worker sends each once per batch): the coverage sketch's input. */
export interface ServedItemIds {
  hour: number;
  itemIds: string[];
}

/** One hour's coverage sketch: HyperLogLog registers (shared/experiments/hyperloglog.ts). */
export interface CoverageSketch {
  hour: number;
  registers: Uint8Array;
}

/** What the Worker sends one object in one call, and what one object (or all, merged) answers. */
export interface MetricsBatch {
  /** Additions to the totals (Prometheus counters and histograms). */
  totals: MetricIncrement[];
  /** Additions to the per-minute chart series. */
  minutes: MinuteIncrements[];
  /** Additions to the hourly quality series (quality-series.ts). */
  hours: HourIncrements[];
  /** Served item ids by hour (sent); answered as {@link MetricsSnapshot.sketches}. */
  served: ServedItemIds[];
}

/** What an object answers: its batch sums plus its coverage sketches. */
export interface MetricsSnapshot extends MetricsBatch {
  sketches: CoverageSketch[];
}

/** How many minutes of chart points an object keeps (and `GET /v1/admin/metrics?format=json` shows). */
export const CHART_WINDOW_MINUTES = 60;

/** How many hours of quality series and coverage sketches an object keeps. */
export const QUALITY_WINDOW_HOURS = 24;

/** A cell's identity within a batch. */
function cellId(increment: MetricIncrement): string {
  return `${increment.key}\u0000${increment.cell}`;
}

/** Sums `increments` into `into` (by key and cell). */
export function addIncrements(into: Map<string, MetricIncrement>, increments: readonly MetricIncrement[]): void {
  for (const increment of increments) {
    const id = cellId(increment);
    const sum = into.get(id);
    if (sum) sum.value += increment.value;
    else into.set(id, { ...increment });
  }
}

/** Sums batches cell by cell: the isolate's window before it is sent, and the report's merge of every shard. */
export class MetricsAccumulator {
  private readonly totals = new Map<string, MetricIncrement>();
  private readonly minutes = new Map<number, Map<string, MetricIncrement>>();
  private readonly hours = new Map<number, Map<string, MetricIncrement>>();
  private readonly served = new Map<number, Set<string>>();
  private readonly sketches = new Map<number, Uint8Array>();

  /** Adds `batch` (a snapshot's sketches are merged register by register: the sketch of the union). */
  add(batch: MetricsBatch | MetricsSnapshot): void {
    addIncrements(this.totals, batch.totals);
    addPeriods(
      this.minutes,
      batch.minutes.map(({ minute, increments }) => [minute, increments]),
    );
    addPeriods(
      this.hours,
      batch.hours.map(({ hour, increments }) => [hour, increments]),
    );
    for (const { hour, itemIds } of batch.served) {
      const ids = this.served.get(hour) ?? new Set<string>();
      for (const id of itemIds) ids.add(id);
      this.served.set(hour, ids);
    }
    for (const { hour, registers } of "sketches" in batch ? batch.sketches : []) {
      const merged = this.sketches.get(hour);
      if (!merged) this.sketches.set(hour, Uint8Array.from(registers));
      else for (let i = 0; i < merged.length; i++) merged[i] = Math.max(merged[i]!, registers[i] ?? 0);
    }
  }

  /** True when nothing was added. */
  get empty(): boolean {
    return this.totals.size === 0 && this.minutes.size === 0 && this.hours.size === 0 && this.served.size === 0 && this.sketches.size === 0;
  }

  /** The sum so far, periods in order. */
  batch(): MetricsSnapshot {
    return {
      totals: [...this.totals.values()],
      minutes: periods(this.minutes).map(([minute, increments]) => ({ minute, increments })),
      hours: periods(this.hours).map(([hour, increments]) => ({ hour, increments })),
      served: [...this.served].sort(([a], [b]) => a - b).map(([hour, ids]) => ({ hour, itemIds: [...ids] })),
      sketches: [...this.sketches].sort(([a], [b]) => a - b).map(([hour, registers]) => ({ hour, registers })),
    };
  }
}

function addPeriods(into: Map<number, Map<string, MetricIncrement>>, periods: [number, readonly MetricIncrement[]][]): void {
  for (const [period, increments] of periods) {
    let cells = into.get(period);
    if (!cells) {
      cells = new Map();
      into.set(period, cells);
    }
    addIncrements(cells, increments);
  }
}

function periods(from: Map<number, Map<string, MetricIncrement>>): [number, MetricIncrement[]][] {
  return [...from].sort(([a], [b]) => a - b).map(([period, cells]) => [period, [...cells.values()]]);
}

/** `batches` (or snapshots) summed cell by cell, sketches merged. */
export function mergeBatches(batches: readonly (MetricsBatch | MetricsSnapshot)[]): MetricsSnapshot {
  const sum = new MetricsAccumulator();
  for (const batch of batches) sum.add(batch);
  return sum.batch();
}
