/**
 * Trending candidates: the live time-decayed list the TrendingAggregator flushes to KV from real
 * events (source `trending`), topped up with the trained popular list (source `popular`, with its
 * own fallback to the list built into the Worker). Before any live list is published this is exactly
 * the popular list; when reading the live list fails, too, with a `trending` fallback.
 */
import type { PopularList } from "../../shared/artifacts/kv-keys";
import type { FallbackLog } from "../fallbacks/fallback-log";
import { readTrendingList } from "../store/kv-store";
import { type Candidate, mergeCandidates } from "./candidate";
import { candidatesFromPopularList, loadPopularList } from "./popular";

/** Trending candidates and when the list they lead with was generated. */
export interface TrendingCandidates {
  candidates: Candidate[];
  /** The live list's time when there is one, else the trained (or built-in) list's. */
  generatedAt: string;
}

/** Live trending items first, then the trained popular list (overall, or for `category`). */
export async function loadTrendingList(kv: KVNamespace, fallbacks: FallbackLog, category?: string): Promise<TrendingCandidates> {
  const [live, trained] = await Promise.all([readLiveTrending(kv, fallbacks, category), loadPopularList(kv, fallbacks, category)]);
  const fresh = live && live.items.length > 0 ? live : null;
  return {
    candidates: mergeCandidates([fresh ? candidatesFromPopularList(fresh, "trending") : [], candidatesFromPopularList(trained)], new Set()),
    generatedAt: fresh?.generatedAt ?? trained.generatedAt,
  };
}

/** The candidates of {@link loadTrendingList}. */
export async function loadTrendingCandidates(kv: KVNamespace, fallbacks: FallbackLog, category?: string): Promise<Candidate[]> {
  return (await loadTrendingList(kv, fallbacks, category)).candidates;
}

/** The live trending list, or null when none is published or (with a fallback) KV cannot be read. */
async function readLiveTrending(kv: KVNamespace, fallbacks: FallbackLog, category?: string): Promise<PopularList | null> {
  try {
    return await readTrendingList(kv, category);
  } catch (error) {
    fallbacks.add({ stage: "trending", reason: "unavailable", used: "popular" }, error);
    return null;
  }
}
