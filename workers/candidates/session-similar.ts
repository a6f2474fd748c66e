/**
 * "Because you watched X" candidates for home (source `session_similar`): the neighbours of the
 * items the user interacted with positively in this session, so a click changes the next list
 * through item-to-item similarity as well as through the folded-in user vector. One `getByIds` for
 * the anchors' vectors, then one neighbour query per anchor (the same lookup as `similar`,
 * similar.ts); the lists are interleaved by rank, each candidate keeping the anchor that found it.
 * A failing index records `session_similar / unavailable / without_session_similar` once and the
 * other sources serve.
 */
import { DEFAULT_EVENT_WEIGHTS, type EventWeights, eventSignal } from "../../shared/events/event-weight";
import type { FallbackRung } from "../../shared/fallbacks/fallback-ladder";
import type { RecentInteraction } from "../../shared/session/session-contract";
import type { VectorIndex, VectorRecord } from "../../shared/vector-index/vector-index";
import { FallbackLog } from "../fallbacks/fallback-log";
import type { Candidate, ItemFilter } from "./candidate";
import { similarCandidates } from "./similar";

/** Options of {@link sessionSimilarCandidates} (the source's serving config). */
export interface SessionSimilarOptions {
  /** How many recent positively-interacted items are queried. */
  items: number;
  /** Most candidates returned (and neighbours asked per anchor). */
  topK: number;
}

const LOOKUP_FAILED: FallbackRung = { stage: "session_similar", reason: "unavailable", used: "without_session_similar" };

/**
 * The `count` most recent distinct items whose latest event (of `recent`, newest first) is
 * positive, with that event's time (ms); an item the user last skipped or hid is no anchor.
 * @example recentPositives([{ itemId: "b", type: "click", ts: 9, … }, { itemId: "a", type: "hide", … }], 3) // → [{ itemId: "b", ts: 9 }]
 */
export function recentPositives(
  recent: readonly RecentInteraction[],
  count: number,
  weights: EventWeights = DEFAULT_EVENT_WEIGHTS,
): { itemId: string; ts: number }[] {
  const decided = new Set<string>();
  const anchors: { itemId: string; ts: number }[] = [];
  for (const interaction of recent) {
    if (anchors.length >= count) break;
    if (decided.has(interaction.itemId)) continue;
    decided.add(interaction.itemId);
    if (eventSignal(interaction.type, interaction.value ?? undefined, weights) > 0)
      anchors.push({ itemId: interaction.itemId, ts: interaction.ts });
  }
  return anchors;
}

/** The ids of {@link recentPositives}. */
export function recentPositiveItems(recent: readonly RecentInteraction[], count: number, weights?: EventWeights): string[] {
  return recentPositives(recent, count, weights).map((anchor) => anchor.itemId);
}

/**
 * Up to `topK` unexcluded neighbours of the session's recent positive items, interleaved (every
 * anchor's best neighbour, then every anchor's second…); empty without such items; null (and one
 * fallback) when the index failed for every anchor.
 */
export async function sessionSimilarCandidates(
  index: VectorIndex,
  recent: readonly RecentInteraction[],
  options: SessionSimilarOptions,
  exclude: ItemFilter,
  fallbacks: FallbackLog,
  /** The serving release's event weights (what counts as positive). */
  weights?: EventWeights,
): Promise<Candidate[] | null> {
  const anchorIds = recentPositiveItems(recent, options.items, weights);
  if (anchorIds.length === 0) return [];
  let records: VectorRecord[];
  try {
    records = await index.getByIds(anchorIds);
  } catch (error) {
    fallbacks.add(LOOKUP_FAILED, error);
    return null;
  }
  const byId = new Map(records.map((record) => [record.id, record]));
  const anchors = anchorIds.map((id) => byId.get(id)).filter((record): record is VectorRecord => record !== undefined);
  const queries = new FallbackLog();
  const lists = await Promise.all(
    anchors.map((anchor) => similarCandidates(index, anchor, options.topK, queries, { source: "session_similar", failure: LOOKUP_FAILED })),
  );
  // One failure, one entry, however many anchor queries failed.
  if (queries.entries.length > 0) fallbacks.add(LOOKUP_FAILED, queries.entries[0]!.detail ?? "neighbour query failed");
  if (anchors.length > 0 && lists.every((list) => list === null)) return null;

  const taken = new Set<string>(anchorIds);
  const merged: Candidate[] = [];
  const longest = Math.max(0, ...lists.map((list) => list?.length ?? 0));
  for (let rank = 0; rank < longest && merged.length < options.topK; rank++) {
    lists.forEach((list, a) => {
      const candidate = list?.[rank];
      if (!candidate || merged.length >= options.topK || taken.has(candidate.itemId) || exclude.has(candidate.itemId)) return;
      taken.add(candidate.itemId);
      const anchor = anchors[a]!;
      const title = anchor.metadata?.title;
      merged.push({ ...candidate, anchor: { itemId: anchor.id, ...(typeof title === "string" && title ? { title } : {}) } });
    });
  }
  return merged;
}
