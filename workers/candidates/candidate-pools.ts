/**
 * The KV lists one request reads at most once: the trending list (live, topped up with the popular
 * list) and the fresh items. Retrieval sources and exploration picks share them, and a list that
 * cannot be read records its fallback once, in the request's log, whichever stage reads it first.
 */
import type { FallbackLog } from "../fallbacks/fallback-log";
import type { Candidate } from "./candidate";
import { loadFreshCandidates } from "./fresh";
import { loadTrendingCandidates } from "./trending";

/** The lists of one request, each loaded on first use. */
export interface CandidatePools {
  trending: () => Promise<Candidate[]>;
  fresh: () => Promise<Candidate[]>;
}

/** Pools over `kv` that record their fallbacks in `fallbacks`. */
export function candidatePools(kv: KVNamespace, fallbacks: FallbackLog): CandidatePools {
  return { trending: once(() => loadTrendingCandidates(kv, fallbacks)), fresh: once(() => loadFreshCandidates(kv, fallbacks)) };
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}
