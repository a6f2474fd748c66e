/**
 * Fresh candidates: items recently added through `PUT /v1/items/:id` (KV `catalog:fresh`, newest
 * first). They have no engagement yet, so they reach users through exploration slots (and through
 * ANN, since the content encoder placed them in the embedding space).
 */
import { readFreshItems } from "../store/kv-store";
import type { Candidate } from "./candidate";
import { candidatesFromPopularList } from "./popular";

/** The fresh items, newest first; empty when none were added or KV cannot be read. */
export async function loadFreshCandidates(kv: KVNamespace): Promise<Candidate[]> {
  const list = await readFreshItems(kv).catch(() => null);
  return list ? candidatesFromPopularList(list, "fresh") : [];
}
