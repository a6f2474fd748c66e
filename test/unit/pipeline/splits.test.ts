import { describe, expect, it } from "vitest";
import { buildInteractionMatrix, nonZeroCount, rowIndices, transposeInteractions } from "../../../pipeline/data/interaction-matrix";
import { leaveLastNOutSplit } from "../../../pipeline/split/leave-last-n-out-split";
import { roundHalfEven, stratifiedRandomSplit } from "../../../pipeline/split/stratified-random-split";
import { twoBlockMatrix } from "./block-fixture";

/** Item i has i + 1 users (items 0..7), users 0..7. */
function staircase() {
  const rows: number[] = [];
  const cols: number[] = [];
  for (let item = 0; item < 8; item++)
    for (let user = 0; user <= item; user++) {
      rows.push(user);
      cols.push(item);
    }
  return buildInteractionMatrix({ rows: 8, cols: 8 }, { rows, cols, confidence: rows.map(() => 1) });
}

describe("roundHalfEven", () => {
  it("rounds like Python's round", () => {
    expect([0.75, 1.5, 2.25, 2.5, 3.0, 3.5, 4.5, 5.25, 7.5].map(roundHalfEven)).toEqual([1, 2, 2, 2, 3, 4, 4, 5, 8]);
  });
});

describe("stratifiedRandomSplit", () => {
  const matrix = staircase();

  it("sends round(0.75 · n) of each item's interactions to training (Python rounding)", () => {
    const split = stratifiedRandomSplit(matrix, { seed: 7 });
    const train = transposeInteractions(split.train);
    const perItem = Array.from({ length: 8 }, (_, i) => train.indptr[i + 1]! - train.indptr[i]!);
    // n = 1..8 → round(0.75, 1.5, 2.25, 3, 3.75, 4.5, 5.25, 6) = 1, 2, 2, 3, 4, 4, 5, 6
    expect(perItem).toEqual([1, 2, 2, 3, 4, 4, 5, 6]);
    expect(nonZeroCount(split.train) + nonZeroCount(split.test)).toBe(nonZeroCount(matrix));
  });

  it("puts every interaction in exactly one part, deterministically per seed", () => {
    const a = stratifiedRandomSplit(matrix, { seed: 7 });
    const b = stratifiedRandomSplit(matrix, { seed: 7 });
    const c = stratifiedRandomSplit(matrix, { seed: 8 });
    const pairs = (m: typeof matrix) =>
      Array.from({ length: m.rows }, (_, u) => Array.from(rowIndices(m, u)).map((i) => `${u}:${i}`)).flat();
    expect(pairs(a.test)).toEqual(pairs(b.test));
    expect(pairs(a.test)).not.toEqual(pairs(c.test));
    const all = new Set([...pairs(a.train), ...pairs(a.test)]);
    expect(all.size).toBe(nonZeroCount(matrix));
  });

  it("evaluates only users with both training and test interactions", () => {
    const split = stratifiedRandomSplit(matrix, { seed: 7 });
    for (const user of split.testUsers) {
      expect(rowIndices(split.train, user).length).toBeGreaterThan(0);
      expect(rowIndices(split.test, user).length).toBeGreaterThan(0);
    }
  });

  it("can stratify by user instead", () => {
    const split = stratifiedRandomSplit(twoBlockMatrix(), { by: "user", seed: 3 });
    // Every user has 6 items: round(4.5) = 4 to training.
    for (let u = 0; u < 20; u++) expect(rowIndices(split.train, u).length).toBe(4);
    expect(() => stratifiedRandomSplit(matrix, { ratio: 1 })).toThrow(RangeError);
  });
});

describe("leaveLastNOutSplit", () => {
  it("holds out each user's last n items by first-interaction time", () => {
    const matrix = buildInteractionMatrix(
      { rows: 3, cols: 5 },
      {
        rows: [0, 0, 0, 1, 1, 2],
        cols: [4, 1, 2, 0, 3, 2],
        confidence: [1, 1, 1, 1, 1, 1],
        timestamps: [300, 100, 200, 50, 10, 5],
      },
    );
    const split = leaveLastNOutSplit(matrix, { n: 1 });
    expect(Array.from(rowIndices(split.test, 0))).toEqual([4]);
    expect(Array.from(rowIndices(split.test, 1))).toEqual([0]);
    expect(Array.from(rowIndices(split.test, 2))).toEqual([]); // one item: stays in training
    expect(Array.from(split.testUsers)).toEqual([0, 1]);
    const two = leaveLastNOutSplit(matrix, { n: 2 });
    expect(Array.from(rowIndices(two.test, 0))).toEqual([2, 4]);
    expect(Array.from(two.testUsers)).toEqual([0]);
  });
});
