import { describe, expect, it } from "vitest";
import { ndcgAtK } from "../../../shared/metrics/ndcg-at-k";
import { recallAtK } from "../../../shared/metrics/recall-at-k";
import { rocAuc } from "../../../shared/metrics/roc-auc";
import { topK } from "../../../shared/math/top-k";

describe("ranking metrics", () => {
  it("computes ROC AUC with ties counted half", () => {
    expect(rocAuc([0.9, 0.8, 0.3, 0.1], [1, 1, 0, 0])).toBe(1);
    expect(rocAuc([0.1, 0.9, 0.3, 0.5], [1, 1, 0, 0])).toBe(0.5);
    expect(rocAuc([0.1, 0.8, 0.3, 0.9], [1, 1, 0, 0])).toBe(0.25);
    expect(rocAuc([0.5, 0.5], [1, 0])).toBe(0.5);
    expect(rocAuc([0.5, 0.4], [1, 1])).toBeNaN();
  });

  it("computes binary nDCG@k and recall@k", () => {
    const relevant = new Set([3, 7]);
    expect(ndcgAtK([3, 7, 1], relevant, 10)).toBe(1);
    expect(ndcgAtK([1, 3, 7], relevant, 10)).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(4)) / (1 + 1 / Math.log2(3)));
    expect(ndcgAtK([1, 2], relevant, 10)).toBe(0);
    expect(recallAtK([1, 3, 9], relevant, 2)).toBe(0.5);
    expect(recallAtK([1], new Set(), 2)).toBe(0);
  });
});

describe("topK", () => {
  it("returns the k best scores, best first, ties to the lower index, honouring the mask", () => {
    const scores = [0.5, 0.9, 0.1, 0.9, 0.7, Number.NaN];
    expect(topK(scores, 3)).toEqual([
      { index: 1, score: 0.9 },
      { index: 3, score: 0.9 },
      { index: 4, score: 0.7 },
    ]);
    expect(topK(scores, 2, { excludeMask: Uint8Array.from([0, 1, 0, 0, 0, 0]) }).map((r) => r.index)).toEqual([3, 4]);
    expect(topK(scores, 10)).toHaveLength(5);
    expect(topK(scores, 0)).toEqual([]);
  });
});
