/**
 * Top-k selection over a dense score array (item index → score), best first, in O(n log k) with
 * {@link TopKSelector}. Ties go to the lower index so results are deterministic.
 */
import { TopKSelector } from "./top-k-selector";

/** One scored entry of a top-k result. */
export interface ScoredIndex {
  index: number;
  score: number;
}

/** Options of {@link topK}. */
export interface TopKOptions {
  /** Indices that must not be returned (mask value 1 = excluded). */
  excludeMask?: Uint8Array;
  /** Only consider the first `length` scores (default: all). */
  length?: number;
}

/** The `k` highest scores of `scores`, best first (NaN scores are skipped). */
export function topK(scores: ArrayLike<number>, k: number, options: TopKOptions = {}): ScoredIndex[] {
  const { excludeMask, length = scores.length } = options;
  if (k <= 0) return [];
  const selector = new TopKSelector(k);
  for (let i = 0; i < length; i++) {
    const score = scores[i]!;
    if (Number.isNaN(score) || excludeMask?.[i] === 1) continue;
    selector.push(i, score);
  }
  return selector.sorted().map(({ item, key }) => ({ index: item, score: key }));
}
