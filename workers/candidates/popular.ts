/** Popular candidates: the KV-cached popular list, falling back to the list built into the Worker. */
import type { PopularList } from "../../shared/artifacts/kv-keys";
import { DEFAULT_POPULAR } from "../fallbacks/default-popular";
import type { FallbackLog } from "../fallbacks/fallback-log";
import { readPopularList } from "../store/kv-store";
import type { Candidate, CandidateSource } from "./candidate";

/** Candidates from a popular list, in list order, tagged `source` (default `popular`). */
export function candidatesFromPopularList(list: PopularList, source: CandidateSource = "popular"): Candidate[] {
  return list.items.map((item) => ({
    itemId: item.itemId,
    source,
    retrievalScore: item.score,
    category: item.category,
    popularity: item.popularity,
    releasedAt: item.releasedAt,
    sponsored: item.sponsored,
  }));
}

/**
 * The popular list to serve: KV's (for `category` when given), else the built-in default list
 * (filtered to `category`), recording the fallback.
 */
export async function loadPopularList(kv: KVNamespace, fallbacks: FallbackLog, category?: string): Promise<PopularList> {
  try {
    const list = await readPopularList(kv, category);
    if (list) return list;
    fallbacks.add({ stage: "popular", reason: "not_published", used: "built_in_list" });
  } catch (error) {
    fallbacks.add({ stage: "popular", reason: "unavailable", used: "built_in_list" }, error);
  }
  return category ? { ...DEFAULT_POPULAR, items: DEFAULT_POPULAR.items.filter((item) => item.category === category) } : DEFAULT_POPULAR;
}
