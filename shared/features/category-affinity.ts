/**
 * The one definition of the `category_affinity` feature, offline and online (feature spec v4).
 *
 * A user's category evidence has two parts:
 * - **trained** — the user's interacted items per category in the training log
 *   ({@link trainedCategoryAffinity}). The pipeline's feature builder computes it from the training
 *   split for training rows; the export computes it with the same function from the full history
 *   and writes it into the user's KV record (`UserRecord.categoryAffinity`);
 * - **live** — the session's decayed category affinity (Σ event weight, 14-day half-life; negative
 *   = disliked), which only the edge has (empty offline).
 *
 * - **stated** — the categories the user picked at onboarding, {@link ONBOARDING_EVIDENCE} each
 *   (edge only: the session holds them), so a new user's first rows already lean their way.
 *
 * The evidence is their sum ({@link categoryEvidence}) and the feature is the candidate category's
 * share of the positive evidence (category-affinity-share.ts). So a returning user with no new
 * events gets at the edge exactly the value the pipeline computed from their history, and the
 * session moves it from there (a dislike can take a category's evidence to 0).
 */
import { categoryAffinityShare } from "./category-affinity-share";

/** Evidence of one category picked at onboarding: as much as one interacted item. */
export const ONBOARDING_EVIDENCE = 1;

/** Evidence per category. */
export type CategoryEvidence = Readonly<Record<string, number>>;

/**
 * Items per category of a user's history (one entry per interacted item; unknown categories skipped).
 * @example trainedCategoryAffinity(["Drama", "Drama", "Comedy", undefined]) // → { Drama: 2, Comedy: 1 }
 */
export function trainedCategoryAffinity(itemCategories: Iterable<string | undefined>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const category of itemCategories) if (category) counts[category] = (counts[category] ?? 0) + 1;
  return counts;
}

/**
 * The trained and the live evidence combined: their sum per category (either may be absent).
 * @example categoryEvidence({ Drama: 2 }, { Drama: -3, Horror: 1 }) // → { Drama: -1, Horror: 1 }
 */
export function categoryEvidence(trained: CategoryEvidence | undefined, live: CategoryEvidence | undefined): Record<string, number> {
  const evidence: Record<string, number> = { ...trained };
  for (const [category, value] of Object.entries(live ?? {})) {
    if (Number.isFinite(value)) evidence[category] = (evidence[category] ?? 0) + value;
  }
  return evidence;
}

/**
 * The feature for every candidate of one user: `(category) → share` over the combined evidence.
 * @example categoryAffinityFeature({ trained: { Drama: 3, Comedy: 1 } })("Drama") // → 0.75
 */
export function categoryAffinityFeature(parts: {
  trained?: CategoryEvidence;
  live?: CategoryEvidence;
  /** Categories picked at onboarding. */
  stated?: readonly string[];
}): (category: string | undefined) => number {
  const live: Record<string, number> = { ...parts.live };
  for (const category of new Set(parts.stated ?? [])) live[category] = (live[category] ?? 0) + ONBOARDING_EVIDENCE;
  const evidence = categoryEvidence(parts.trained, live);
  return (category) => categoryAffinityShare(evidence, category);
}
