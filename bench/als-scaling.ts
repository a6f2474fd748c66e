/**
 * ALS training cost against the number of interactions (`npm run bench -- als-scaling`): for
 * each size (10⁵, 10⁶, 10⁷ by default) a synthetic matrix is generated (users grow with the
 * interactions, 50 each; the catalogue is fixed), implicit ALS runs a few timed iterations, and
 * the report gives seconds per iteration (process CPU time, which other load on the machine
 * disturbs far less than wall time; wall time is reported too), nanoseconds per interaction per
 * iteration and a least-squares fit of time against interactions (slope, intercept, R²) — linear
 * cost shows as a flat ns/interaction column and R² ≈ 1. The intercept is the per-row k² work of
 * the fixed catalogue's item half-steps.
 */
import { nonZeroCount } from "../pipeline/data/interaction-matrix";
import { ImplicitAls } from "../pipeline/models/implicit-als";
import { syntheticInteractions, SYNTHETIC_INTERACTIONS_DEFAULTS } from "./als-scaling-data";

/** Options of {@link runAlsScalingBench}. */
export interface AlsScalingBenchOptions {
  /** Interaction counts to time. */
  sizes: number[];
  factors: number;
  /** Timed iterations per size (after one untimed warm-up iteration on the smallest size). */
  iterations: number;
  itemsPerUser: number;
  items: number;
  seed: number;
  /** Called with a progress line. */
  log: (line: string) => void;
}

/** Defaults: 10⁵, 10⁶, 10⁷ interactions, 32 factors, 3 iterations. */
export const ALS_SCALING_BENCH_DEFAULTS = {
  sizes: [100_000, 1_000_000, 10_000_000],
  factors: 32,
  iterations: 3,
  itemsPerUser: SYNTHETIC_INTERACTIONS_DEFAULTS.itemsPerUser,
  items: SYNTHETIC_INTERACTIONS_DEFAULTS.items,
  seed: 7,
  log: (line: string) => console.error(line),
} satisfies AlsScalingBenchOptions;

/** One timed size. */
export interface AlsScalingRow {
  interactions: number;
  users: number;
  items: number;
  generateSeconds: number;
  /** Mean CPU time of one ALS iteration (user and item half-steps). */
  secondsPerIteration: number;
  /** Mean wall time of one iteration. */
  wallSecondsPerIteration: number;
  /** CPU nanoseconds per interaction per iteration. */
  nsPerInteractionIteration: number;
}

/** The benchmark result. */
export interface AlsScalingResult {
  factors: number;
  iterations: number;
  rows: AlsScalingRow[];
  /** Least-squares fit of CPU secondsPerIteration ≈ slope · interactions + intercept. */
  fit: { slopeNsPerInteraction: number; interceptSeconds: number; r2: number };
  node: string;
}

/** Runs the benchmark. */
export function runAlsScalingBench(options: Partial<AlsScalingBenchOptions> = {}): AlsScalingResult {
  const opts = { ...ALS_SCALING_BENCH_DEFAULTS, ...options } satisfies AlsScalingBenchOptions;
  const warmup = syntheticInteractions({ interactions: Math.min(...opts.sizes, 50_000), items: opts.items, seed: opts.seed });
  new ImplicitAls({ factors: opts.factors, iterations: 1, seed: opts.seed }).fit(warmup);
  const rows: AlsScalingRow[] = [];
  for (const size of opts.sizes) {
    const generateStart = performance.now();
    const matrix = syntheticInteractions({ interactions: size, itemsPerUser: opts.itemsPerUser, items: opts.items, seed: opts.seed });
    const generateSeconds = (performance.now() - generateStart) / 1000;
    const interactions = nonZeroCount(matrix);
    const cpu: number[] = [];
    const wall: number[] = [];
    let lastCpu = process.cpuUsage();
    let lastWall = performance.now();
    const als = new ImplicitAls({
      factors: opts.factors,
      iterations: opts.iterations,
      seed: opts.seed,
      onIteration: () => {
        const used = process.cpuUsage(lastCpu);
        cpu.push((used.user + used.system) / 1e6);
        wall.push((performance.now() - lastWall) / 1000);
        lastCpu = process.cpuUsage();
        lastWall = performance.now();
      },
    });
    lastCpu = process.cpuUsage();
    lastWall = performance.now();
    als.fit(matrix);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const secondsPerIteration = mean(cpu);
    const row: AlsScalingRow = {
      interactions,
      users: matrix.rows,
      items: matrix.cols,
      generateSeconds: round(generateSeconds),
      secondsPerIteration: round(secondsPerIteration),
      wallSecondsPerIteration: round(mean(wall)),
      nsPerInteractionIteration: round((secondsPerIteration * 1e9) / interactions),
    };
    rows.push(row);
    opts.log(
      `${interactions.toLocaleString("en")} interactions (${matrix.rows.toLocaleString("en")} users × ${matrix.cols} items): ` +
        `${row.secondsPerIteration.toFixed(3)} CPU s/iteration (wall ${row.wallSecondsPerIteration.toFixed(3)}), ` +
        `${row.nsPerInteractionIteration.toFixed(0)} ns/interaction/iteration`,
    );
  }
  return { factors: opts.factors, iterations: opts.iterations, rows, fit: linearFit(rows), node: process.version };
}

function linearFit(rows: AlsScalingRow[]): AlsScalingResult["fit"] {
  const n = rows.length;
  const xs = rows.map((r) => r.interactions);
  const ys = rows.map((r) => r.secondsPerIteration);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const r2 = sxx > 0 && syy > 0 ? (sxy * sxy) / (sxx * syy) : 1;
  return { slopeNsPerInteraction: round(slope * 1e9), interceptSeconds: round(my - slope * mx), r2: round(r2) };
}

function round(x: number): number {
  return Number(x.toPrecision(4));
}
