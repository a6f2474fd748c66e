/**
 * Top-k selection over a dense score array with a bounded min-heap: O(n log k), no full sort.
 * Ties go to the lower index so results are deterministic. Candidate for `shared/math/`.
 */

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
  const heapIndex = new Int32Array(k);
  const heapScore = new Float64Array(k);
  let size = 0;
  const worse = (a: number, b: number) =>
    heapScore[a]! < heapScore[b]! || (heapScore[a] === heapScore[b] && heapIndex[a]! > heapIndex[b]!);
  const swap = (a: number, b: number) => {
    const i = heapIndex[a]!;
    heapIndex[a] = heapIndex[b]!;
    heapIndex[b] = i;
    const s = heapScore[a]!;
    heapScore[a] = heapScore[b]!;
    heapScore[b] = s;
  };
  const siftDown = (start: number) => {
    let parent = start;
    for (;;) {
      const left = 2 * parent + 1;
      if (left >= size) return;
      const right = left + 1;
      const child = right < size && worse(right, left) ? right : left;
      if (!worse(child, parent)) return;
      swap(child, parent);
      parent = child;
    }
  };
  for (let i = 0; i < length; i++) {
    const score = scores[i]!;
    if (Number.isNaN(score) || excludeMask?.[i] === 1) continue;
    if (size < k) {
      heapIndex[size] = i;
      heapScore[size] = score;
      let child = size++;
      while (child > 0) {
        const parent = (child - 1) >> 1;
        if (!worse(child, parent)) break;
        swap(child, parent);
        child = parent;
      }
    } else if (score > heapScore[0]!) {
      heapIndex[0] = i;
      heapScore[0] = score;
      siftDown(0);
    }
  }
  const result: ScoredIndex[] = [];
  for (let i = 0; i < size; i++) result.push({ index: heapIndex[i]!, score: heapScore[i]! });
  return result.sort((a, b) => b.score - a.score || a.index - b.index);
}
