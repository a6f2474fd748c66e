/**
 * The serving plan of one request: the surface's configuration with the user's A/B arms applied.
 * Assignment is deterministic (shared/experiments/assign-arms.ts), so the same user gets the same
 * arms on every request and event attribution can recompute them from the user id.
 */
import type { Surface } from "../../shared/events/interaction-event";
import { assignArms } from "../../shared/experiments/assign-arms";
import {
  type CandidateSourceConfig,
  DEFAULT_CANDIDATE_SOURCES,
  type ExperimentConfig,
  type RerankRuleConfig,
  type ServingConfig,
} from "../../shared/serving/serving-config";
import type { Ranker } from "../ranking/ranker";
import { buildRerankRules } from "../rerank/rerank-pipeline";
import type { RerankRule } from "../rerank/rerank-rule";

/** Parameter overrides an arm can carry. */
export type ArmOverrides = ExperimentConfig["arms"][number]["overrides"];

/** What one request is served with. */
export interface ServingPlan {
  /** Default n of the surface. */
  n: number;
  /** Candidate sources in merge order: the arm's, else the surface's, else the surface default. */
  sources: readonly CandidateSourceConfig[];
  rules: RerankRule[];
  /** Experiment id → arm, for the experiments this user is in. */
  arms: Record<string, string>;
  /** Merged overrides of those arms (the first experiment in config order wins a conflict). */
  overrides: ArmOverrides;
}

/** The plan for `userId` on `surface`. */
export function servingPlanFor(config: ServingConfig, surface: Surface, userId: string): ServingPlan {
  const arms = assignArms(config, surface, userId);
  const overrides: ArmOverrides = {};
  for (const experiment of config.experiments) {
    const armName = arms[experiment.id];
    const arm = experiment.arms.find((candidate) => candidate.name === armName);
    if (arm) for (const [key, value] of Object.entries(arm.overrides)) (overrides as Record<string, unknown>)[key] ??= value;
  }
  const surfaceConfig = config.surfaces[surface];
  const ruleConfigs: RerankRuleConfig[] = surfaceConfig.rerank.map((rule) =>
    rule.rule === "mmr" && overrides.mmr_lambda !== undefined ? { ...rule, lambda: overrides.mmr_lambda } : rule,
  );
  const sources = overrides.sources ?? surfaceConfig.sources ?? DEFAULT_CANDIDATE_SOURCES[surface];
  return { n: surfaceConfig.n, sources, rules: buildRerankRules(ruleConfigs), arms, overrides };
}

/** The rankers an arm pins: the whole chain from the named ranker down (retrieval order is always last). */
export function rankersForArm(rankers: Ranker[], pinned: ArmOverrides["ranker"]): Ranker[] {
  if (!pinned) return rankers;
  const start = rankers.findIndex((ranker) => ranker.name === pinned);
  return start < 0 ? [] : rankers.slice(start);
}
