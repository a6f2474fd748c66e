/**
 * The catalogue's serving state as the CatalogState object holds it — blocked items, the `unsafe`
 * and `unavailable` flags, and the fresh items — and the two KV records it is published as
 * (`catalog:blocked`, `catalog:fresh`; shared/artifacts/kv-keys.ts). Pure: no storage, no clock.
 */
import type { BlockedItems, PopularItem, PopularList } from "../artifacts/kv-keys";

/** Bounds of the lists; `flaggedItems` bounds each flag (unsafe, unavailable) on its own. */
export const CATALOG_LIST_LIMITS = { freshItems: 200, blockedItems: 10_000, flaggedItems: 10_000 } as const;

/** The three lists of item ids the `catalog:blocked` record holds. */
export const CATALOG_ID_LISTS = ["blocked", "unsafe", "unavailable"] as const;
export type CatalogIdList = (typeof CATALOG_ID_LISTS)[number];

/** The catalogue's serving state. */
export interface CatalogSnapshot {
  /** Removed items, newest last (undone only by adding the item again). */
  blocked: readonly string[];
  /** Items flagged unsafe, newest last. */
  unsafe: readonly string[];
  /** Items flagged unavailable, newest last. */
  unavailable: readonly string[];
  /** Items added through the admin API, newest first. */
  fresh: readonly PopularItem[];
}

/** The state before anything was blocked, flagged or added. */
export const EMPTY_CATALOG: CatalogSnapshot = { blocked: [], unsafe: [], unavailable: [], fresh: [] };

/**
 * The state held by the KV records a Worker wrote before the CatalogState object existed (null:
 * the key is absent). Records written before flags existed lack them; duplicates are dropped.
 */
export function snapshotOfRecords(blocked: BlockedItems | null, fresh: PopularList | null): CatalogSnapshot {
  const seen = new Set<string>();
  return {
    blocked: [...new Set(blocked?.itemIds ?? [])],
    unsafe: [...new Set(blocked?.unsafe ?? [])],
    unavailable: [...new Set(blocked?.unavailable ?? [])],
    fresh: (fresh?.items ?? []).filter((item) => !seen.has(item.itemId) && seen.add(item.itemId)),
  };
}

/** The `catalog:blocked` record of `state`, stamped `updatedAt`. */
export function blockedRecordOf(state: CatalogSnapshot, updatedAt: string): BlockedItems {
  return { updatedAt, itemIds: [...state.blocked], unsafe: [...state.unsafe], unavailable: [...state.unavailable] };
}

/** The `catalog:fresh` list of `state`, stamped `generatedAt`. */
export function freshListOf(state: CatalogSnapshot, generatedAt: string): PopularList {
  return { generatedAt, items: [...state.fresh] };
}

/** An item's status as the admin API answers it (`GET` / `PUT /v1/items/:id/status`). */
export interface ItemStatus {
  item_id: string;
  unsafe: boolean;
  available: boolean;
  /** Removed through `DELETE /v1/items/:id` (undone only by adding the item again). */
  blocked: boolean;
}

/** One item's status in `state`. */
export function itemStatusOf(state: CatalogSnapshot, itemId: string): ItemStatus {
  return {
    item_id: itemId,
    unsafe: state.unsafe.includes(itemId),
    available: !state.unavailable.includes(itemId),
    blocked: state.blocked.includes(itemId),
  };
}

/** One catalogue item as the admin item routes answer it (`GET /v1/admin/items/search|flagged`) and the console shows it. */
export interface CatalogItemView {
  item_id: string;
  /** Whether the serving vector index holds the item (and so its metadata). */
  in_index: boolean;
  title?: string;
  category?: string;
  genres?: string[];
  released_at?: number;
  popularity?: number;
  sponsored?: boolean;
  status: Omit<ItemStatus, "item_id">;
}
