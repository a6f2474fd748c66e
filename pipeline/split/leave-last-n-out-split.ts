/**
 * Chronological leave-last-n-out: for every user, the n items discovered last (by the time of the
 * first positive event, ties to the higher item index) are held out and everything earlier is
 * training — "predict what the user picks next". Users without enough history stay in training.
 */
import { selectEntries, type InteractionMatrix } from "../data/interaction-matrix";
import { usersInBoth, type InteractionSplit } from "./interaction-split";

/** Options of {@link leaveLastNOutSplit}. */
export interface LeaveLastNOutOptions {
  /** Items held out per user. */
  n: number;
  /** Users need at least this many training items left to be split at all. */
  minTrainItems: number;
}

/** Defaults: leave the last item out, keep at least one for training. */
export const LEAVE_LAST_N_OUT_DEFAULTS = { n: 1, minTrainItems: 1 } as const satisfies LeaveLastNOutOptions;

/** Holds out each eligible user's last `n` items. */
export function leaveLastNOutSplit(matrix: InteractionMatrix, options: Partial<LeaveLastNOutOptions> = {}): InteractionSplit {
  const opts = { ...LEAVE_LAST_N_OUT_DEFAULTS, ...options } satisfies LeaveLastNOutOptions;
  if (!Number.isInteger(opts.n) || opts.n < 1) throw new RangeError(`n must be a positive integer, got ${opts.n}`);
  if (!Number.isInteger(opts.minTrainItems) || opts.minTrainItems < 1) throw new RangeError("minTrainItems must be ≥ 1");
  const inTest = new Uint8Array(matrix.indices.length);
  for (let u = 0; u < matrix.rows; u++) {
    const start = matrix.indptr[u]!;
    const end = matrix.indptr[u + 1]!;
    if (end - start < opts.n + opts.minTrainItems) continue;
    const entries = Array.from({ length: end - start }, (_, j) => start + j).sort(
      (a, b) => matrix.firstTs[a]! - matrix.firstTs[b]! || matrix.indices[a]! - matrix.indices[b]!,
    );
    for (const e of entries.slice(entries.length - opts.n)) inTest[e] = 1;
  }
  const train = selectEntries(
    matrix,
    inTest.map((v) => 1 - v),
  );
  const test = selectEntries(matrix, inTest);
  return { train, test, testUsers: usersInBoth(train, test) };
}
