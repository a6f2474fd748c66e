/**
 * Intra-list diversity: how different the items inside one list are from each other, as the mean
 * pairwise dissimilarity 1 − sim(a, b) over the list's item pairs, averaged over lists. The caller
 * chooses the similarity (item co-occurrence cosine, genre overlap, embeddings), so the metric
 * never depends on the model that produced the lists.
 */

/** Similarity of two items in [0, 1] (1 = the same). */
export type ItemSimilarity = (a: number, b: number) => number;

/** Mean over lists with at least two items of the mean pairwise 1 − similarity; 0 when none. */
export function intraListDiversity(lists: Iterable<ArrayLike<number>>, similarity: ItemSimilarity): number {
  let total = 0;
  let counted = 0;
  for (const list of lists) {
    if (list.length < 2) continue;
    let sum = 0;
    let pairs = 0;
    for (let a = 0; a < list.length; a++) {
      for (let b = a + 1; b < list.length; b++) {
        sum += 1 - similarity(list[a]!, list[b]!);
        pairs++;
      }
    }
    total += sum / pairs;
    counted++;
  }
  return counted > 0 ? total / counted : 0;
}
