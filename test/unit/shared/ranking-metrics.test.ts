import { describe, expect, it } from "vitest";
import { averagePrecisionAtK } from "../../../shared/metrics/average-precision-at-k";
import { gradedNdcgAtK, ndcgAtK } from "../../../shared/metrics/ndcg-at-k";
import { precisionAtK } from "../../../shared/metrics/precision-at-k";
import { rankingMetrics } from "../../../shared/metrics/ranking-metrics";
import { recallAtK } from "../../../shared/metrics/recall-at-k";
import { rocAuc } from "../../../shared/metrics/roc-auc";
import { topK } from "../../../shared/math/top-k";

const log2 = Math.log2;

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
    expect(ndcgAtK([1, 3, 7], relevant, 10)).toBeCloseTo((1 / log2(3) + 1 / log2(4)) / (1 + 1 / log2(3)));
    expect(ndcgAtK([1, 2], relevant, 10)).toBe(0);
    expect(recallAtK([1, 3, 9], relevant, 2)).toBe(0.5);
    expect(recallAtK([1], new Set(), 2)).toBe(0);
  });

  it("normalises nDCG by the ideal over min(|relevant|, k) and cuts the list at k", () => {
    // 5 relevant items, k = 3: IDCG = 1 + 1/log2(3) + 1/2; hits at ranks 2 and 3.
    const relevant = new Set([10, 11, 12, 13, 14]);
    expect(ndcgAtK([0, 10, 11, 12], relevant, 3)).toBeCloseTo((1 / log2(3) + 1 / 2) / (1 + 1 / log2(3) + 1 / 2), 12);
  });

  it("computes precision@k as hits / k even for short lists", () => {
    const relevant = new Set([1, 2, 3]);
    expect(precisionAtK([1, 9, 2, 8, 7], relevant, 5)).toBe(2 / 5);
    expect(precisionAtK([1, 2], relevant, 10)).toBe(2 / 10);
    expect(precisionAtK([1, 2, 3, 4], relevant, 2)).toBe(1);
    expect(precisionAtK([1], relevant, 0)).toBe(0);
  });

  it("computes average precision normalised by the number of relevant items", () => {
    // Hits at ranks 1 and 3 of 4 relevant: (1/1 + 2/3) / 4.
    expect(averagePrecisionAtK([5, 9, 6, 8], new Set([5, 6, 7, 10]), 10)).toBeCloseTo((1 + 2 / 3) / 4, 12);
    // A hit beyond k does not count.
    expect(averagePrecisionAtK([9, 9, 5], new Set([5]), 2)).toBe(0);
    // All relevant items first: AP = 1.
    expect(averagePrecisionAtK([2, 1, 0], new Set([1, 2]), 3)).toBe(1);
    expect(averagePrecisionAtK([1, 2], new Set(), 3)).toBe(0);
  });

  it("averages over users in both truth and predictions, a user without hits counting 0", () => {
    const predictions = new Map<number, number[]>([
      [1, [10, 11, 12]], // relevant {11}: P = 1/3, R = 1, nDCG = 1/log2(3), AP = 1/2
      [2, [20, 21, 22]], // relevant {29, 28}: nothing found
      [3, [30]], // not in truth: ignored
    ]);
    const truth = new Map<number, Set<number>>([
      [1, new Set([11])],
      [2, new Set([29, 28])],
      [4, new Set([40])], // no predictions: ignored
    ]);
    const m = rankingMetrics(predictions, truth, 3);
    expect(m.users).toBe(2);
    expect(m.precision).toBeCloseTo(1 / 3 / 2, 12);
    expect(m.recall).toBeCloseTo(1 / 2, 12);
    expect(m.ndcg).toBeCloseTo(1 / log2(3) / 2, 12);
    expect(m.map).toBeCloseTo(1 / 2 / 2, 12);
    expect(m.hitRate).toBe(0.5);
    expect(rankingMetrics(new Map(), truth, 3)).toMatchObject({ users: 0, precision: 0, ndcg: 0 });
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

describe("gradedNdcgAtK", () => {
  it("discounts graded gains by rank against the pool's best order", () => {
    const l = Math.log2(3);
    expect(gradedNdcgAtK([0, 3], [3, 0, 1], 2)).toBeCloseTo(3 / l / (3 + 1 / l), 12);
    expect(gradedNdcgAtK([3, 1, 0], [0, 1, 3], 3)).toBe(1);
    // Binary gains give the binary nDCG.
    expect(gradedNdcgAtK([0, 1, 1], [1, 1, 0, 0], 3)).toBeCloseTo(ndcgAtK([9, 1, 2], new Set([1, 2]), 3), 12);
    expect(gradedNdcgAtK([0, 0], [0, 0], 2)).toBe(0);
  });
});
