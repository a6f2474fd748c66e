/**
 * The result every splitter returns: train and test matrices of the input's shape (each input
 * entry in exactly one) and the users that can be evaluated; negative evidence joins a split after
 * it is made ({@link withNegatives}) — splits are over positives, the pairs that can be relevant.
 */
import { type InteractionMatrix, selectEntries } from "../data/interaction-matrix";

/** Train and test matrices of the same shape; every entry of the input is in exactly one. */
export interface InteractionSplit {
  train: InteractionMatrix;
  test: InteractionMatrix;
  /** Users with at least one held-out item and at least one training item, ascending. */
  testUsers: Int32Array;
  /** Negative evidence known at training time (ALS: p = 0 with confidence); absent = none. */
  trainNegatives?: InteractionMatrix;
  /** Negative evidence of the held-out part (the ranker's explicit 0 labels); absent = none. */
  testNegatives?: InteractionMatrix;
}

/** Users with entries in both `train` and `test`, ascending. */
export function usersInBoth(train: InteractionMatrix, test: InteractionMatrix): Int32Array {
  const users: number[] = [];
  for (let u = 0; u < test.rows; u++) {
    if (test.indptr[u + 1]! > test.indptr[u]! && train.indptr[u + 1]! > train.indptr[u]!) users.push(u);
  }
  return Int32Array.from(users);
}

/**
 * Where negative evidence goes: `train` — all of it trains (random splits have no time order);
 * `by-time` — per user, negatives first seen before the user's earliest held-out item train, later
 * ones are held out with the test part (a time-ordered split must not learn from the future).
 */
export type NegativesRule = "train" | "by-time";

/** `split` with `negatives` (pairs of net negative evidence, same shape) placed by `rule`. */
export function withNegatives(split: InteractionSplit, negatives: InteractionMatrix | undefined, rule: NegativesRule): InteractionSplit {
  if (!negatives || negatives.indices.length === 0) return split;
  if (rule === "train") return { ...split, trainNegatives: negatives };
  const cut = new Float64Array(split.test.rows).fill(Number.POSITIVE_INFINITY);
  for (let u = 0; u < split.test.rows; u++) {
    for (let e = split.test.indptr[u]!; e < split.test.indptr[u + 1]!; e++) cut[u] = Math.min(cut[u]!, split.test.firstTs[e]!);
  }
  const held = new Uint8Array(negatives.indices.length);
  for (let u = 0; u < negatives.rows; u++) {
    for (let e = negatives.indptr[u]!; e < negatives.indptr[u + 1]!; e++) if (negatives.firstTs[e]! >= cut[u]!) held[e] = 1;
  }
  return {
    ...split,
    trainNegatives: selectEntries(
      negatives,
      held.map((v) => 1 - v),
    ),
    testNegatives: selectEntries(negatives, held),
  };
}
