/**
 * Per-item serving status: the reversible `unsafe` and `unavailable` flags an admin sets, next to
 * the block a removal leaves (remove-item.ts), and the one set every serving path filters by.
 * Flags leave the item in the vector index and in every list, so clearing one makes the item
 * servable again on the next request (within KV's edge cache, ≤ 60 s). All three live in one KV
 * record (`catalog:blocked`), so a request pays one KV read for them. The status describes the
 * catalogue, not the index: an item the index does not hold can be flagged too.
 */
import type { BlockedItems } from "../../shared/artifacts/kv-keys";
import { readBlockedItems } from "../store/kv-store";
import { type CatalogStatusChange, readCatalogStatus, updateCatalogStatus } from "./catalog-lists";

/** An item's status as the admin API answers it. */
export interface ItemStatus {
  item_id: string;
  unsafe: boolean;
  available: boolean;
  /** Removed through `DELETE /v1/items/:id` (undone only by adding the item again). */
  blocked: boolean;
}

/** The flags an admin sets; what is left out keeps its value. */
export interface ItemFlags {
  unsafe?: boolean;
  available?: boolean;
}

/** The status of one item, as stored. */
export async function readItemStatus(kv: KVNamespace, itemId: string): Promise<ItemStatus> {
  return statusOf(await readCatalogStatus(kv), itemId);
}

/** Sets an item's flags and answers its new status. */
export async function setItemFlags(kv: KVNamespace, itemId: string, flags: ItemFlags): Promise<ItemStatus> {
  return statusOf(await updateCatalogStatus(kv, itemId, flagChange(flags)), itemId);
}

/** The stored change of `flags` (the API says `available`, the record lists the unavailable). */
export function flagChange(flags: ItemFlags): CatalogStatusChange {
  return {
    ...(flags.unsafe === undefined ? {} : { unsafe: flags.unsafe }),
    ...(flags.available === undefined ? {} : { unavailable: !flags.available }),
  };
}

/**
 * Every item no response may contain: blocked ∪ unsafe ∪ unavailable. Best effort like the other
 * edge reads — empty when KV cannot be read (removed items have left every list anyway).
 */
export async function readUnservableItems(kv: KVNamespace): Promise<Set<string>> {
  try {
    const record = await readBlockedItems(kv);
    return new Set([...(record?.itemIds ?? []), ...(record?.unsafe ?? []), ...(record?.unavailable ?? [])]);
  } catch {
    return new Set();
  }
}

function statusOf(record: BlockedItems, itemId: string): ItemStatus {
  return {
    item_id: itemId,
    unsafe: record.unsafe?.includes(itemId) ?? false,
    available: !(record.unavailable?.includes(itemId) ?? false),
    blocked: record.itemIds.includes(itemId),
  };
}
