import { describe, expect, it } from "vitest";
import { buildInteractionMatrix, nonZeroCount, rowIndices } from "../../../pipeline/data/interaction-matrix";
import { chronologicalSplit } from "../../../pipeline/split/chronological-split";

describe("chronologicalSplit", () => {
  // User 0: 10 items discovered at times 100 - 10·item (item 0 last); user 1: 3 items.
  const rows: number[] = [];
  const cols: number[] = [];
  const timestamps: number[] = [];
  for (let item = 0; item < 10; item++) {
    rows.push(0);
    cols.push(item);
    timestamps.push(100 - 10 * item);
  }
  // A re-watch of item 9 late does not move its discovery time.
  rows.push(0, 1, 1, 1);
  cols.push(9, 0, 1, 2);
  timestamps.push(1000, 1, 2, 3);
  const matrix = buildInteractionMatrix({ rows: 2, cols: 10 }, { rows, cols, confidence: rows.map(() => 1), timestamps });

  it("holds out each eligible user's most recently discovered items", () => {
    const split = chronologicalSplit(matrix, { holdoutFraction: 0.2, minItemsPerUser: 5 });
    expect(Array.from(rowIndices(split.test, 0))).toEqual([0, 1]);
    expect(Array.from(rowIndices(split.train, 0))).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(Array.from(split.testUsers)).toEqual([0]);
  });

  it("keeps users below the minimum entirely in training and loses no entry", () => {
    const split = chronologicalSplit(matrix);
    expect(Array.from(rowIndices(split.train, 1))).toEqual([0, 1, 2]);
    expect(Array.from(rowIndices(split.test, 1))).toEqual([]);
    expect(nonZeroCount(split.train) + nonZeroCount(split.test)).toBe(nonZeroCount(matrix));
  });

  it("rejects a hold-out fraction outside (0, 1)", () => {
    expect(() => chronologicalSplit(matrix, { holdoutFraction: 1 })).toThrow(RangeError);
  });
});
