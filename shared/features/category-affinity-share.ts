/**
 * The `category_affinity` input of the feature spec: the share of a user's positive evidence that
 * falls in one category. Offline the evidence is the count of training interactions per category;
 * at the edge it is the session's decayed category affinity. Negative evidence (a dislike) counts
 * as none, so the share stays in [0, 1].
 */

/**
 * `max(0, evidence[category]) / Σ max(0, evidence[c])`; 0 when the category is unknown or there is
 * no positive evidence. Example: `categoryAffinityShare({ drama: 3, comedy: 1 }, "drama")` is 0.75.
 */
export function categoryAffinityShare(
  evidence: Readonly<Record<string, number>> | ReadonlyMap<string, number>,
  category: string | undefined,
): number {
  if (category === undefined) return 0;
  const values = evidence instanceof Map ? [...evidence.values()] : Object.values(evidence);
  let total = 0;
  for (const v of values) if (Number.isFinite(v) && v > 0) total += v;
  if (total <= 0) return 0;
  const own = evidence instanceof Map ? evidence.get(category) : (evidence as Record<string, number>)[category];
  return own !== undefined && Number.isFinite(own) && own > 0 ? own / total : 0;
}
