/**
 * Fresh candidates: items recently added through `PUT /v1/items/:id` (KV `catalog:fresh`, newest
 * first). They have no engagement yet, so they reach users through exploration slots (and through
 * ANN, since the content encoder placed them in the embedding space).
 */
import type { FallbackLog } from "../fallbacks/fallback-log";
import { readFreshItems } from "../store/kv-store";
import type { Candidate } from "./candidate";
import { candidatesFromPopularList } from "./popular";

/**
 * The fresh items, newest first; empty when none were added, and empty with a `fresh` fallback
 * when KV cannot be read.
 */
export async function loadFreshCandidates(kv: KVNamespace, fallbacks: FallbackLog): Promise<Candidate[]> {
  try {
    const list = await readFreshItems(kv);
    return list ? candidatesFromPopularList(list, "fresh") : [];
  } catch (error) {
    fallbacks.add({ stage: "fresh", reason: "unavailable", used: "without_fresh_items" }, error);
    return [];
  }
}
