/**
 * A time-boxed search of implicit ALS's hyperparameters beyond the tuning plan's base grid: from
 * the best base trial, one step up and down each axis of a log-spaced ladder (factors up to 256,
 * regularisation 1…500, α 0.5…40, iterations 10…30) per round; a round's best replaces the
 * incumbent when it scores at least `minGain` (relative) higher on validation, and the search stops when no step helps, after
 * `maxRounds`, or when the time budget is spent. A trial whose predicted fit time (the incumbent's,
 * scaled by factors² and iterations; a round's trials share `parallelism` workers) no longer fits
 * the remaining budget is not started, so the box is kept up to the misprediction of one round. The budget makes the outcome depend on the
 * machine's speed; the report records every trial and why the search stopped, and `--params`
 * replays a plan exactly.
 */
import type { ImplicitAlsOptions } from "../models/implicit-als";
import type { ModelSpec } from "../models/model-spec";
import type { PlanEntry } from "./evaluation-plan";

/** The searched ALS hyperparameters. */
export type AlsSearchPoint = Pick<ImplicitAlsOptions, "factors" | "regularization" | "alpha" | "iterations">;

/** Values each axis may take, ascending. */
export type AlsSearchSpace = { [axis in keyof AlsSearchPoint]: readonly number[] };

/** Options of {@link searchAls}. */
export interface AlsSearchOptions {
  space: AlsSearchSpace;
  /** Wall seconds the search may take after the base grid (0: the base grid's winner stands). */
  budgetSeconds: number;
  /** Most rounds of steps. */
  maxRounds: number;
  /**
   * Smallest relative gain in validation nDCG that moves the search (0.02 = 2 %). Smaller
   * differences are within the seed-to-seed spread: on MovieLens 100k 32 factors beat 64 on
   * validation by 1.0 % and lost 1.3 % on the test splits (the validation part trains on less data,
   * which favours smaller models).
   */
  minGain: number;
  /** Trials of one round that run at once (the trial runner's workers), for the time prediction. */
  parallelism: number;
  /** Seed of every trial. */
  seed: number;
  /** Clock in milliseconds (tests pass a manual one). */
  now: () => number;
}

/** Ladders around the values that work on MovieLens 100k and the demo data. */
export const ALS_SEARCH_SPACE = {
  factors: [16, 32, 64, 128, 256],
  regularization: [1, 3, 10, 25, 50, 100, 200, 500],
  alpha: [0.5, 1, 2, 5, 10, 20, 40],
  iterations: [10, 15, 20, 30],
} as const satisfies AlsSearchSpace;

/** Defaults: the ladders above, one minute, at most 6 rounds, a 2 % gain to move, one trial at a time. */
export const ALS_SEARCH_DEFAULTS = {
  space: ALS_SEARCH_SPACE,
  budgetSeconds: 60,
  maxRounds: 6,
  minGain: 0.02,
  parallelism: 1,
  seed: 42,
  now: () => performance.now(),
} as const satisfies AlsSearchOptions;

/** Why the search ended ("budget" also when the last round had to leave steps out). */
export type AlsSearchStop = "converged" | "budget" | "rounds";

/** What the search reads of a trial's outcome (the tuning plan's outcomes carry the fitted model too). */
export interface AlsTrialOutcome {
  /** Validation nDCG@k. */
  ndcg: number;
  fitSeconds: number;
}

/** Fits and scores trials (in workers or in-process), outcomes in the entries' order. */
export type AlsTrialRunner<T extends AlsTrialOutcome> = (entries: readonly PlanEntry[]) => Promise<T[]>;

/** One searched point and its outcome. */
export interface AlsSearchTrial<T extends AlsTrialOutcome = AlsTrialOutcome> {
  entry: PlanEntry;
  outcome: T;
}

/** What {@link searchAls} tried and chose. */
export interface AlsSearchResult<T extends AlsTrialOutcome = AlsTrialOutcome> {
  /** The best trial (the start when no step helped). */
  best: AlsSearchTrial<T>;
  /** The search's own trials, in the order run (the start is not repeated). */
  trials: AlsSearchTrial<T>[];
  rounds: number;
  stopped: AlsSearchStop;
  /** Steps not started because their predicted time exceeded what was left of the budget. */
  skipped: number;
  budgetSeconds: number;
  spentSeconds: number;
}

/**
 * Searches from `start` (the best base-grid ALS trial) with `runner`; `tried` holds points
 * already evaluated (the base grid), which are not run again.
 */
export async function searchAls<T extends AlsTrialOutcome>(
  start: AlsSearchTrial<T>,
  runner: AlsTrialRunner<T>,
  options: Partial<AlsSearchOptions> = {},
  tried: readonly ModelSpec[] = [],
): Promise<AlsSearchResult<T>> {
  const opts = { ...ALS_SEARCH_DEFAULTS, ...options } satisfies AlsSearchOptions;
  const started = opts.now();
  const deadline = started + opts.budgetSeconds * 1000;
  const seen = new Set([start.entry.spec, ...tried].flatMap((spec) => (spec.model === "implicit-als" ? [pointKey(alsPoint(spec))] : [])));
  const trials: AlsSearchTrial<T>[] = [];
  let best = start;
  let rounds = 0;
  let skipped = 0;
  let stopped: AlsSearchStop = "rounds";
  while (rounds < opts.maxRounds) {
    const remaining = (deadline - opts.now()) / 1000;
    const steps = neighbours(alsPoint(best.entry.spec), opts.space).filter((point) => !seen.has(pointKey(point)));
    if (steps.length === 0) {
      stopped = "converged";
      break;
    }
    const reference = { point: alsPoint(best.entry.spec), seconds: best.outcome.fitSeconds };
    const affordable: AlsSearchPoint[] = [];
    let load = 0;
    let longest = 0;
    for (const point of steps) {
      const cost = predictFitSeconds(reference, point);
      const wall = Math.max(longest, cost, (load + cost) / Math.max(1, opts.parallelism));
      if (wall <= remaining) {
        affordable.push(point);
        load += cost;
        longest = Math.max(longest, cost);
      }
    }
    skipped += steps.length - affordable.length;
    if (affordable.length === 0) {
      stopped = "budget";
      break;
    }
    rounds++;
    const entries = affordable.map((point): PlanEntry => {
      seen.add(pointKey(point));
      return { key: start.entry.key, spec: { model: "implicit-als", options: { ...point, seed: opts.seed } }, servable: true };
    });
    const outcomes = await runner(entries);
    const round = entries.map((entry, i) => ({ entry, outcome: outcomes[i]! }));
    trials.push(...round);
    const winner = round.reduce((a, b) => (b.outcome.ndcg > a.outcome.ndcg ? b : a));
    if (!(winner.outcome.ndcg > best.outcome.ndcg * (1 + opts.minGain))) {
      stopped = affordable.length < steps.length ? "budget" : "converged";
      break;
    }
    best = winner;
  }
  return { best, trials, rounds, stopped, skipped, budgetSeconds: opts.budgetSeconds, spentSeconds: (opts.now() - started) / 1000 };
}

/**
 * Predicted fit seconds of `point` from a measured one: linear in iterations, quadratic in the
 * factors (the conjugate-gradient steps are linear in them; the Gram matrices and cache misses
 * add the rest — on the demo 64 → 128 factors took 3.3× as long, 128 → 256 6.2×).
 */
export function predictFitSeconds(measured: { point: AlsSearchPoint; seconds: number }, point: AlsSearchPoint): number {
  return measured.seconds * (point.iterations / measured.point.iterations) * (point.factors / measured.point.factors) ** 2;
}

/** One ladder step up and down each axis from `point` (factors first, then α, λ, iterations). */
export function neighbours(point: AlsSearchPoint, space: AlsSearchSpace): AlsSearchPoint[] {
  const axes = ["factors", "alpha", "regularization", "iterations"] as const;
  return axes.flatMap((axis) => ladderSteps(space[axis], point[axis]).map((value) => ({ ...point, [axis]: value })));
}

/** The ladder values just above and just below `value` (it need not be on the ladder). */
function ladderSteps(ladder: readonly number[], value: number): number[] {
  const above = ladder.find((v) => v > value);
  const below = [...ladder].reverse().find((v) => v < value);
  return [above, below].filter((v): v is number => v !== undefined);
}

function alsPoint(spec: ModelSpec): AlsSearchPoint {
  if (spec.model !== "implicit-als") throw new Error(`the ALS search starts from an implicit-als trial, got ${spec.model}`);
  const { factors, regularization, alpha, iterations } = spec.options;
  if (factors === undefined || regularization === undefined || alpha === undefined || iterations === undefined) {
    throw new Error("the ALS search needs factors, regularization, alpha and iterations in the start trial");
  }
  return { factors, regularization, alpha, iterations };
}

function pointKey(point: AlsSearchPoint): string {
  return `${point.factors}/${point.regularization}/${point.alpha}/${point.iterations}`;
}
