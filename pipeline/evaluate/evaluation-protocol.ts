/**
 * The evaluation protocols `pipeline evaluate` offers: how a dataset is split into train and test
 * for one seed, and how a validation split is carved out of a training part for tuning (the test
 * part is never used to choose anything).
 */
import type { InteractionMatrix } from "../data/interaction-matrix";
import type { InteractionSplit, NegativesRule } from "../split/interaction-split";
import { leaveLastNOutSplit } from "../split/leave-last-n-out-split";
import { stratifiedRandomSplit } from "../split/stratified-random-split";

/** Names of the protocols. */
export const PROTOCOL_NAMES = ["random-by-item", "leave-last-out"] as const;

/** One of {@link PROTOCOL_NAMES}. */
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];

/** A splitting protocol. */
export interface EvaluationProtocol {
  name: ProtocolName;
  /** One line for reports. */
  description: string;
  /** The train/test split of `matrix` for `seed`. */
  split(matrix: InteractionMatrix, seed: number): InteractionSplit;
  /** A validation split carved out of a training matrix (same rule, another seed). */
  validation(train: InteractionMatrix, seed: number): InteractionSplit;
  /** Where negative evidence goes (`withNegatives`): every negative trains, or by time. */
  negatives: NegativesRule;
}

/** Seed offset of validation splits, so they never coincide with a test split's shuffle. */
export const VALIDATION_SEED_OFFSET = 1000;

/** The protocols by name. */
export const PROTOCOLS: Record<ProtocolName, EvaluationProtocol> = {
  "random-by-item": {
    name: "random-by-item",
    description:
      "random 75/25 split stratified by item (Microsoft Recommenders python_stratified_split), top-10, " +
      "every held-out interaction relevant, training items removed, users in both test and predictions",
    split: (matrix, seed) => stratifiedRandomSplit(matrix, { ratio: 0.75, by: "item", seed }),
    validation: (train, seed) => stratifiedRandomSplit(train, { ratio: 0.75, by: "item", seed: seed + VALIDATION_SEED_OFFSET }),
    negatives: "train",
  },
  "leave-last-out": {
    name: "leave-last-out",
    description: "chronological leave-last-1-out per user, top-10, the held-out item relevant, training items removed",
    split: (matrix) => leaveLastNOutSplit(matrix, { n: 1 }),
    validation: (train) => leaveLastNOutSplit(train, { n: 1 }),
    negatives: "by-time",
  },
};

/** Whether `name` is one of {@link PROTOCOL_NAMES}. */
export function isProtocolName(name: string): name is ProtocolName {
  return (PROTOCOL_NAMES as readonly string[]).includes(name);
}
