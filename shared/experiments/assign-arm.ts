/**
 * Deterministic A/B assignment: a user is in an experiment when hash(experiment, user) falls
 * within the experiment's traffic share, and gets the arm picked by a second, independent hash
 * against the arms' weights. Stable across requests and machines (no state, no clock), evenly
 * spread (see test/unit/shared/assign-arm.test.ts).
 */
import { hashToUnit } from "../math/hash-to-unit";

/** One arm of an experiment. */
export interface ExperimentArm {
  name: string;
  /** Relative weight (> 0); weights need not sum to 1. */
  weight: number;
}

/** An experiment definition. */
export interface Experiment {
  id: string;
  /** Share of users in the experiment, 0..1. */
  traffic: number;
  arms: readonly ExperimentArm[];
}

/** The arm of `userId` in `experiment`, or null when the user is outside its traffic share. */
export function assignArm(userId: string, experiment: Experiment): string | null {
  if (hashToUnit(`${experiment.id}\u0000traffic\u0000${userId}`) >= experiment.traffic) return null;
  const total = experiment.arms.reduce((sum, arm) => sum + arm.weight, 0);
  if (total <= 0) return null;
  let point = hashToUnit(`${experiment.id}\u0000arm\u0000${userId}`) * total;
  for (const arm of experiment.arms) {
    point -= arm.weight;
    if (point < 0) return arm.name;
  }
  return experiment.arms.at(-1)?.name ?? null;
}
