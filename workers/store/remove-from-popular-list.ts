/**
 * Takes an item out of a popular list in KV (`popular:all`, `popular:cat:<category>`) when it is
 * removed from the catalogue. A read–modify–write: the CatalogState object runs these one at a
 * time, so two removals never undo each other. The pipeline replaces the lists wholesale on its
 * own schedule; should a new list still name a removed item, the block filters it.
 */
import type { PopularList } from "../../shared/artifacts/kv-keys";

/** Removes `itemId` from the popular list stored under `key`; true when it was there. */
export async function removeFromPopularList(kv: KVNamespace, key: string, itemId: string): Promise<boolean> {
  const list = await kv.get<PopularList>(key, "json");
  if (!list?.items.some((entry) => entry.itemId === itemId)) return false;
  await kv.put(key, JSON.stringify({ ...list, items: list.items.filter((entry) => entry.itemId !== itemId) } satisfies PopularList));
  return true;
}
