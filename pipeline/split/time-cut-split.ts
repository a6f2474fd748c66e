/**
 * A global time cut: what users discovered after `cutMs` (the first positive event on an item, as
 * the interaction matrix records it) is held out, everything before is training. This is "the most
 * recent slice of events" `retrain` compares a challenger and the serving release on: both are
 * judged on what happened after the serving release was trained. Test users are those with items on
 * both sides (a user first seen after the cut has nothing to be personalised from).
 */
import { selectEntries, type InteractionMatrix } from "../data/interaction-matrix";
import type { InteractionSplit } from "./interaction-split";

/** Splits `matrix` at `cutMs`. */
export function timeCutSplit(matrix: InteractionMatrix, cutMs: number): InteractionSplit {
  const inTest = new Uint8Array(matrix.indices.length);
  const testUsers: number[] = [];
  for (let u = 0; u < matrix.rows; u++) {
    let before = 0;
    let after = 0;
    for (let e = matrix.indptr[u]!; e < matrix.indptr[u + 1]!; e++) {
      if (matrix.firstTs[e]! > cutMs) {
        inTest[e] = 1;
        after++;
      } else {
        before++;
      }
    }
    if (before > 0 && after > 0) testUsers.push(u);
  }
  return {
    train: selectEntries(
      matrix,
      inTest.map((v) => 1 - v),
    ),
    test: selectEntries(matrix, inTest),
    testUsers: Int32Array.from(testUsers),
  };
}

/** The time below which `share` of the matrix's entries were first seen (for a cut without a release to compare with). */
export function timeQuantile(matrix: InteractionMatrix, share: number): number {
  const times = Float64Array.from(matrix.firstTs).sort();
  if (times.length === 0) return 0;
  return times[Math.min(times.length - 1, Math.max(0, Math.floor(share * times.length)))]!;
}
