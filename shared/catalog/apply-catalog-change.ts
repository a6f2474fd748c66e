/**
 * One change to the catalogue's serving state, applied as a whole or not at all: an item's block,
 * its flags and its place in the fresh list. The CatalogState object applies changes one at a
 * time, so none is lost; this module decides what each does, with the lists' bounds — the
 * blocked list drops its oldest entries past its bound (the index no longer holds them), a flag
 * list past its bound refuses the flag (a dropped flag would serve a flagged item again).
 */
import type { PopularItem } from "../artifacts/kv-keys";
import { CATALOG_LIST_LIMITS, type CatalogIdList, type CatalogSnapshot } from "./catalog-snapshot";

/** A change of one item; what is left out keeps its value. */
export interface CatalogChange {
  itemId: string;
  blocked?: boolean;
  unsafe?: boolean;
  unavailable?: boolean;
  /** The item's entry to put at the front of the fresh list (`itemId` must match), or null to take it out. */
  fresh?: PopularItem | null;
}

/** The KV records the state is published as: `status` is `catalog:blocked`, `fresh` is `catalog:fresh`. */
export const CATALOG_RECORDS = ["status", "fresh"] as const;
export type CatalogRecord = (typeof CATALOG_RECORDS)[number];

/** What applying a change gave: the new state and which records changed, or a refusal. */
export type AppliedCatalogChange =
  | { ok: true; state: CatalogSnapshot; changed: Record<CatalogRecord, boolean>; wasFresh: boolean }
  | { ok: false; code: "flag_list_full"; message: string };

/**
 * Applies `change` to `state` (never modified). Unchanged lists keep their identity.
 *
 * @example
 * applyCatalogChange(EMPTY_CATALOG, { itemId: "a", unsafe: true }) // → ok, state.unsafe = ["a"], changed.status
 */
export function applyCatalogChange(state: CatalogSnapshot, change: CatalogChange): AppliedCatalogChange {
  const { itemId } = change;
  const blocked = newestOf(withMembership(state.blocked, itemId, change.blocked), CATALOG_LIST_LIMITS.blockedItems);
  const flags = {
    unsafe: withMembership(state.unsafe, itemId, change.unsafe),
    unavailable: withMembership(state.unavailable, itemId, change.unavailable),
  };
  for (const flag of ["unsafe", "unavailable"] as const) {
    if (flags[flag] !== state[flag] && flags[flag].length > CATALOG_LIST_LIMITS.flaggedItems) {
      return {
        ok: false,
        code: "flag_list_full",
        message: `${CATALOG_LIST_LIMITS.flaggedItems} items are flagged ${flag} already; clear flags or remove items (DELETE) first`,
      };
    }
  }
  const wasFresh = state.fresh.some((item) => item.itemId === itemId);
  const fresh =
    change.fresh === undefined || (change.fresh === null && !wasFresh)
      ? state.fresh
      : [...(change.fresh ? [change.fresh] : []), ...state.fresh.filter((item) => item.itemId !== itemId)].slice(
          0,
          CATALOG_LIST_LIMITS.freshItems,
        );
  return {
    ok: true,
    state: { blocked, ...flags, fresh },
    changed: {
      status: blocked !== state.blocked || flags.unsafe !== state.unsafe || flags.unavailable !== state.unavailable,
      fresh: fresh !== state.fresh,
    },
    wasFresh,
  };
}

/** What turns list `before` into `after` when entries are only appended or removed (the id lists). */
export function listEdits(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  const beforeSet = new Set(before);
  const afterSet = new Set(after);
  return { added: after.filter((id) => !beforeSet.has(id)), removed: before.filter((id) => !afterSet.has(id)) };
}

/** The id lists of a state, by name. */
export function idListsOf(state: CatalogSnapshot): Record<CatalogIdList, readonly string[]> {
  return { blocked: state.blocked, unsafe: state.unsafe, unavailable: state.unavailable };
}

/** `list` with `itemId` added (newest last) or removed; the same array when membership does not change. */
function withMembership(list: readonly string[], itemId: string, member: boolean | undefined): readonly string[] {
  if (member === undefined || list.includes(itemId) === member) return list;
  return member ? [...list, itemId] : list.filter((id) => id !== itemId);
}

/** The newest `limit` entries of `list`; the same array when it is within the bound. */
function newestOf(list: readonly string[], limit: number): readonly string[] {
  return list.length > limit ? list.slice(-limit) : list;
}
