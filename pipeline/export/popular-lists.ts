/**
 * Trending lists for KV: items ranked by time-decayed positive engagement (Σ eventWeight ·
 * 2^(−age / halfLife)), overall and per category. The edge falls back to these lists and keeps
 * them fresh from live events with the same decay.
 */
import { eventWeight } from "../../shared/events/event-weight";
import type { PopularList } from "../../shared/artifacts/kv-keys";
import type { Dataset } from "../data/dataset";
import { eventTypeAt } from "../data/event-log";
import { columnEventCounts } from "../data/interaction-matrix";
import { topK } from "../../shared/math/top-k";

/** Options of {@link buildPopularLists}. */
export interface PopularListOptions {
  /** Engagement loses half its weight every `halfLifeDays`. */
  halfLifeDays: number;
  /** Time the decay is measured from, ms (default: the latest event in the log). */
  referenceTime?: number;
  /** Length of the overall list. */
  allSize: number;
  /** Length of each category list. */
  categorySize: number;
  /** ISO time written into each list. */
  generatedAt: string;
}

/** Defaults: 7-day half-life, top 200 overall, top 100 per category. */
export const POPULAR_LIST_DEFAULTS = {
  halfLifeDays: 7,
  allSize: 200,
  categorySize: 100,
  generatedAt: "1970-01-01T00:00:00.000Z",
} as const satisfies PopularListOptions;

/** The overall list and one list per category (categories sorted by name). */
export interface PopularLists {
  all: PopularList;
  byCategory: Map<string, PopularList>;
  /** Decayed score per item index. */
  scores: Float64Array;
}

/** Ranks `dataset`'s items by decayed engagement; items without engagement are left out. */
export function buildPopularLists(dataset: Dataset, options: Partial<PopularListOptions> = {}): PopularLists {
  const opts = { ...POPULAR_LIST_DEFAULTS, ...options } satisfies PopularListOptions;
  const { events, items } = dataset;
  let reference = opts.referenceTime ?? 0;
  if (opts.referenceTime === undefined) for (let k = 0; k < events.length; k++) reference = Math.max(reference, events.timestamps[k]!);
  const decayPerMs = Math.LN2 / (opts.halfLifeDays * 86_400_000);
  const scores = new Float64Array(items.items.length);
  const positiveCounts = columnEventCounts(dataset.interactions);
  for (let k = 0; k < events.length; k++) {
    const weight = eventWeight[eventTypeAt(events, k)];
    if (weight <= 0) continue;
    const age = Math.max(0, reference - events.timestamps[k]!);
    scores[events.items[k]!]! += weight * Math.exp(-decayPerMs * age);
  }
  const toList = (mask: Uint8Array | undefined, size: number): PopularList => ({
    generatedAt: opts.generatedAt,
    items: topK(scores, size, mask ? { excludeMask: mask } : {})
      .filter((entry) => entry.score > 0)
      .map((entry) => ({
        itemId: items.items[entry.index]!.id,
        score: roundScore(entry.score),
        category: items.items[entry.index]!.category,
        popularity: positiveCounts[entry.index]!,
        releasedAt: items.items[entry.index]!.releasedAt,
        sponsored: items.items[entry.index]!.sponsored,
      })),
  });
  const categories = [...new Set(items.items.map((item) => item.category))].sort();
  const byCategory = new Map<string, PopularList>();
  for (const category of categories) {
    const excludeMask = Uint8Array.from(items.items, (item) => (item.category === category ? 0 : 1));
    const list = toList(excludeMask, opts.categorySize);
    if (list.items.length > 0) byCategory.set(category, list);
  }
  return { all: toList(undefined, opts.allSize), byCategory, scores };
}

function roundScore(score: number): number {
  return Number(score.toPrecision(6));
}
