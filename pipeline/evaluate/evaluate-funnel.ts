/**
 * The `funnel` row of an evaluation: the serving model's top-100 candidates per test user,
 * re-ranked by a logistic ranker over the shared feature spec. The ranker is trained on a
 * validation split carved out of the seed's training part (the serving model refitted on the
 * validation training part supplies the candidates, the validation held-out items the labels), so
 * the test split chooses nothing. The funnel is then scored by the same protocol as every model.
 */
import { scoreLinear } from "../../shared/ranking/linear-ranker";
import type { Recommender } from "../models/recommender";
import { fitLinearRanker, type LinearRankerFit } from "../ranking/fit-linear-ranker";
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
  seed: number;
  /** Candidates per user. */
  candidates: number;
}

/** The funnel as a recommender over `split.train`, plus the ranker fit. */
export function fitFunnel(input: FunnelInput): { model: RerankedRecommender; ranker: LinearRankerFit } {
  const validationServed = fitServingChain(input.plan, input.validation, input.seed);
  const groups = buildRankerExamples(
    {
      retrieval: validationServed,
      split: input.validation,
      catalog: { items: input.items },
      ...(input.profiles ? { profiles: input.profiles } : {}),
    },
    { candidates: input.candidates },
  );
  const ranker = fitLinearRanker(groups, { seed: input.seed, modelVersion: "funnel" });
  const score = (row: ArrayLike<number>) => scoreLinear(ranker.model, row);
  const model = new RerankedRecommender(input.served, input.split.train, input.items, score, input.candidates, input.profiles);
  return { model, ranker };
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
