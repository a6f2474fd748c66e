/**
 * The contract of item fold-in between retrains: the event queue's consumer reports interactions
 * with fresh items (added through `PUT /v1/items`) to the CatalogState object, which keeps, per
 * fresh item, the most recent users and their summed event weight, and says which items are due
 * for a new vector — every `everyEvents` interactions, so the work is bounded by the traffic new
 * items get, not by the catalogue. The consumer then solves the item's least squares against those
 * users' trained vectors (shared/realtime/item-fold-in-model.ts) and upserts it.
 */

/** One user's interaction weight on a fresh item (summed over a queue batch). */
export interface NewItemInteraction {
  itemId: string;
  userId: string;
  /** Summed event signal (shared/events/event-weight.ts); negative = disliked. */
  weight: number;
}

/** An item due for a new vector and the users (newest first, ≤ `maxUsers`) it is solved from. */
export interface NewItemFoldInDue {
  itemId: string;
  users: { userId: string; weight: number }[];
}

/** Bounds of item fold-in. */
export interface NewItemFoldInOptions {
  /** A fresh item gets a new vector after this many interactions (and again after as many more). */
  everyEvents: number;
  /** Most recent users kept per fresh item (and read from KV per refresh). */
  maxUsers: number;
}

/** Defaults: a refresh every 5 interactions, from the last 50 users. */
export const NEW_ITEM_FOLD_IN_DEFAULTS = { everyEvents: 5, maxUsers: 50 } as const satisfies NewItemFoldInOptions;
