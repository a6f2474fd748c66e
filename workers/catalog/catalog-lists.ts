/**
 * The catalogue lists the Worker keeps in KV itself: fresh items (added through the admin API,
 * newest first) and the items no response may contain — blocked (removed; never served again)
 * and flagged unsafe or unavailable (reversible), one KV record. Admin writes are rare, so they
 * are read–modify–write; two admins writing the same list at the same instant may lose one update
 * (KV is last-write-wins) — the vector index, the source of truth for what can be retrieved, is
 * unaffected, and `GET /v1/items/:id/status` shows which flags were kept.
 */
import { type BlockedItems, kvKeys, type PopularItem, type PopularList } from "../../shared/artifacts/kv-keys";
import { ApiError } from "../errors/api-error";

/** Bounds of the lists; `flaggedItems` bounds each flag (unsafe, unavailable) on its own. */
export const CATALOG_LIST_LIMITS = { freshItems: 200, blockedItems: 10_000, flaggedItems: 10_000 } as const;

/** Adds (or moves to the front) an item in the fresh list. */
export async function addFreshItem(kv: KVNamespace, item: PopularItem): Promise<void> {
  const list = (await kv.get<PopularList>(kvKeys.freshItems, "json")) ?? { generatedAt: "", items: [] };
  const items = [item, ...list.items.filter((entry) => entry.itemId !== item.itemId)].slice(0, CATALOG_LIST_LIMITS.freshItems);
  await kv.put(kvKeys.freshItems, JSON.stringify({ generatedAt: new Date().toISOString(), items } satisfies PopularList));
}

/** Removes an item from the fresh list; true when it was there. */
export async function removeFreshItem(kv: KVNamespace, itemId: string): Promise<boolean> {
  return removeFromList(kv, kvKeys.freshItems, itemId);
}

/** Removes an item from the popular list stored under `key`; true when it was there. */
export async function removeFromList(kv: KVNamespace, key: string, itemId: string): Promise<boolean> {
  const list = await kv.get<PopularList>(key, "json");
  if (!list || !list.items.some((entry) => entry.itemId === itemId)) return false;
  await kv.put(key, JSON.stringify({ ...list, items: list.items.filter((entry) => entry.itemId !== itemId) } satisfies PopularList));
  return true;
}

/** A change of one item's catalogue status; what is left out keeps its value. */
export interface CatalogStatusChange {
  blocked?: boolean;
  unsafe?: boolean;
  unavailable?: boolean;
}

/** The blocked and flagged items as stored, read past the edge cache (an admin write reads its own writes). */
export async function readCatalogStatus(kv: KVNamespace): Promise<BlockedItems> {
  return (await kv.get<BlockedItems>(kvKeys.blockedItems, "json")) ?? { updatedAt: "", itemIds: [] };
}

/**
 * Applies `change` to one item and returns the record as written. The blocked list drops its
 * oldest entries past its bound (the index no longer holds them); a flag list past its bound
 * refuses the flag (409), since a dropped flag would serve a flagged item again.
 */
export async function updateCatalogStatus(kv: KVNamespace, itemId: string, change: CatalogStatusChange): Promise<BlockedItems> {
  const { itemIds, unsafe = [], unavailable = [] } = await readCatalogStatus(kv);
  const next: BlockedItems = {
    updatedAt: new Date().toISOString(),
    itemIds: newestOf(withMembership(itemIds, itemId, change.blocked), CATALOG_LIST_LIMITS.blockedItems),
    unsafe: boundedFlagList("unsafe", withMembership(unsafe, itemId, change.unsafe)),
    unavailable: boundedFlagList("unavailable", withMembership(unavailable, itemId, change.unavailable)),
  };
  if (next.itemIds === itemIds && next.unsafe === unsafe && next.unavailable === unavailable) return next;
  await kv.put(kvKeys.blockedItems, JSON.stringify(next));
  return next;
}

/** `list` with `itemId` added (newest last) or removed; the same array when membership does not change. */
function withMembership(list: string[], itemId: string, member: boolean | undefined): string[] {
  if (member === undefined || list.includes(itemId) === member) return list;
  return member ? [...list, itemId] : list.filter((id) => id !== itemId);
}

/** The newest `limit` entries of `list`; the same array when it is within the bound. */
function newestOf(list: string[], limit: number): string[] {
  return list.length > limit ? list.slice(-limit) : list;
}

/** `list` of a flag; 409 past its bound. */
function boundedFlagList(flag: "unsafe" | "unavailable", list: string[]): string[] {
  if (list.length > CATALOG_LIST_LIMITS.flaggedItems) {
    throw new ApiError(409, "flag_list_full", `${CATALOG_LIST_LIMITS.flaggedItems} items are flagged ${flag} already; clear flags or remove items (DELETE) first`);
  }
  return list;
}
