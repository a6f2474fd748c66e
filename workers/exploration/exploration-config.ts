/**
 * Settings of the exploration slots: which share of a list the bandit fills, the Beta prior of a
 * category arm nobody has evidence for, how much an onboarding preference raises it, and below
 * which affinity a category the user dislikes is not explored. From wrangler.toml vars.
 */
import type { BetaPrior } from "../../shared/bandits/beta-arm";
import type { ExplorationSource } from "../candidates/candidate";
import { fractionVar } from "../config/env-vars";

/** Exploration settings. */
export interface ExplorationConfig {
  /** Share of the n slots filled by exploration picks, rounded down; never the first slot (EXPLORATION_SHARE). */
  share: number;
  /** Prior of every arm. */
  prior: BetaPrior;
  /** Added to α of the arms of categories the user picked at onboarding. */
  preferenceBoost: number;
  /** Categories with a lower affinity (a not_interested is −4, a hide −5) are not explored. */
  avoidAffinityBelow: number;
  /** Pools an exploration slot may be filled from, each with its own `source:<name>` arm. */
  sources: readonly ExplorationSource[];
}

/** Defaults: 10% of slots (1 in a list of 10), Beta(1, 1), +2 for preferred categories. */
export const EXPLORATION_DEFAULTS = {
  share: 0.1,
  prior: { alpha: 1, beta: 1 },
  preferenceBoost: 2,
  avoidAffinityBelow: -8,
  sources: ["trending", "fresh"],
} as const satisfies ExplorationConfig;

/** The exploration settings of this environment. */
export function explorationConfigFor(env: Env): ExplorationConfig {
  return { ...EXPLORATION_DEFAULTS, share: fractionVar(env.EXPLORATION_SHARE, EXPLORATION_DEFAULTS.share) };
}
