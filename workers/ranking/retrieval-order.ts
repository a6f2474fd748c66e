/** The model-free ranker: candidates keep the order they were retrieved in. */
import type { Ranker, RankRequest, RankResult } from "./ranker";

/** Scores 1, 1 - 1/n, ... so that sorting by score keeps retrieval order. */
export const retrievalOrderRanker: Ranker = {
  name: "retrieval_order",
  async rank({ rows }: RankRequest): Promise<RankResult> {
    const n = rows.length;
    return { scores: rows.map((_, i) => (n === 0 ? 0 : 1 - i / n)) };
  },
};
