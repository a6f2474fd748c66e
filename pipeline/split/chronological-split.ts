/**
 * Per-user chronological hold-out: each user's most recently discovered items (by the time of
 * their first positive event) form the test set, everything earlier the training set. This mimics
 * serving, where the model knows the past and must predict what the user picks next.
 */
import { selectEntries, type InteractionMatrix } from "../data/interaction-matrix";
import type { InteractionSplit } from "./interaction-split";

/** Options of {@link chronologicalSplit}. */
export interface ChronologicalSplitOptions {
  /** Share of each eligible user's items held out (rounded, at least one). */
  holdoutFraction: number;
  /** Users with fewer distinct items stay entirely in the training set. */
  minItemsPerUser: number;
}

/** Defaults: hold out the last 20% of users with at least 5 items. */
export const CHRONOLOGICAL_SPLIT_DEFAULTS = {
  holdoutFraction: 0.2,
  minItemsPerUser: 5,
} as const satisfies ChronologicalSplitOptions;

/** Splits `matrix` per user by first-interaction time (ties: higher item index held out first). */
export function chronologicalSplit(matrix: InteractionMatrix, options: Partial<ChronologicalSplitOptions> = {}): InteractionSplit {
  const opts = { ...CHRONOLOGICAL_SPLIT_DEFAULTS, ...options } satisfies ChronologicalSplitOptions;
  if (!(opts.holdoutFraction > 0 && opts.holdoutFraction < 1)) {
    throw new RangeError(`holdoutFraction must be in (0, 1), got ${opts.holdoutFraction}`);
  }
  const inTest = new Uint8Array(matrix.indices.length);
  const testUsers: number[] = [];
  for (let u = 0; u < matrix.rows; u++) {
    const start = matrix.indptr[u]!;
    const end = matrix.indptr[u + 1]!;
    const n = end - start;
    if (n < Math.max(2, opts.minItemsPerUser)) continue;
    const entries = Array.from({ length: n }, (_, j) => start + j).sort(
      (a, b) => matrix.firstTs[a]! - matrix.firstTs[b]! || matrix.indices[a]! - matrix.indices[b]!,
    );
    const holdout = Math.min(n - 1, Math.max(1, Math.round(n * opts.holdoutFraction)));
    for (const e of entries.slice(n - holdout)) inTest[e] = 1;
    testUsers.push(u);
  }
  const inTrain = inTest.map((v) => 1 - v);
  return {
    train: selectEntries(matrix, inTrain),
    test: selectEntries(matrix, inTest),
    testUsers: Int32Array.from(testUsers),
  };
}
