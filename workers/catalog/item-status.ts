/**
 * Per-item serving status: the reversible `unsafe` and `unavailable` flags an admin sets, next to
 * the block a removal leaves (remove-item.ts), and the one set every serving path filters by.
 * Flags leave the item in the vector index and in every list, so clearing one makes the item
 * servable again on the next request (within KV's edge cache, ≤ 60 s). The CatalogState object
 * (durable-objects/catalog-state.ts) holds them and takes every change, one at a time, and
 * publishes all three to one KV record (`catalog:blocked`), so a request pays one KV read for
 * them. The status describes the catalogue, not the index: an item the index does not hold can be
 * flagged too.
 */
import type { CatalogChange } from "../../shared/catalog/apply-catalog-change";
import type { ItemStatus } from "../../shared/catalog/catalog-snapshot";
import { kvKeys } from "../../shared/artifacts/kv-keys";
import { cached } from "../store/isolate-cache";
import { derivedKey, ISOLATE_TTL_MS, readBlockedItems } from "../store/kv-store";
import { catalogStateFor, writtenOrThrow } from "./catalog-state-client";

export type { ItemStatus } from "../../shared/catalog/catalog-snapshot";

/** The flags an admin sets; what is left out keeps its value. */
export interface ItemFlags {
  unsafe?: boolean;
  available?: boolean;
}

/** The status of one item, from the CatalogState object (the source of truth, not KV's copy). */
export async function readItemStatus(env: Env, itemId: string): Promise<ItemStatus> {
  return catalogStateFor(env).status(itemId);
}

/**
 * Sets an item's flags and answers its new status once KV holds it; 409 `flag_list_full` past a
 * flag's bound, 503 `catalog_publish_failed` when the flags are stored but KV refused the record
 * (retried by the object).
 */
export async function setItemFlags(env: Env, itemId: string, flags: ItemFlags): Promise<ItemStatus> {
  return writtenOrThrow(env, await catalogStateFor(env).setFlags(itemId, flagChange(flags)));
}

/** The stored change of `flags` (the API says `available`, the record lists the unavailable). */
export function flagChange(flags: ItemFlags): Pick<CatalogChange, "unsafe" | "unavailable"> {
  return {
    ...(flags.unsafe === undefined ? {} : { unsafe: flags.unsafe }),
    ...(flags.available === undefined ? {} : { unavailable: !flags.available }),
  };
}

/**
 * Every item no response may contain: blocked ∪ unsafe ∪ unavailable, in one KV read, kept as one
 * set in the isolate as long as the record itself (kv-store.ts; read-only: callers copy it). Best
 * effort like the other edge reads — empty (and not kept) when KV cannot be read (removed items
 * have left every list anyway).
 */
export async function readUnservableItems(kv: KVNamespace): Promise<ReadonlySet<string>> {
  try {
    return await cached(kv, derivedKey(kvKeys.blockedItems), ISOLATE_TTL_MS.catalog, async () => {
      const record = await readBlockedItems(kv);
      return new Set([...(record?.itemIds ?? []), ...(record?.unsafe ?? []), ...(record?.unavailable ?? [])]);
    });
  } catch {
    return new Set();
  }
}
