/**
 * Bernoulli bandit arms with Beta posteriors: each arm keeps (time-decayed) evidence — trials
 * (impressions) and successes (positive reactions) — and its posterior is
 * Beta(α₀ + successes, β₀ + trials − successes). Arms are named `category:<name>` (which
 * categories fill exploration slots) and `source:<name>` (which exploration source fills them).
 */
import { decayFactor } from "../realtime/decay-factor";

/** The evidence of one arm. */
export interface BetaArm {
  /** `category:<name>` or `source:<name>`. */
  arm: string;
  /** Decayed count of positive reactions. */
  successes: number;
  /** Decayed count of impressions (always ≥ successes when impressions are reported). */
  trials: number;
}

/** Beta prior pseudo-counts. */
export interface BetaPrior {
  alpha: number;
  beta: number;
}

/** Beta(1, 1): every success rate equally likely. */
export const UNIFORM_BETA_PRIOR = { alpha: 1, beta: 1 } as const satisfies BetaPrior;

/** Kinds of arms. */
export type ArmKind = "category" | "source";

/** The arm name for a category or an exploration source. */
export function armName(kind: ArmKind, name: string): string {
  return `${kind}:${name}`;
}

/** Splits an arm name into its kind and name, or null when it is not one. */
export function parseArmName(arm: string): { kind: ArmKind; name: string } | null {
  const colon = arm.indexOf(":");
  const kind = arm.slice(0, colon);
  if (colon < 1 || (kind !== "category" && kind !== "source")) return null;
  return { kind, name: arm.slice(colon + 1) };
}

/** Posterior Beta parameters of `arm` under `prior`. */
export function armPosterior(arm: Pick<BetaArm, "successes" | "trials">, prior: BetaPrior = UNIFORM_BETA_PRIOR): BetaPrior {
  const successes = Math.max(0, arm.successes);
  return { alpha: prior.alpha + successes, beta: prior.beta + Math.max(0, arm.trials - successes) };
}

/** The arm's evidence decayed by `elapsedMs` with the given half-life. */
export function decayArm<T extends BetaArm>(arm: T, elapsedMs: number, halfLifeMs: number): T {
  const factor = decayFactor(Math.max(0, elapsedMs), halfLifeMs);
  return { ...arm, successes: arm.successes * factor, trials: arm.trials * factor };
}
