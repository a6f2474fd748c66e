/**
 * How much two rankers agree on the same candidates: the overlap of their top k and Kendall's τ
 * over all candidates. Shadow mode logs it for a candidate ranker scoring live traffic it does
 * not serve.
 */

/** Agreement of two score lists over the same candidates. */
export interface RankingAgreement {
  /** |top-k(a) ∩ top-k(b)| / k', k' = min(k, candidates). */
  overlapAtK: number;
  /** Kendall's τ-a of the two orders, in [−1, 1] (1 = identical order). */
  kendallTau: number;
  k: number;
}

function topIndices(scores: readonly number[], k: number): Set<number> {
  return new Set(
    scores
      .map((score, index) => ({ score, index }))
      .sort((x, y) => y.score - x.score || x.index - y.index)
      .slice(0, k)
      .map((entry) => entry.index),
  );
}

/** Agreement of `a` and `b` (one score per candidate each, same order); O(n²) for τ, fine for n ≤ a few hundred. */
export function rankingAgreement(a: readonly number[], b: readonly number[], k = 10): RankingAgreement {
  if (a.length !== b.length) throw new RangeError(`score lists differ in length: ${a.length} vs ${b.length}`);
  const n = a.length;
  const kk = Math.min(k, n);
  const topA = topIndices(a, kk);
  let shared = 0;
  for (const index of topIndices(b, kk)) if (topA.has(index)) shared++;
  let concordant = 0;
  let discordant = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const sign = Math.sign(a[i]! - a[j]!) * Math.sign(b[i]! - b[j]!);
      if (sign > 0) concordant++;
      else if (sign < 0) discordant++;
    }
  }
  const pairs = (n * (n - 1)) / 2;
  return { overlapAtK: kk === 0 ? 1 : shared / kk, kendallTau: pairs === 0 ? 1 : (concordant - discordant) / pairs, k: kk };
}
