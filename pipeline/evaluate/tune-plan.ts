/**
 * Chooses every model's hyperparameters on a validation split carved out of a training part —
 * never on the test split — and builds the evaluation plan from the winners: a small grid per
 * model (validation nDCG@k decides; EASE over a large catalogue's supported items, with the
 * support threshold in its grid), a time-boxed search of ALS beyond its grid (`als-search.ts`),
 * the tuned ALS with popularity-bias correction (`implicit-als-ips`, its exponent γ from a tiny grid),
 * the blend of the better item-based model (EASE or item neighbours) with ALS and its weight, the
 * Cleora graph embedding as a third blend part (kept only when it clearly wins on validation), the
 * blend's dot-product form at the serving dimensions, and the serving model (the best servable entry).
 */
import type { InteractionMatrix } from "../data/interaction-matrix";
import type { CleoraOptions } from "../models/cleora";
import { EASE_DEFAULTS, type EaseOptions } from "../models/ease";
import type { ImplicitAlsOptions } from "../models/implicit-als";
import type { ItemKnnOptions } from "../models/item-knn";
import type { FitProgress, ModelSpec } from "../models/model-spec";
import type { Recommender } from "../models/recommender";
import type { InteractionSplit } from "../split/interaction-split";
import { supportedItems } from "../models/supported-items";
import { searchAls, type AlsSearchOptions, type AlsSearchResult } from "./als-search";
import { evaluateRecommender } from "./evaluate-recommender";
import { fitEntry, type EvaluationPlan, type FittedEntry, type PlanEntry } from "./evaluation-plan";

/** Hyperparameter grids searched by {@link tunePlan}. */
export interface TuningGrids {
  "item-knn": Partial<ItemKnnOptions>[];
  "implicit-als": Partial<Omit<ImplicitAlsOptions, "onIteration">>[];
  ease: Partial<Omit<EaseOptions, "onProgress">>[];
  /**
   * EASE support thresholds crossed with `ease`, tried only on a catalogue whose supported items
   * exceed `easeMaxItems` (one that fits is fitted whole, exactly) and only when they keep
   * different item sets.
   */
  easeMinSupport: number[];
  /**
   * Exponents γ of the popularity propensity tried for `implicit-als-ips`, the tuned ALS trained
   * with popularity inverse-propensity weights (`pipeline/bias/popularity-propensity.ts`); absent
   * or empty: no such entry.
   */
  popularityDebias?: number[];
  /** Candidate weights of the item-based model in the blend (ALS gets 1 − w). */
  blendWeights: number[];
  /** Cleora graph embeddings (the seed comes from the tuning options). */
  cleora: Partial<Omit<CleoraOptions, "seed">>[];
  /**
   * Weights c tried for Cleora as a third part of the tuned blend (its parts keep their ratio,
   * scaled by 1 − c); the three-part blend replaces the two-part one only if it wins on validation
   * by `blendPartMinGain`.
   */
  cleoraBlendWeights: number[];
}

/** Options of {@link tunePlan}. */
export interface TunePlanOptions {
  grids: TuningGrids;
  /** Cut-off of the selection metric (nDCG@k). */
  k: number;
  /** Size of the served vectors (the factorised blend's rank). */
  dimensions: number;
  /** Most items EASE is fitted on (the best supported when the catalogue has more). */
  easeMaxItems: number;
  /** The ALS search after the base grid (its time box `budgetSeconds`, its clock, …). */
  alsSearch: Partial<AlsSearchOptions>;
  /**
   * Relative validation gain a third blend part (Cleora) must bring over the two-part blend to be
   * kept (0.005: +0.5 % nDCG@k); below it the extra model is not worth training and serving.
   */
  blendPartMinGain: number;
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
  popularityDebias: [0.25, 0.5],
  easeMinSupport: [1, 3, 5, 10],
  blendWeights: [0.3, 0.5, 0.7],
  cleora: [
    { dimensions: 1024, iterations: 2, weighting: "binary" },
    { dimensions: 1024, iterations: 3, weighting: "binary" },
    { dimensions: 1024, iterations: 4, weighting: "binary" },
    { dimensions: 1024, iterations: 2, weighting: "confidence" },
    { dimensions: 1024, iterations: 3, weighting: "confidence" },
  ],
  cleoraBlendWeights: [0.05, 0.1, 0.2, 0.3],
} as const satisfies TuningGrids;

/** Plan key of the popularity-bias-corrected ALS. */
export const POPULARITY_DEBIAS_KEY = "implicit-als-ips";

/** Defaults: nDCG@10, 32-d serving vectors, EASE up to its default item count, the ALS search's defaults. */
export const TUNE_PLAN_DEFAULTS = {
  grids: DEFAULT_TUNING_GRIDS,
  k: 10,
  dimensions: 32,
  easeMaxItems: EASE_DEFAULTS.maxItems,
  alsSearch: {},
  blendPartMinGain: 0.005,
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
  /** How the ALS search went (its trials are in `trials`). */
  alsSearch: Omit<AlsSearchResult, "best" | "trials">;
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

/** The independent trials of the grids on `train`: popularity, item neighbours, ALS and EASE. */
export function baseTrials(train: InteractionMatrix, options: Partial<TunePlanOptions> = {}): PlanEntry[] {
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
    ...easeBaseTrials(train, opts),
    ...grids.cleora.map(
      (options): PlanEntry => ({ key: "cleora", spec: { model: "cleora", options: { ...options, seed: opts.seed } }, servable: true }),
    ),
  ];
}

/**
 * EASE's first trials: the λ grid at the lowest support threshold (the most items), and each
 * higher threshold at the grid's middle λ; {@link easeFollowUpTrials} completes the λ grid at the
 * winning threshold. On a catalogue that fits whole this is just the λ grid.
 */
export function easeBaseTrials(train: InteractionMatrix, options: Partial<TunePlanOptions> = {}): PlanEntry[] {
  const opts = { ...TUNE_PLAN_DEFAULTS, ...options } satisfies TunePlanOptions;
  const [lowest, ...higher] = easeSupportThresholds(train, opts.grids.easeMinSupport, opts.easeMaxItems);
  const middle = opts.grids.ease[Math.floor(opts.grids.ease.length / 2)];
  return [
    ...opts.grids.ease.map((lambda) => easeTrial(lambda, lowest!, opts.easeMaxItems)),
    ...(middle ? higher.map((minSupport) => easeTrial(middle, minSupport, opts.easeMaxItems)) : []),
  ];
}

/** The λ grid at the support threshold of the best EASE trial so far, minus what `done` holds. */
export function easeFollowUpTrials(bestEase: PlanEntry, done: readonly PlanEntry[], options: Partial<TunePlanOptions> = {}): PlanEntry[] {
  const opts = { ...TUNE_PLAN_DEFAULTS, ...options } satisfies TunePlanOptions;
  const minSupport = bestEase.spec.model === "ease" ? (bestEase.spec.options.minSupport ?? 1) : 1;
  const tried = new Set(done.map((entry) => JSON.stringify(entry.spec)));
  return opts.grids.ease
    .map((lambda) => easeTrial(lambda, minSupport, opts.easeMaxItems))
    .filter((entry) => !tried.has(JSON.stringify(entry.spec)));
}

function easeTrial(options: Partial<Omit<EaseOptions, "onProgress">>, minSupport: number, maxItems: number): PlanEntry {
  return {
    key: "ease",
    spec: { model: "ease", options: { ...options, maxItems, ...(minSupport > 1 ? { minSupport } : {}) } },
    servable: false,
  };
}

/**
 * The support thresholds worth trying on `train`: [1] when every item with support fits in
 * `maxItems` (EASE is fitted whole); else those of `candidates` that keep distinct item sets
 * (under the cap, low thresholds keep the same best-supported items), and at least one.
 */
export function easeSupportThresholds(train: InteractionMatrix, candidates: readonly number[], maxItems: number): number[] {
  const all = supportedItems(train, { minSupport: 1, maxItems: Number.POSITIVE_INFINITY });
  if ((all ? all.length : train.cols) <= maxItems) return [1];
  const kept = new Map<number, number>();
  for (const minSupport of [...candidates].sort((a, b) => a - b)) {
    const count = supportedItems(train, { minSupport, maxItems })?.length ?? train.cols;
    if (count > 0 && !kept.has(count)) kept.set(count, minSupport);
  }
  return kept.size > 0 ? [...kept.values()] : [1];
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

  const run = runner ?? inProcessTrialRunner(validation, opts);
  const base = baseTrials(validation.train, opts);
  const outcomes = await run(base);
  base.forEach((entry, i) => {
    record(entry, outcomes[i]!);
  });
  const easeFollowUps = easeFollowUpTrials(best.get("ease")!.entry, base, opts);
  if (easeFollowUps.length > 0) {
    const followUpOutcomes = await run(easeFollowUps);
    easeFollowUps.forEach((entry, i) => {
      record(entry, followUpOutcomes[i]!);
    });
  }
  const alsStart = best.get("implicit-als")!;
  const {
    best: alsBest,
    trials: alsTrials,
    ...alsSearch
  } = await searchAls(
    { entry: alsStart.entry, outcome: { ndcg: alsStart.ndcg, map: 0, fitSeconds: alsStart.fitSeconds, model: alsStart.model } },
    run,
    { seed: opts.seed, ...opts.alsSearch },
    base.map((entry) => entry.spec),
  );
  for (const trial of alsTrials) record(trial.entry, trial.outcome);
  // The search's choice stands, not the highest trial: a step under `minGain` is noise, not a win.
  best.set("implicit-als", { ...alsBest.outcome, entry: alsBest.entry });
  validationNdcg["implicit-als"] = alsBest.outcome.ndcg;
  const debiased = popularityDebiasTrials(alsBest.entry, opts.grids.popularityDebias ?? []);
  if (debiased.length > 0) {
    const debiasedOutcomes = await run(debiased);
    debiased.forEach((entry, i) => {
      record(entry, debiasedOutcomes[i]!);
    });
  }

  const itemBased = (validationNdcg.ease ?? Number.NEGATIVE_INFINITY) >= validationNdcg["item-knn"]! ? "ease" : "item-knn";
  const blendKey = `${itemBased}+implicit-als`;
  const fitted = new Map<string, FittedEntry>(best);
  const partSpecs = [best.get(itemBased)!.entry.spec, best.get("implicit-als")!.entry.spec];
  const composed: PlanEntry[] = opts.grids.blendWeights.map((weight) => ({
    key: blendKey,
    spec: { model: "blend", parts: partSpecs, weights: [weight, Number((1 - weight).toFixed(6))] },
    servable: false,
    from: [itemBased, "implicit-als"],
  }));
  const total = composed.length + opts.grids.cleoraBlendWeights.length + 1;
  composed.forEach((entry, i) => {
    opts.onTrial?.(trialLabel(entry), i, total);
    record(entry, runTrial(entry, validation, fitted, opts.k, opts.fitProgress));
  });
  fitted.set(blendKey, best.get(blendKey)!);
  const cleora = best.get("cleora")?.entry;
  const withCleora = cleora ? cleoraBlendTrials(best.get(blendKey)!.entry, cleora, opts.grids.cleoraBlendWeights) : [];
  withCleora.forEach((entry, i) => {
    opts.onTrial?.(trialLabel(entry), composed.length + i, total);
    record(entry, runTrial(entry, validation, fitted, opts.k, opts.fitProgress));
  });
  const cleoraKey = withCleora[0]?.key;
  const servedBlend =
    cleoraKey !== undefined && validationNdcg[cleoraKey]! > validationNdcg[blendKey]! * (1 + opts.blendPartMinGain) ? cleoraKey : blendKey;
  if (cleoraKey !== undefined && servedBlend !== cleoraKey) {
    best.delete(cleoraKey);
    delete validationNdcg[cleoraKey];
  }
  fitted.set(servedBlend, best.get(servedBlend)!);
  const factorized: PlanEntry = {
    key: `${servedBlend}@${opts.dimensions}d`,
    spec: { model: "factorized", source: best.get(servedBlend)!.entry.spec, options: { rank: opts.dimensions, seed: opts.seed } },
    servable: true,
    from: [servedBlend],
  };
  opts.onTrial?.(trialLabel(factorized), composed.length + withCleora.length, total);
  record(factorized, runTrial(factorized, validation, fitted, opts.k, opts.fitProgress));
  opts.onTrial?.("done", total, total);

  const entries = [...best.values()].map((b) => b.entry);
  const servable = entries.filter((e) => e.servable).sort((a, b) => validationNdcg[b.key]! - validationNdcg[a.key]!);
  return { plan: { entries, serving: servable[0]!.key }, trials, validationNdcg, alsSearch };
}

/**
 * The tuned ALS entry `als` with popularity inverse-propensity weights, one entry per exponent γ
 * (key {@link POPULARITY_DEBIAS_KEY}). Servable like ALS: it serves only if it wins on validation.
 */
export function popularityDebiasTrials(als: PlanEntry, gammas: readonly number[]): PlanEntry[] {
  if (als.spec.model !== "implicit-als") throw new Error(`${als.key} is not an implicit-als entry`);
  const { options } = als.spec;
  return gammas.map((gamma) => ({
    key: POPULARITY_DEBIAS_KEY,
    spec: { model: "implicit-als", options: { ...options, popularityDebias: gamma } },
    servable: true,
  }));
}

/**
 * The tuned two-part blend `blend` with the tuned `cleora` entry as a third part, one entry per
 * weight c: the parts keep their ratio, scaled by 1 − c (key `<blend>+cleora`).
 */
export function cleoraBlendTrials(blend: PlanEntry, cleora: PlanEntry, weights: readonly number[]): PlanEntry[] {
  if (blend.spec.model !== "blend" || blend.from === undefined) throw new Error(`${blend.key} is not a composed blend`);
  const { parts, weights: partWeights } = blend.spec;
  const from = [...blend.from, cleora.key];
  return weights.map((c) => ({
    key: `${blend.key}+${cleora.key}`,
    spec: { model: "blend", parts: [...parts, cleora.spec], weights: [...partWeights.map((w) => Number((w * (1 - c)).toFixed(6))), c] },
    servable: false,
    from,
  }));
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
    case "cleora":
      return Object.entries(spec.options)
        .filter(([key]) => key !== "seed" && key !== "maxItems")
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(" ");
    default:
      return spec satisfies never;
  }
}

/**
 * The plan without tuning: each model with its default hyperparameters (EASE over the supported
 * items when the catalogue is larger than `easeMaxItems`), ALS with popularity-bias correction
 * γ = 0.5, an even blend of EASE with ALS, and the blend's factorised form; the factorised blend
 * serves.
 */
export function defaultPlan(options: Partial<Pick<TunePlanOptions, "dimensions" | "easeMaxItems">> = {}): EvaluationPlan {
  const dimensions = options.dimensions ?? TUNE_PLAN_DEFAULTS.dimensions;
  const easeMaxItems = options.easeMaxItems ?? TUNE_PLAN_DEFAULTS.easeMaxItems;
  const als: ModelSpec = { model: "implicit-als", options: { ...DEFAULT_TUNING_GRIDS["implicit-als"][3] } };
  const ease: ModelSpec = { model: "ease", options: { lambda: EASE_DEFAULTS.lambda, maxItems: easeMaxItems } };
  const blend: ModelSpec = { model: "blend", parts: [ease, als], weights: [0.5, 0.5] };
  const servedKey = `ease+implicit-als@${dimensions}d`;
  const entries: PlanEntry[] = [
    { key: "popularity", spec: { model: "popularity" }, servable: false },
    { key: "item-knn", spec: { model: "item-knn", options: {} }, servable: false },
    { key: "implicit-als", spec: als, servable: true },
    ...popularityDebiasTrials({ key: "implicit-als", spec: als, servable: true }, [0.5]),
    { key: "ease", spec: ease, servable: false },
    { key: "cleora", spec: { model: "cleora", options: {} }, servable: true },
    { key: "ease+implicit-als", spec: blend, servable: false, from: ["ease", "implicit-als"] },
    {
      key: servedKey,
      spec: { model: "factorized", source: blend, options: { rank: dimensions } },
      servable: true,
      from: ["ease+implicit-als"],
    },
  ];
  return { entries, serving: servedKey };
}
