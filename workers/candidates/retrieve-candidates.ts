/**
 * The candidates stage: the surface's configured sources (`ann`, `similar`, `session_similar`, `preferred`, `trending`, `fresh`),
 * merged in config order — the first source to find an item keeps it and explains it. A source that
 * fails or cannot run records a fallback and gives nothing; when the sources together find fewer
 * than n unseen items, the trending list fills the rest.
 */
import type { CandidateSourceConfig } from "../../shared/serving/serving-config";
import type { RecentInteraction } from "../../shared/session/session-contract";
import type { VectorIndex, VectorRecord } from "../../shared/vector-index/vector-index";
import type { FallbackLog } from "../fallbacks/fallback-log";
import { annCandidates } from "./ann";
import { type Candidate, type ItemFilter, mergeCandidates } from "./candidate";
import type { CandidatePools } from "./candidate-pools";
import { preferredCandidates } from "./preferred";
import type { EventWeights } from "../../shared/events/event-weight";
import { sessionSimilarCandidates } from "./session-similar";
import { similarCandidates } from "./similar";

/** What the sources search from. */
export interface RetrievalVectors {
  /** The user vector; null when the user has none. */
  user: number[] | null;
  /** True when the user vector is missing because the user's record could not be read (already a fallback). */
  userRecordUnavailable: boolean;
  /** The seed item of `more_like_this`. */
  seed?: VectorRecord;
}

/** Input of {@link retrieveCandidates}. */
export interface RetrieveInput {
  /** How many unseen items the list needs. */
  n: number;
  sources: readonly CandidateSourceConfig[];
  vectors: RetrievalVectors;
  /** The session's recent interactions, newest first (`session_similar` queries their neighbours); none when unset. */
  recent?: readonly RecentInteraction[];
  /** The serving release's event weights (which recent interactions are positive); default table when unset. */
  eventWeights?: EventWeights;
  /** Categories the user picked at onboarding (`preferred`); none when unset. */
  preferredCategories?: readonly string[];
  /** Interactions known for the user, trained plus session (`preferred` serves while it is low); 0 when unset. */
  activity?: number;
  /** The KV namespace the per-category lists are read from (`preferred`); the source gives nothing without it. */
  kv?: KVNamespace;
  /** Items no source may return (seen, hidden, unservable, the seed). */
  exclude: ItemFilter;
  index: VectorIndex;
  pools: CandidatePools;
  fallbacks: FallbackLog;
}

/** The merged candidates of the configured sources, topped up from the trending list. */
export async function retrieveCandidates(input: RetrieveInput): Promise<Candidate[]> {
  const { n, sources, exclude, pools, fallbacks } = input;
  const before = fallbacks.entries.length;
  const lists = await Promise.all(sources.map((source) => fromSource(source, input)));
  const merged = mergeCandidates(
    lists.map((list) => list ?? []),
    exclude,
  );
  if (merged.length >= n || sources.some((source) => source.source === "trending")) return merged;
  // A source that failed or could not run has said so already; "empty" is for sources that ran.
  if (fallbacks.entries.length === before && lists.every((list) => list !== null)) {
    const names = sources.map((source) => source.source).join("+");
    fallbacks.add({ stage: "candidates", reason: "empty", used: "popular" }, `${names} gave ${merged.length} unseen items`);
  }
  return mergeCandidates([merged, await pools.trending()], exclude);
}

/**
 * One source's candidates (at most its top_k unseen ones for the list sources); null when it failed
 * or could not run, which it has recorded as a fallback (or the user-vector stage did).
 */
async function fromSource(source: CandidateSourceConfig, input: RetrieveInput): Promise<Candidate[] | null> {
  const { vectors, exclude, index, pools, fallbacks } = input;
  switch (source.source) {
    case "ann": {
      const vector = vectors.user;
      if (!vector) {
        if (!vectors.userRecordUnavailable) fallbacks.add({ stage: "user_vector", reason: "unknown_user", used: "popular" });
        return null;
      }
      try {
        return await annCandidates(index, vector, { topK: source.top_k });
      } catch (error) {
        fallbacks.add({ stage: "candidates", reason: "unavailable", used: "popular" }, error);
        return null;
      }
    }
    case "similar":
      // Config validation keeps `similar` on more_like_this, whose requests carry a seed (none when the index failed).
      return vectors.seed ? similarCandidates(index, vectors.seed, source.top_k, fallbacks) : null;
    case "session_similar":
      return sessionSimilarCandidates(
        index,
        input.recent ?? [],
        { items: source.items, topK: source.top_k },
        exclude,
        fallbacks,
        input.eventWeights,
      );
    case "preferred":
      return input.kv
        ? preferredCandidates(
            input.kv,
            { categories: input.preferredCategories ?? [], activity: input.activity ?? 0 },
            { topK: source.top_k, maxActivity: source.max_activity },
            exclude,
            fallbacks,
          )
        : [];
    case "trending":
      return firstUnexcluded(await pools.trending(), exclude, source.top_k);
    case "fresh":
      return firstUnexcluded(await pools.fresh(), exclude, source.top_k);
    default:
      return source satisfies never;
  }
}

function firstUnexcluded(candidates: Candidate[], exclude: ItemFilter, count: number): Candidate[] {
  return candidates.filter((candidate) => !exclude.has(candidate.itemId)).slice(0, count);
}
