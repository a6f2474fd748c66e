/**
 * Onboarding candidates (source `preferred`): the best items of the categories the user picked at
 * `PUT /v1/users/:id/preferences`, from each category's live trending list topped up with its
 * trained popular list (trending.ts). The fold-in of a category's mean vector alone barely steers a
 * new user — under dot product a small niche category loses to the large vectors of popular items,
 * and the overall trending pool the exploration slots draw from may not hold the category at all —
 * so the category's own list is a source of its own, served while the user's history is short
 * (`max_activity`); categories are interleaved by rank.
 */
import type { FallbackLog } from "../fallbacks/fallback-log";
import type { Candidate, ItemFilter } from "./candidate";
import { loadTrendingCandidates } from "./trending";

/** Most preferred categories read per request (two KV lists each, isolate-cached). */
export const MAX_PREFERRED_CATEGORIES = 5;

/** What {@link preferredCandidates} needs to know about the user. */
export interface PreferredInput {
  /** Categories picked at onboarding. */
  categories: readonly string[];
  /** Interactions known for the user (trained history plus session). */
  activity: number;
}

/** Options of {@link preferredCandidates} (the source's serving config). */
export interface PreferredOptions {
  /** Candidates per category. */
  topK: number;
  /** Serve only while `activity` is below this; 0 = always. */
  maxActivity: number;
}

/**
 * Up to `topK` unexcluded items of each preferred category, interleaved (every category's best,
 * then every category's second…), tagged `preferred`; empty without preferences or once the user's
 * own history is long enough.
 */
export async function preferredCandidates(
  kv: KVNamespace,
  user: PreferredInput,
  options: PreferredOptions,
  exclude: ItemFilter,
  fallbacks: FallbackLog,
): Promise<Candidate[]> {
  if (options.maxActivity > 0 && user.activity >= options.maxActivity) return [];
  const categories = [...new Set(user.categories)].slice(0, MAX_PREFERRED_CATEGORIES);
  if (categories.length === 0) return [];
  const lists = await Promise.all(
    categories.map(async (category) =>
      (await loadTrendingCandidates(kv, fallbacks, category))
        .filter((candidate) => candidate.category === category && !exclude.has(candidate.itemId))
        .slice(0, options.topK),
    ),
  );
  const taken = new Set<string>();
  const merged: Candidate[] = [];
  const longest = Math.max(0, ...lists.map((list) => list.length));
  for (let rank = 0; rank < longest; rank++) {
    for (const list of lists) {
      const candidate = list[rank];
      if (!candidate || taken.has(candidate.itemId)) continue;
      taken.add(candidate.itemId);
      merged.push({ ...candidate, source: "preferred" });
    }
  }
  return merged;
}
