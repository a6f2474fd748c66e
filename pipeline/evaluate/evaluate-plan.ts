/**
 * Runs an evaluation plan on one split: fits every entry on the training part (composed entries
 * reuse their fitted parts), evaluates each on the test part with the published protocol, and
 * records fit and evaluation times. Optionally adds the `funnel` row (candidates → ranker); it is
 * left out when the validation candidates hold no hit (or only hits) to train the ranker on.
 */
import type { FitProgress } from "../models/model-spec";
import type { InteractionSplit } from "../split/interaction-split";
import { evaluateRecommender, type RecommenderQuality } from "./evaluate-recommender";
import type { RankerItemInfo, RankerUserProfiles } from "../ranking/ranker-examples";
import { RankerTrainingDataError } from "../ranking/fit-linear-ranker";
import type { ObjectiveLabels } from "../ranking/objective-labels";
import { fitFunnel, FUNNEL_KEY, type FunnelInput } from "./evaluate-funnel";
import { itemCooccurrenceSimilarity } from "./item-cooccurrence-similarity";
import { fitEntry, withSeed, type EvaluationPlan, type FittedEntry } from "./evaluation-plan";

/** One model's result on one split. */
export interface ModelRun extends RecommenderQuality {
  fitSeconds: number;
  evaluateSeconds: number;
  /** The funnel's ranker choice (funnel row only). */
  ranker?: FunnelRankerSummary;
}

/** Which ranker the funnel used and how the two compared on the held-back validation users. */
export interface FunnelRankerSummary {
  chosen: "logistic" | "mlp";
  /** Objectives the MLP had heads for (empty when it was not trained). */
  objectives: string[];
  logisticNdcg: number;
  mlpNdcg: number | null;
  /** Value-weighted nDCG (what the choice compares). */
  logisticValueNdcg: number;
  mlpValueNdcg: number | null;
}

/** Options of {@link evaluatePlan}. */
export interface EvaluatePlanOptions {
  k: number;
  /** Seed for the models' own randomness (ALS initialisation, SVD sampling). */
  seed: number;
  /** Called before each entry is fitted. */
  onModel?: (key: string, index: number, total: number) => void;
  fitProgress?: FitProgress;
  /**
   * Also evaluate the funnel (serving-model candidates → ranker trained on `validation`, a
   * validation split of `split.train`), reported under `funnel`.
   */
  funnel?: {
    validation: InteractionSplit;
    items: readonly RankerItemInfo[];
    profiles?: RankerUserProfiles;
    /** What each pair reached (engagement, purchase): the MLP's heads. */
    objectives?: ObjectiveLabels;
    candidates?: number;
  };
}

/** Fits and evaluates every entry of `plan` on `split`; results keyed like the plan. */
export function evaluatePlan(
  plan: EvaluationPlan,
  split: InteractionSplit,
  options: Partial<EvaluatePlanOptions> = {},
): Record<string, ModelRun> {
  const opts = { k: 10, seed: 42, ...options } satisfies EvaluatePlanOptions;
  const fitted = new Map<string, FittedEntry>();
  const runs: Record<string, ModelRun> = {};
  const similarity = itemCooccurrenceSimilarity(split.train);
  plan.entries.forEach((entry, index) => {
    opts.onModel?.(entry.key, index, plan.entries.length);
    const fit = fitEntry({ ...entry, spec: withSeed(entry.spec, opts.seed) }, split.train, fitted, opts.fitProgress, split.trainNegatives);
    fitted.set(entry.key, fit);
    const start = performance.now();
    const quality = evaluateRecommender(fit.model, split, {
      k: opts.k,
      similarity,
      ...(opts.fitProgress ? { onProgress: (d: number, t: number) => opts.fitProgress!("evaluating users", d, t) } : {}),
    });
    runs[entry.key] = { ...quality, fitSeconds: fit.fitSeconds, evaluateSeconds: (performance.now() - start) / 1000 };
  });
  if (opts.funnel) {
    opts.onModel?.(FUNNEL_KEY, plan.entries.length, plan.entries.length + 1);
    const fitStart = performance.now();
    const funnel = tryFitFunnel({
      plan,
      served: fitted.get(plan.serving)!.model,
      split,
      validation: opts.funnel.validation,
      items: opts.funnel.items,
      ...(opts.funnel.profiles ? { profiles: opts.funnel.profiles } : {}),
      ...(opts.funnel.objectives ? { objectives: opts.funnel.objectives } : {}),
      seed: opts.seed,
      candidates: opts.funnel.candidates ?? 100,
    });
    if (funnel) {
      const { model, choice } = funnel;
      const fitSeconds = (performance.now() - fitStart) / 1000;
      const start = performance.now();
      const quality = evaluateRecommender(model, split, { k: opts.k, similarity });
      runs[FUNNEL_KEY] = {
        ...quality,
        fitSeconds,
        evaluateSeconds: (performance.now() - start) / 1000,
        ranker: {
          chosen: choice.chosen,
          objectives: choice.mlp?.objectives ?? [],
          logisticNdcg: choice.quality.logistic.ndcg,
          mlpNdcg: choice.quality.mlp?.ndcg ?? null,
          logisticValueNdcg: choice.quality.logistic.valueNdcg,
          mlpValueNdcg: choice.quality.mlp?.valueNdcg ?? null,
        },
      };
    }
  }
  return runs;
}

/** The funnel, or null when the validation candidates give the ranker nothing to learn (tiny data). */
function tryFitFunnel(input: FunnelInput): ReturnType<typeof fitFunnel> | null {
  try {
    return fitFunnel(input);
  } catch (error) {
    if (error instanceof RankerTrainingDataError) return null;
    throw error;
  }
}
