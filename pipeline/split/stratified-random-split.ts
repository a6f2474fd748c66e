/**
 * The random split of the published MovieLens benchmarks (Microsoft Recommenders'
 * `python_stratified_split`): interactions are grouped by item (or by user), each group is
 * shuffled with a seeded generator and its first round(ratio · n) entries go to training, the rest
 * to test. `round` is Python's (half to even), as in the reference implementation, so a group of 2
 * stays entirely in training at ratio 0.75 (round(1.5) = 2) and a group of 6 sends 4 to training.
 */
import { selectEntries, type InteractionMatrix } from "../data/interaction-matrix";
import { createRng } from "../../shared/math/random";
import { usersInBoth, type InteractionSplit } from "./interaction-split";

/** What the split is stratified by: each item's (or user's) interactions are split by `ratio`. */
export type StratifyBy = "item" | "user";

/** Options of {@link stratifiedRandomSplit}. */
export interface StratifiedRandomSplitOptions {
  /** Share of each group that goes to training. */
  ratio: number;
  by: StratifyBy;
  seed: number;
}

/** Defaults: the published protocol, 75/25 stratified by item, seed 42. */
export const STRATIFIED_RANDOM_SPLIT_DEFAULTS = {
  ratio: 0.75,
  by: "item",
  seed: 42,
} as const satisfies StratifiedRandomSplitOptions;

/** Splits every interaction of `matrix` (users × items) into train and test. */
export function stratifiedRandomSplit(matrix: InteractionMatrix, options: Partial<StratifiedRandomSplitOptions> = {}): InteractionSplit {
  const opts = { ...STRATIFIED_RANDOM_SPLIT_DEFAULTS, ...options } satisfies StratifiedRandomSplitOptions;
  if (!(opts.ratio > 0 && opts.ratio < 1)) throw new RangeError(`ratio must be in (0, 1), got ${opts.ratio}`);
  const rng = createRng(opts.seed);
  const inTrain = new Uint8Array(matrix.indices.length);
  const groups = groupEntries(matrix, opts.by);
  for (let g = 0; g < groups.indptr.length - 1; g++) {
    const entries = Array.from(groups.entries.subarray(groups.indptr[g]!, groups.indptr[g + 1]!));
    if (entries.length === 0) continue;
    rng.shuffle(entries);
    const trainCount = roundHalfEven(opts.ratio * entries.length);
    for (let j = 0; j < trainCount; j++) inTrain[entries[j]!] = 1;
  }
  const train = selectEntries(matrix, inTrain);
  const test = selectEntries(
    matrix,
    inTrain.map((v) => 1 - v),
  );
  return { train, test, testUsers: usersInBoth(train, test) };
}

/** Python's `round`: to the nearest integer, halves to the even neighbour. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Entry positions (into `matrix.indices`) grouped per item or per user, in ascending user order. */
function groupEntries(matrix: InteractionMatrix, by: StratifyBy): { indptr: Int32Array; entries: Int32Array } {
  switch (by) {
    case "user":
      return { indptr: matrix.indptr, entries: Int32Array.from({ length: matrix.indices.length }, (_, e) => e) };
    case "item": {
      const indptr = new Int32Array(matrix.cols + 1);
      for (let e = 0; e < matrix.indices.length; e++) indptr[matrix.indices[e]! + 1]!++;
      for (let c = 0; c < matrix.cols; c++) indptr[c + 1]! += indptr[c]!;
      const cursor = indptr.slice(0, matrix.cols);
      const entries = new Int32Array(matrix.indices.length);
      for (let e = 0; e < matrix.indices.length; e++) entries[cursor[matrix.indices[e]!]!++] = e;
      return { indptr, entries };
    }
    default:
      return by satisfies never;
  }
}
