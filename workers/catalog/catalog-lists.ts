/**
 * The catalogue lists the Worker keeps in KV itself: fresh items (added through the admin API,
 * newest first) and blocked items (removed; never served again). Admin writes are rare, so they
 * are read–modify–write; two admins writing the same list at the same instant may lose one update
 * (KV is last-write-wins) — the vector index, the source of truth for what can be retrieved, is
 * unaffected.
 */
import { type BlockedItems, kvKeys, type PopularItem, type PopularList } from "../../shared/artifacts/kv-keys";

/** Bounds of the lists. */
export const CATALOG_LIST_LIMITS = { freshItems: 200, blockedItems: 10_000 } as const;

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

/** Marks an item blocked (or unblocked). */
export async function setBlocked(kv: KVNamespace, itemId: string, blocked: boolean): Promise<void> {
  const current = (await kv.get<BlockedItems>(kvKeys.blockedItems, "json")) ?? { updatedAt: "", itemIds: [] };
  const has = current.itemIds.includes(itemId);
  if (has === blocked) return;
  const itemIds = blocked ? [...current.itemIds, itemId].slice(-CATALOG_LIST_LIMITS.blockedItems) : current.itemIds.filter((id) => id !== itemId);
  await kv.put(kvKeys.blockedItems, JSON.stringify({ updatedAt: new Date().toISOString(), itemIds } satisfies BlockedItems));
}
