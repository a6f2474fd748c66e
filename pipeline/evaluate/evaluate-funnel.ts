/**
 * The `funnel` row of an evaluation: the serving model's top-100 candidates per test user,
 * re-ranked by a ranker over the shared feature spec. The ranker is trained on a validation split
 * carved out of the seed's training part (the serving model refitted on the validation training
 * part supplies the candidates, the validation held-out items the labels), so the test split
 * chooses nothing: the logistic ranker and the multi-objective MLP are fitted on 80 % of the
 * validation users and compared on the other 20 % (choose-ranker.ts), and the one chosen — the
 * sidecar's ranker in `train` — is refitted on all of them. The funnel is then scored by the same
 * protocol as every model.
 */
import { createRng } from "../../shared/math/random";
import { scoreLinear } from "../../shared/ranking/linear-ranker";
import { scoreMlp } from "../export/onnx-mlp-ranker";
import type { Recommender } from "../models/recommender";
import { CHOOSE_RANKER_DEFAULTS, fitAndChooseRanker, mlpTrainingData, type RankerChoice } from "../ranking/choose-ranker";
import { fitLinearRanker } from "../ranking/fit-linear-ranker";
import { fitMlpRanker } from "../ranking/fit-mlp-ranker";
import type { ObjectiveLabels } from "../ranking/objective-labels";
import { buildRankerExamples, type RankerItemInfo, type RankerUserProfiles } from "../ranking/ranker-examples";
import { RerankedRecommender } from "../ranking/reranked-recommender";
import type { InteractionSplit } from "../split/interaction-split";
import { fitEntry, withSeed, type EvaluationPlan, type FittedEntry } from "./evaluation-plan";

/** Report key of the funnel row. */
export const FUNNEL_KEY = "funnel";

/** Inputs of {@link fitFunnel}. */
export interface FunnelInput {
  plan: EvaluationPlan;
  /** The serving model fitted on the seed's training part (the test-time candidate source). */
  served: Recommender;
  /** The seed's split (only its training part is read). */
  split: InteractionSplit;
  /** Validation split of `split.train`. */
  validation: InteractionSplit;
  items: readonly RankerItemInfo[];
  /** User demographics for the feature rows (none: unknown). */
  profiles?: RankerUserProfiles;
  /** What each pair reached (engagement, purchase): the MLP's heads. */
  objectives?: ObjectiveLabels;
  seed: number;
  /** Candidates per user. */
  candidates: number;
}

/** Share of validation users the two rankers are compared on. */
const CHECK_SHARE = 0.2;

/** The funnel as a recommender over `split.train`, plus the ranker choice. */
export function fitFunnel(input: FunnelInput): { model: RerankedRecommender; choice: RankerChoice } {
  const validationServed = fitServingChain(input.plan, input.validation, input.seed);
  const groups = buildRankerExamples(
    {
      retrieval: validationServed,
      split: input.validation,
      catalog: { items: input.items },
      ...(input.profiles ? { profiles: input.profiles } : {}),
      ...(input.objectives ? { objectives: input.objectives } : {}),
    },
    { candidates: input.candidates },
  );
  const rng = createRng(input.seed);
  const check = new Set(rng.shuffle(groups.map((_, g) => g)).slice(0, Math.max(1, Math.round(groups.length * CHECK_SHARE))));
  const choice = fitAndChooseRanker(
    groups.filter((_, g) => !check.has(g)),
    groups.filter((_, g) => check.has(g)),
    { seed: input.seed, modelVersion: "funnel" },
  );
  let score: (row: ArrayLike<number>) => number;
  if (choice.chosen === "mlp") {
    const mlp = fitMlpRanker(mlpTrainingData(groups, CHOOSE_RANKER_DEFAULTS.negativeSampleRate, input.seed), {
      ...CHOOSE_RANKER_DEFAULTS.mlp,
      seed: input.seed,
      modelVersion: "funnel",
    }).model;
    score = (row) => scoreMlp(mlp, row);
  } else {
    const logistic = fitLinearRanker(groups, { seed: input.seed, modelVersion: "funnel" }).model;
    score = (row) => scoreLinear(logistic, row);
  }
  const model = new RerankedRecommender(input.served, input.split.train, input.items, score, input.candidates, input.profiles);
  return { model, choice };
}

/** Fits the serving entry (and the entries it is composed from) on `split.train`. */
function fitServingChain(plan: EvaluationPlan, split: InteractionSplit, seed: number): Recommender {
  const needed = new Set<string>();
  const visit = (key: string) => {
    if (needed.has(key)) return;
    needed.add(key);
    for (const part of plan.entries.find((e) => e.key === key)?.from ?? []) visit(part);
  };
  visit(plan.serving);
  const fitted = new Map<string, FittedEntry>();
  for (const entry of plan.entries) {
    if (!needed.has(entry.key)) continue;
    fitted.set(entry.key, fitEntry({ ...entry, spec: withSeed(entry.spec, seed) }, split.train, fitted, undefined, split.trainNegatives));
  }
  return fitted.get(plan.serving)!.model;
}
