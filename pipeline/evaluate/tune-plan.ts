/**
 * Chooses every model's hyperparameters on a validation split carved out of a training part —
 * never on the test split — and builds the evaluation plan from the winners: a small grid per
 * model (validation nDCG@k decides), the blend of the best item-based model (EASE when the
 * catalogue allows it, else item neighbours) with ALS and its weight, the blend's dot-product
 * form at the serving dimensions, and the serving model (the best servable entry).
 */
import { Ease, EASE_DEFAULTS, type EaseOptions } from "../models/ease";
import type { ImplicitAlsOptions } from "../models/implicit-als";
import type { ItemKnnOptions } from "../models/item-knn";
import type { FitProgress, ModelSpec } from "../models/model-spec";
import type { Recommender } from "../models/recommender";
import type { InteractionSplit } from "../split/interaction-split";
import { evaluateRecommender } from "./evaluate-recommender";
import { fitEntry, type EvaluationPlan, type FittedEntry, type PlanEntry } from "./evaluation-plan";

/** Hyperparameter grids searched by {@link tunePlan}. */
export interface TuningGrids {
  "item-knn": Partial<ItemKnnOptions>[];
  "implicit-als": Partial<Omit<ImplicitAlsOptions, "onIteration">>[];
  ease: Partial<Omit<EaseOptions, "onProgress">>[];
  /** Candidate weights of the item-based model in the blend (ALS gets 1 − w). */
  blendWeights: number[];
}

/** Options of {@link tunePlan}. */
export interface TunePlanOptions {
  grids: TuningGrids;
  /** Cut-off of the selection metric (nDCG@k). */
  k: number;
  /** Size of the served vectors (the factorised blend's rank). */
  dimensions: number;
  /** Largest catalogue EASE is fitted on. */
  easeMaxItems: number;
  /** Seed of stochastic models. */
  seed: number;
  /** Called before each trial with its label, the trial number and the total. */
  onTrial?: (label: string, done: number, total: number) => void;
  /** Progress inside a trial's fit. */
  fitProgress?: FitProgress;
}

/** Default grids: a few points around values that work on MovieLens 100k and the demo data. */
export const DEFAULT_TUNING_GRIDS = {
  "item-knn": [
    { neighbours: 50, shrinkage: 10 },
    { neighbours: 100, shrinkage: 10 },
    { neighbours: 200, shrinkage: 10 },
    { neighbours: 100, shrinkage: 50 },
  ],
  "implicit-als": [
    { factors: 64, regularization: 10, alpha: 2, iterations: 10 },
    { factors: 64, regularization: 10, alpha: 5, iterations: 10 },
    { factors: 64, regularization: 50, alpha: 2, iterations: 10 },
    { factors: 64, regularization: 50, alpha: 5, iterations: 10 },
  ],
  ease: [{ lambda: 200 }, { lambda: 400 }, { lambda: 800 }],
  blendWeights: [0.3, 0.5, 0.7],
} as const satisfies TuningGrids;

/** Defaults: nDCG@10, 32-d serving vectors, EASE up to its default catalogue limit. */
export const TUNE_PLAN_DEFAULTS = {
  grids: DEFAULT_TUNING_GRIDS,
  k: 10,
  dimensions: 32,
  easeMaxItems: EASE_DEFAULTS.maxItems,
  seed: 42,
} as const satisfies TunePlanOptions;

/** One evaluated grid point. */
export interface TuningTrial {
  /** Plan key the trial competed for. */
  key: string;
  spec: ModelSpec;
  ndcg: number;
  map: number;
  fitSeconds: number;
}

/** The tuned plan and every trial behind it. */
export interface TuningResult {
  plan: EvaluationPlan;
  trials: TuningTrial[];
  /** Validation nDCG@k of each plan entry. */
  validationNdcg: Record<string, number>;
}

/** One evaluated base-model trial and its fitted model. */
export interface TrialOutcome {
  ndcg: number;
  map: number;
  fitSeconds: number;
  model: Recommender;
}

/** Fits and evaluates independent trials on the validation split (in-process or in workers). */
export type TrialRunner = (entries: readonly PlanEntry[]) => Promise<TrialOutcome[]>;

/** A runner that fits and evaluates each trial in this thread, one after the other. */
export function inProcessTrialRunner(
  validation: InteractionSplit,
  options: Partial<Pick<TunePlanOptions, "k" | "onTrial" | "fitProgress">> = {},
): TrialRunner {
  return async (entries) =>
    entries.map((entry, i) => {
      options.onTrial?.(trialLabel(entry), i, entries.length);
      return runTrial(entry, validation, new Map(), options.k ?? TUNE_PLAN_DEFAULTS.k, options.fitProgress);
    });
}

/** Fits `entry` on the validation training part and scores it (accuracy only). */
export function runTrial(
  entry: PlanEntry,
  validation: InteractionSplit,
  fitted: ReadonlyMap<string, FittedEntry>,
  k: number,
  fitProgress?: FitProgress,
): TrialOutcome {
  const fit = fitEntry(entry, validation.train, fitted, fitProgress, validation.trainNegatives);
  const quality = evaluateRecommender(fit.model, validation, { k, accuracyOnly: true });
  return { ndcg: quality.ndcg, map: quality.map, fitSeconds: fit.fitSeconds, model: fit.model };
}

/** The independent trials of the grids: popularity, item neighbours, ALS and (when it fits) EASE. */
export function baseTrials(items: number, options: Partial<TunePlanOptions> = {}): PlanEntry[] {
  const opts = { ...TUNE_PLAN_DEFAULTS, ...options } satisfies TunePlanOptions;
  const { grids } = opts;
  return [
    { key: "popularity", spec: { model: "popularity" }, servable: false },
    ...grids["item-knn"].map((options): PlanEntry => ({ key: "item-knn", spec: { model: "item-knn", options }, servable: false })),
    ...grids["implicit-als"].map(
      (options): PlanEntry => ({
        key: "implicit-als",
        spec: { model: "implicit-als", options: { ...options, seed: opts.seed } },
        servable: true,
      }),
    ),
    ...(Ease.fits(items, opts.easeMaxItems)
      ? grids.ease.map(
          (options): PlanEntry => ({
            key: "ease",
            spec: { model: "ease", options: { ...options, maxItems: opts.easeMaxItems } },
            servable: false,
          }),
        )
      : []),
  ];
}

/**
 * Tunes every model on `validation` and returns the evaluation plan. The base grids run through
 * `runner` (workers may run them in parallel); the blend weight and the factorised form are then
 * tuned here on the winners.
 */
export async function tunePlan(
  validation: InteractionSplit,
  options: Partial<TunePlanOptions> = {},
  runner?: TrialRunner,
): Promise<TuningResult> {
  const opts = { ...TUNE_PLAN_DEFAULTS, ...options } satisfies TunePlanOptions;
  const items = validation.train.cols;
  const trials: TuningTrial[] = [];
  const validationNdcg: Record<string, number> = {};
  const best = new Map<string, FittedEntry & { entry: PlanEntry; ndcg: number }>();
  const record = (entry: PlanEntry, outcome: TrialOutcome) => {
    trials.push({ key: entry.key, spec: entry.spec, ndcg: outcome.ndcg, map: outcome.map, fitSeconds: outcome.fitSeconds });
    const current = best.get(entry.key);
    if (!current || outcome.ndcg > current.ndcg) {
      best.set(entry.key, { model: outcome.model, fitSeconds: outcome.fitSeconds, entry, ndcg: outcome.ndcg });
      validationNdcg[entry.key] = outcome.ndcg;
    }
  };

  const base = baseTrials(items, opts);
  const outcomes = await (runner ?? inProcessTrialRunner(validation, opts))(base);
  base.forEach((entry, i) => {
    record(entry, outcomes[i]!);
  });

  const itemBased = best.has("ease") ? "ease" : "item-knn";
  const blendKey = `${itemBased}+implicit-als`;
  const fitted = new Map<string, FittedEntry>(best);
  const partSpecs = [best.get(itemBased)!.entry.spec, best.get("implicit-als")!.entry.spec];
  const composed: PlanEntry[] = opts.grids.blendWeights.map((weight) => ({
    key: blendKey,
    spec: { model: "blend", parts: partSpecs, weights: [weight, Number((1 - weight).toFixed(6))] },
    servable: false,
    from: [itemBased, "implicit-als"],
  }));
  const total = composed.length + 1;
  composed.forEach((entry, i) => {
    opts.onTrial?.(trialLabel(entry), i, total);
    record(entry, runTrial(entry, validation, fitted, opts.k, opts.fitProgress));
  });
  fitted.set(blendKey, best.get(blendKey)!);
  const factorized: PlanEntry = {
    key: `${blendKey}@${opts.dimensions}d`,
    spec: { model: "factorized", source: best.get(blendKey)!.entry.spec, options: { rank: opts.dimensions, seed: opts.seed } },
    servable: true,
    from: [blendKey],
  };
  opts.onTrial?.(trialLabel(factorized), composed.length, total);
  record(factorized, runTrial(factorized, validation, fitted, opts.k, opts.fitProgress));
  opts.onTrial?.("done", total, total);

  const entries = [...best.values()].map((b) => b.entry);
  const servable = entries.filter((e) => e.servable).sort((a, b) => validationNdcg[b.key]! - validationNdcg[a.key]!);
  return { plan: { entries, serving: servable[0]!.key }, trials, validationNdcg };
}

/** `ease lambda=400`, `implicit-als factors=64 …`: a trial's progress label. */
export function trialLabel(entry: PlanEntry): string {
  return `${entry.key} ${label(entry.spec)}`.trim();
}

function label(spec: ModelSpec): string {
  switch (spec.model) {
    case "blend":
      return `w=${spec.weights.join("/")}`;
    case "factorized":
      return `rank ${spec.options.rank}`;
    case "popularity":
      return "";
    case "item-knn":
    case "implicit-als":
    case "ease":
      return Object.entries(spec.options)
        .filter(([key]) => key !== "seed" && key !== "maxItems")
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(" ");
    default:
      return spec satisfies never;
  }
}

/**
 * The plan without tuning: each model with its default hyperparameters, an even blend of the
 * item-based model with ALS, and the blend's factorised form; the factorised blend serves.
 */
export function defaultPlan(items: number, options: Partial<Pick<TunePlanOptions, "dimensions" | "easeMaxItems">> = {}): EvaluationPlan {
  const dimensions = options.dimensions ?? TUNE_PLAN_DEFAULTS.dimensions;
  const easeMaxItems = options.easeMaxItems ?? TUNE_PLAN_DEFAULTS.easeMaxItems;
  const itemBased = Ease.fits(items, easeMaxItems) ? "ease" : "item-knn";
  const als: ModelSpec = { model: "implicit-als", options: { ...DEFAULT_TUNING_GRIDS["implicit-als"][3] } };
  const itemSpec: ModelSpec =
    itemBased === "ease"
      ? { model: "ease", options: { lambda: EASE_DEFAULTS.lambda, maxItems: easeMaxItems } }
      : { model: "item-knn", options: {} };
  const blendKey = `${itemBased}+implicit-als`;
  const blend: ModelSpec = { model: "blend", parts: [itemSpec, als], weights: [0.5, 0.5] };
  const servedKey = `${blendKey}@${dimensions}d`;
  const entries: PlanEntry[] = [
    { key: "popularity", spec: { model: "popularity" }, servable: false },
    { key: "item-knn", spec: { model: "item-knn", options: {} }, servable: false },
    { key: "implicit-als", spec: als, servable: true },
    ...(itemBased === "ease" ? [{ key: "ease", spec: itemSpec, servable: false }] : []),
    { key: blendKey, spec: blend, servable: false, from: [itemBased, "implicit-als"] },
    { key: servedKey, spec: { model: "factorized", source: blend, options: { rank: dimensions } }, servable: true, from: [blendKey] },
  ];
  return { entries, serving: servedKey };
}
