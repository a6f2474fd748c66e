/**
 * The session's time-decayed evidence as stored rows: category affinity (Σ event weight,
 * USER_SESSION_LIMITS.affinityHalfLifeMs) and bandit arms (successes and trials,
 * `armHalfLifeMs`). Writes add to a row with {@link decayedAdd}; reads decay every row to `now`, so
 * the stored rows never need rewriting as time passes.
 */
import { type BetaArm, decayArm } from "../bandits/beta-arm";
import { decayFactor } from "../realtime/decay-factor";
import { decayedAdd } from "./decayed-add";
import { USER_SESSION_LIMITS } from "./user-session-limits";

/** A `category_affinity` row. */
export type AffinityRow = {
  category: string;
  score: number;
  updated_ts: number;
};

/** A `bandit_arms` row. */
export type ArmRow = {
  arm: string;
  successes: number;
  trials: number;
  updated_ts: number;
};

/** The affinity row after adding `weight` observed at `ts` (`row` undefined: a new category). */
export function addToAffinity(row: AffinityRow | undefined, category: string, weight: number, ts: number): AffinityRow {
  const [score, updated] = decayedAdd(row?.score ?? 0, row?.updated_ts ?? ts, weight, ts, USER_SESSION_LIMITS.affinityHalfLifeMs);
  return { category, score, updated_ts: updated };
}

/** The arm row after adding `successes` and `trials` observed at `ts` (`row` undefined: a new arm). */
export function addToArm(row: ArmRow | undefined, arm: string, successes: number, trials: number, ts: number): ArmRow {
  const halfLife = USER_SESSION_LIMITS.armHalfLifeMs;
  const [s] = decayedAdd(row?.successes ?? 0, row?.updated_ts ?? ts, successes, ts, halfLife);
  const [t, updated] = decayedAdd(row?.trials ?? 0, row?.updated_ts ?? ts, trials, ts, halfLife);
  return { arm, successes: s, trials: t, updated_ts: updated };
}

/** Category → affinity decayed to `now`, in the rows' order. */
export function affinityAt(rows: readonly AffinityRow[], now: number): Record<string, number> {
  const affinity: Record<string, number> = {};
  for (const row of rows) {
    affinity[row.category] = row.score * decayFactor(Math.max(0, now - row.updated_ts), USER_SESSION_LIMITS.affinityHalfLifeMs);
  }
  return affinity;
}

/** The arms decayed to `now`, in the rows' order, with when each was last updated. */
export function armsAt(rows: readonly ArmRow[], now: number): (BetaArm & { updatedAt: number })[] {
  return rows.map((row) => ({
    ...decayArm({ arm: row.arm, successes: row.successes, trials: row.trials }, now - row.updated_ts, USER_SESSION_LIMITS.armHalfLifeMs),
    updatedAt: row.updated_ts,
  }));
}
