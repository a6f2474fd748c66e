import { describe, expect, it } from "vitest";
import { neighbours, predictFitSeconds, searchAls, type AlsSearchPoint, type AlsSearchTrial } from "../../../pipeline/evaluate/als-search";
import type { PlanEntry } from "../../../pipeline/evaluate/evaluation-plan";
import {
  inProcessTrialRunner,
  TUNE_PLAN_DEFAULTS,
  tunePlan,
  type TrialOutcome,
  type TrialRunner,
} from "../../../pipeline/evaluate/tune-plan";
import { stratifiedRandomSplit } from "../../../pipeline/split/stratified-random-split";
import { Popularity } from "../../../pipeline/models/popularity";
import { twoBlockMatrix } from "./block-fixture";

/** A manual clock in milliseconds: no real time passes. */
class ManualClock {
  ms = 0;
  readonly now = () => this.ms;
}

/** Fit seconds of a point: 4 s at 64 factors and 10 iterations, quadratic in factors, linear in iterations. */
const seconds = (p: AlsSearchPoint) => 4 * (p.factors / 64) ** 2 * (p.iterations / 10);

/** A validation score peaking at 128 factors, λ 50, α 1, 10 iterations (each axis on its own). */
function quality(p: AlsSearchPoint): number {
  const distance =
    Math.abs(Math.log2(p.factors / 128)) +
    Math.abs(Math.log(p.regularization / 50)) +
    Math.abs(Math.log2(p.alpha)) +
    (p.iterations - 10) / 10;
  return 0.4 - 0.01 * distance;
}

const point = (entry: PlanEntry): AlsSearchPoint => {
  if (entry.spec.model !== "implicit-als") throw new Error("not ALS");
  const { factors, regularization, alpha, iterations } = entry.spec.options;
  return { factors: factors!, regularization: regularization!, alpha: alpha!, iterations: iterations! };
};

/** Runs trials "in parallel" on `workers` lanes: the clock advances by the busiest lane's total. */
function fakeRunner(clock: ManualClock, workers: number, log: AlsSearchPoint[][]): TrialRunner {
  return async (entries) => {
    log.push(entries.map(point));
    const lanes = new Array<number>(workers).fill(0);
    const outcomes = entries.map((entry) => {
      const p = point(entry);
      const lane = lanes.indexOf(Math.min(...lanes));
      lanes[lane]! += seconds(p);
      return { ndcg: quality(p), map: 0, fitSeconds: seconds(p), model: new Popularity() };
    });
    clock.ms += Math.max(...lanes) * 1000;
    return outcomes;
  };
}

function start(p: AlsSearchPoint): AlsSearchTrial<TrialOutcome> {
  return {
    entry: { key: "implicit-als", spec: { model: "implicit-als", options: { ...p, seed: 42 } }, servable: true },
    outcome: { ndcg: quality(p), map: 0, fitSeconds: seconds(p), model: new Popularity() },
  };
}

const base: AlsSearchPoint = { factors: 64, regularization: 50, alpha: 2, iterations: 10 };

describe("searchAls (time-boxed ALS search)", () => {
  it("climbs one ladder step per axis and round until no step helps when the budget allows", async () => {
    const clock = new ManualClock();
    const rounds: AlsSearchPoint[][] = [];
    const result = await searchAls(start(base), fakeRunner(clock, 2, rounds), { budgetSeconds: 1000, parallelism: 2, now: clock.now });
    expect(point(result.best.entry)).toEqual({ factors: 128, regularization: 50, alpha: 1, iterations: 10 });
    expect(result.stopped).toBe("converged");
    // Round 1 from the start: factors 128/32, α 5/1, λ 100/25, iterations 15.
    expect(rounds[0]).toEqual([
      { ...base, factors: 128 },
      { ...base, factors: 32 },
      { ...base, alpha: 5 },
      { ...base, alpha: 1 },
      { ...base, regularization: 100 },
      { ...base, regularization: 25 },
      { ...base, iterations: 15 },
    ]);
    const all = rounds.flat().map((p) => JSON.stringify(p));
    expect(new Set(all).size).toBe(all.length);
    expect(all).not.toContain(JSON.stringify(base));
    expect(result.trials).toHaveLength(all.length);
    expect(result.skipped).toBe(0);
    expect(result.spentSeconds).toBe(clock.ms / 1000);
  });

  it("does not search at all with a budget of 0: the base grid's winner stands", async () => {
    const clock = new ManualClock();
    const rounds: AlsSearchPoint[][] = [];
    const result = await searchAls(start(base), fakeRunner(clock, 2, rounds), { budgetSeconds: 0, now: clock.now });
    expect(rounds).toEqual([]);
    expect(result).toMatchObject({ rounds: 0, stopped: "budget", trials: [], spentSeconds: 0 });
    expect(point(result.best.entry)).toEqual(base);
  });

  it("leaves out the steps whose predicted time exceeds what is left, and starts no round past the deadline", async () => {
    const clock = new ManualClock();
    const rounds: AlsSearchPoint[][] = [];
    // 10 s on one worker: 128 factors (16 s predicted) cannot run; 32 factors (1 s), α and λ steps (4 s each) fit
    // until the sum passes 10 s: 1 + 4 + 4 = 9, the next 4 s step would make 13.
    const result = await searchAls(start(base), fakeRunner(clock, 1, rounds), { budgetSeconds: 10, parallelism: 1, now: clock.now });
    expect(rounds[0]).toEqual([
      { ...base, factors: 32 },
      { ...base, alpha: 5 },
      { ...base, alpha: 1 },
    ]);
    // Round 2 from α 1 (round 1's best) with 1 s left: only 32 factors (1 s predicted) fits.
    expect(rounds[1]).toEqual([{ ...base, alpha: 1, factors: 32 }]);
    // Skipped: 4 steps in round 1 (128 factors, λ 100, λ 25, 15 iterations), 5 in round 2 (α 2 was the start).
    expect(result.skipped).toBe(9);
    expect(result.stopped).toBe("budget");
    expect(result.rounds).toBe(2);
    expect(clock.ms).toBe(10_000);
  });

  it("moves only for a relative gain of at least minGain", async () => {
    const clock = new ManualClock();
    // One step gains 0.01 on 0.39 (2.6 %): enough at the default 2 %, not at 3 %.
    const strict = await searchAls(start(base), fakeRunner(clock, 2, []), { budgetSeconds: 1000, minGain: 0.03, now: clock.now });
    expect(strict.rounds).toBe(1);
    expect(strict.stopped).toBe("converged");
    expect(point(strict.best.entry)).toEqual(base);
  });

  it("stops after maxRounds", async () => {
    const clock = new ManualClock();
    const result = await searchAls(start(base), fakeRunner(clock, 2, []), { budgetSeconds: 1000, maxRounds: 1, now: clock.now });
    expect(result.rounds).toBe(1);
    expect(result.stopped).toBe("rounds");
    expect(point(result.best.entry)).toEqual({ ...base, factors: 128 });
  });

  it("predicts fit time linearly in iterations and quadratically in factors; steps off-ladder values to their neighbours", () => {
    expect(predictFitSeconds({ point: base, seconds: 10 }, { ...base, factors: 128, iterations: 20 })).toBe(80);
    expect(
      neighbours(
        { factors: 256, regularization: 7, alpha: 40, iterations: 10 },
        { factors: [64, 256], regularization: [3, 10], alpha: [2, 40], iterations: [10] },
      ),
    ).toEqual([
      { factors: 64, regularization: 7, alpha: 40, iterations: 10 },
      { factors: 256, regularization: 7, alpha: 2, iterations: 10 },
      { factors: 256, regularization: 10, alpha: 40, iterations: 10 },
      { factors: 256, regularization: 3, alpha: 40, iterations: 10 },
    ]);
  });
});

describe("tunePlan with the ALS search", () => {
  it("keeps the search's choice when a step wins by less than minGain", async () => {
    const validation = stratifiedRandomSplit(twoBlockMatrix(), { ratio: 0.75, by: "item", seed: 5 });
    const inProcess = inProcessTrialRunner(validation, { k: 5 });
    // Real fits (the blend is tuned on them), made-up validation scores for ALS: the base point scores
    // 0.300, every search step 0.305 (+1.7 %, under the default 2 %).
    const runner: TrialRunner = async (entries) => {
      const outcomes = await inProcess(entries);
      return outcomes.map((outcome, i) => {
        const spec = entries[i]!.spec;
        if (spec.model !== "implicit-als") return outcome;
        return { ...outcome, ndcg: spec.options.factors === 4 && spec.options.alpha === 2 ? 0.3 : 0.305 };
      });
    };
    const clock = new ManualClock();
    const result = await tunePlan(
      validation,
      {
        k: 5,
        dimensions: 2,
        grids: {
          ...TUNE_PLAN_DEFAULTS.grids,
          "item-knn": [{ neighbours: 5 }],
          "implicit-als": [{ factors: 4, regularization: 10, alpha: 2, iterations: 10 }],
          ease: [{ lambda: 1 }],
          blendWeights: [0.5],
        },
        alsSearch: {
          budgetSeconds: 1000,
          space: { factors: [2, 4, 8], regularization: [10], alpha: [1, 2, 5], iterations: [10] },
          now: clock.now,
        },
      },
      runner,
    );
    expect(result.alsSearch).toMatchObject({ rounds: 1, stopped: "converged" });
    expect(result.trials.filter((t) => t.key === "implicit-als")).toHaveLength(5);
    expect(result.validationNdcg["implicit-als"]).toBe(0.3);
    const als = result.plan.entries.find((e) => e.key === "implicit-als")!;
    expect(als.spec).toEqual({ model: "implicit-als", options: { factors: 4, regularization: 10, alpha: 2, iterations: 10, seed: 42 } });
  });
});
