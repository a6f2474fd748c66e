/**
 * Item similarity from training co-occurrence — the cosine of two items' binary user vectors,
 * |U(a) ∩ U(b)| / √(|U(a)| |U(b)|) — the default similarity of the Microsoft Recommenders
 * diversity metrics. Pairs are computed on demand by merging the two sorted user lists and
 * memoised (recommendation lists share many pairs), so nothing item × item is precomputed.
 */
import { transposeInteractions, type InteractionMatrix } from "../data/interaction-matrix";
import type { ItemSimilarity } from "../../shared/metrics/intra-list-diversity";

/** Options of {@link itemCooccurrenceSimilarity}. */
export interface ItemCooccurrenceSimilarityOptions {
  /** Most pairs memoised (beyond it pairs are recomputed). */
  maxMemoized: number;
}

/** A cosine co-occurrence similarity over the items of `train` (users × items). */
export function itemCooccurrenceSimilarity(
  train: InteractionMatrix,
  options: Partial<ItemCooccurrenceSimilarityOptions> = {},
): ItemSimilarity {
  const opts = { maxMemoized: 2_000_000, ...options } satisfies ItemCooccurrenceSimilarityOptions;
  const byItem = transposeInteractions(train);
  const memo = new Map<number, number>();
  const items = train.cols;
  return (a, b) => {
    if (a === b) return 1;
    const key = a < b ? a * items + b : b * items + a;
    const known = memo.get(key);
    if (known !== undefined) return known;
    const similarity = cosine(a, b);
    if (memo.size < opts.maxMemoized) memo.set(key, similarity);
    return similarity;
  };

  function cosine(a: number, b: number): number {
    let i = byItem.indptr[a]!;
    const iEnd = byItem.indptr[a + 1]!;
    let j = byItem.indptr[b]!;
    const jEnd = byItem.indptr[b + 1]!;
    const denominator = Math.sqrt((iEnd - i) * (jEnd - j));
    if (denominator === 0) return 0;
    let common = 0;
    while (i < iEnd && j < jEnd) {
      const ui = byItem.indices[i]!;
      const uj = byItem.indices[j]!;
      if (ui === uj) {
        common++;
        i++;
        j++;
      } else if (ui < uj) i++;
      else j++;
    }
    return common / denominator;
  }
}
