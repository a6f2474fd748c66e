/**
 * Which objectives (shared/ranking/ranking-objectives.ts) each user–item pair reached in an event
 * log: `click` — any positive event (what the ranker's 0/1 label already says); `engage` — a like,
 * a save, a completed view or a rating of 4 stars or more; `purchase` — a purchase. The ranker
 * examples read a held-out pair's objectives here to label the MLP's heads.
 */
import { EVENT_TYPES, type EventType } from "../../shared/events/interaction-event";
import { RANKING_OBJECTIVES, type RankingObjective } from "../../shared/ranking/ranking-objectives";
import type { EventLog } from "../data/event-log";
import type { InteractionMatrix } from "../data/interaction-matrix";

/** Bit of each objective in a pair's mask. */
export const OBJECTIVE_BITS: Readonly<Record<RankingObjective, number>> = { click: 1, engage: 2, purchase: 4 };

/** Ratings at or above this many stars count as engagement. */
export const ENGAGING_RATING = 4;

const ENGAGE_TYPES: ReadonlySet<EventType> = new Set(["like", "save", "complete"]);

/** The objectives of every pair of a log. */
export interface ObjectiveLabels {
  /** Objectives some pair reached, in `RANKING_OBJECTIVES` order (`click` always: the label itself). */
  readonly present: readonly RankingObjective[];
  /** The objective bits (beyond `click`) the pair reached; 0 when none. */
  mask(user: number, item: number): number;
}

/** Reads the engagement and purchase bits of every pair from `events` (indices as in the dataset, `items` columns). */
export function objectiveLabels(events: EventLog, items: number): ObjectiveLabels {
  const masks = new Map<number, number>();
  let seen = OBJECTIVE_BITS.click;
  for (let k = 0; k < events.length; k++) {
    const type = EVENT_TYPES[events.types[k]!]!;
    const engaged = ENGAGE_TYPES.has(type) || (type === "rating" && events.values[k]! >= ENGAGING_RATING);
    const bits = (engaged ? OBJECTIVE_BITS.engage : 0) | (type === "purchase" ? OBJECTIVE_BITS.purchase : 0);
    if (bits === 0) continue;
    const key = events.users[k]! * items + events.items[k]!;
    masks.set(key, (masks.get(key) ?? 0) | bits);
    seen |= bits;
  }
  return {
    present: RANKING_OBJECTIVES.filter((objective) => (seen & OBJECTIVE_BITS[objective]) !== 0),
    mask: (user, item) => masks.get(user * items + item) ?? 0,
  };
}

/** {@link ObjectiveLabels} in a form worker threads can receive: one mask per entry of `matrix`. */
export interface ObjectiveMasks {
  present: RankingObjective[];
  /** `masks[e]`: the bits of entry `e` of the matrix they were read for. */
  masks: Uint8Array;
}

/** The masks of `matrix`'s entries. */
export function objectiveMasks(labels: ObjectiveLabels, matrix: InteractionMatrix): ObjectiveMasks {
  const masks = new Uint8Array(matrix.indices.length);
  for (let u = 0; u < matrix.rows; u++) {
    for (let e = matrix.indptr[u]!; e < matrix.indptr[u + 1]!; e++) masks[e] = labels.mask(u, matrix.indices[e]!);
  }
  return { present: [...labels.present], masks };
}

/** {@link ObjectiveLabels} back from masks over `matrix` (pairs outside it: 0). */
export function objectiveLabelsFromMasks(matrix: InteractionMatrix, masks: ObjectiveMasks): ObjectiveLabels {
  return {
    present: masks.present,
    mask: (user, item) => {
      let lo = matrix.indptr[user]!;
      let hi = matrix.indptr[user + 1]! - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const col = matrix.indices[mid]!;
        if (col === item) return masks.masks[mid]!;
        if (col < item) lo = mid + 1;
        else hi = mid - 1;
      }
      return 0;
    },
  };
}
