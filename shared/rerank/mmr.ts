/**
 * Maximal Marginal Relevance (Carbonell & Goldstein, 1998): greedily picks the item maximising
 * λ·relevance − (1−λ)·(max similarity to the items already picked), trading relevance for
 * diversity. Relevance is the ranker score min–max scaled to [0, 1] so λ means the same whatever
 * the ranker's scale; similarity is the cosine of item embeddings (0 when either has none).
 */
import { dot, l2Norm } from "../math/vector";
import type { RankedItem } from "./ranked-item";

/** Options of {@link mmr}. */
export interface MmrOptions {
  /** 1 = pure relevance (input order), 0 = pure diversity. */
  lambda: number;
  /** How many items to select with MMR; the rest follow in their input order. */
  k: number;
}

/** Re-orders `items` by MMR for the first `k` positions. */
export function mmr<T extends RankedItem>(items: readonly T[], options: MmrOptions): T[] {
  const { lambda, k } = options;
  if (items.length <= 1 || k <= 0 || lambda >= 1) return [...items];
  const scores = items.map((item) => item.score);
  const min = Math.min(...scores);
  const range = Math.max(...scores) - min;
  const relevance = scores.map((score) => (range > 0 ? (score - min) / range : 1));
  // Each item's norm once (cosineSimilarity would recompute both norms for every pair).
  const norms = items.map((item) => (item.vector ? l2Norm(item.vector) : 0));
  const maxSimilarity = new Float64Array(items.length);
  const picked = new Uint8Array(items.length);
  const order: number[] = [];
  const limit = Math.min(k, items.length);
  while (order.length < limit) {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < items.length; i++) {
      if (picked[i]) continue;
      const value = lambda * relevance[i]! - (1 - lambda) * maxSimilarity[i]!;
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    }
    picked[best] = 1;
    order.push(best);
    const chosen = items[best]!.vector;
    if (!chosen) continue;
    for (let i = 0; i < items.length; i++) {
      const vector = items[i]!.vector;
      if (picked[i] || !vector) continue;
      // cosineSimilarity(chosen, vector), with the norms computed once above.
      const denominator = norms[best]! * norms[i]!;
      maxSimilarity[i] = Math.max(maxSimilarity[i]!, denominator > 0 ? dot(chosen, vector) / denominator : 0);
    }
  }
  for (let i = 0; i < items.length; i++) if (!picked[i]) order.push(i);
  return order.map((i) => items[i]!);
}
