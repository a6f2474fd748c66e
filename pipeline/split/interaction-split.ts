/**
 * The result every splitter returns: train and test matrices of the input's shape (each input
 * entry in exactly one) and the users that can be evaluated.
 */
import type { InteractionMatrix } from "../data/interaction-matrix";

/** Train and test matrices of the same shape; every entry of the input is in exactly one. */
export interface InteractionSplit {
  train: InteractionMatrix;
  test: InteractionMatrix;
  /** Users with at least one held-out item and at least one training item, ascending. */
  testUsers: Int32Array;
}

/** Users with entries in both `train` and `test`, ascending. */
export function usersInBoth(train: InteractionMatrix, test: InteractionMatrix): Int32Array {
  const users: number[] = [];
  for (let u = 0; u < test.rows; u++) {
    if (test.indptr[u + 1]! > test.indptr[u]! && train.indptr[u + 1]! > train.indptr[u]!) users.push(u);
  }
  return Int32Array.from(users);
}
