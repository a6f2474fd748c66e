import { describe, expect, it } from "vitest";
import {
  buildInteractionMatrix,
  columnEventCounts,
  rowEventCounts,
  rowIndices,
  transposeInteractions,
} from "../../../pipeline/data/interaction-matrix";

describe("buildInteractionMatrix", () => {
  const matrix = buildInteractionMatrix(
    { rows: 3, cols: 4 },
    {
      rows: [2, 0, 0, 2, 0, 1],
      cols: [1, 3, 1, 1, 3, 0],
      confidence: [1, 2, 4, 3, 1, -5],
      timestamps: [50, 10, 20, 40, 30, 60],
    },
  );

  it("sorts columns within rows and merges duplicate pairs", () => {
    expect(Array.from(matrix.indptr)).toEqual([0, 2, 2, 3]);
    expect(Array.from(rowIndices(matrix, 0))).toEqual([1, 3]);
    expect(Array.from(matrix.confidence)).toEqual([4, 3, 4]);
    expect(Array.from(matrix.counts)).toEqual([1, 2, 2]);
    expect(Array.from(matrix.firstTs)).toEqual([20, 10, 40]);
    expect(Array.from(matrix.lastTs)).toEqual([20, 30, 50]);
  });

  it("drops pairs whose confidence is not positive", () => {
    expect(Array.from(rowIndices(matrix, 1))).toEqual([]);
  });

  it("transposes into an item × user matrix and back", () => {
    const byItem = transposeInteractions(matrix);
    expect([byItem.rows, byItem.cols]).toEqual([4, 3]);
    expect(Array.from(rowIndices(byItem, 1))).toEqual([0, 2]);
    expect(transposeInteractions(byItem)).toEqual(matrix);
  });

  it("sums event counts per row and column", () => {
    expect(Array.from(rowEventCounts(matrix))).toEqual([3, 0, 2]);
    expect(Array.from(columnEventCounts(matrix))).toEqual([0, 3, 0, 2]);
  });

  it("rejects out-of-range triplets", () => {
    expect(() => buildInteractionMatrix({ rows: 1, cols: 1 }, { rows: [0], cols: [1], confidence: [1] })).toThrow(RangeError);
  });
});
