/**
 * What one response served, packed into one `exposures` row (UserSession schema v5): a JSON array
 * of `[item_id, source, category, exploration_source]` in position order (position = index). One
 * row per response instead of one per item: a recommendation writes one row (two B-trees: the table
 * and its request-id key) instead of ~10 rows in two B-trees each, and the user's file holds a
 * tenth of the rows.
 */
import type { Exposure } from "./session-contract";

/** One served item as packed: `[item_id, source, category | null, exploration_source | null]`. */
export type PackedServedItem = [itemId: string, source: string, category: string | null, explorationSource: string | null];

/** The response's items, packed for the `items` column. */
export function packServedItems(items: readonly Exposure[]): string {
  const ordered = [...items].sort((a, b) => a.position - b.position);
  return JSON.stringify(
    ordered.map((item): PackedServedItem => [item.itemId, item.source, item.category ?? null, item.explorationSource ?? null]),
  );
}

/** The packed items of a row (an unreadable value reads as nothing served). */
export function unpackServedItems(text: string): PackedServedItem[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value)
      ? (value.filter((entry) => Array.isArray(entry) && typeof entry[0] === "string") as PackedServedItem[])
      : [];
  } catch {
    return [];
  }
}

/** The category and exploration source `itemId` was served under in a packed row, or undefined. */
export function servedItem(text: string, itemId: string): { category: string | null; exploration_source: string | null } | undefined {
  const found = unpackServedItems(text).find((entry) => entry[0] === itemId);
  return found ? { category: found[2] ?? null, exploration_source: found[3] ?? null } : undefined;
}

/**
 * Distinct served item ids, newest first, from the packed `items` of rows given newest response
 * first: an item counts where it was last served, items of one response in position order; reads
 * rows only until `limit` items are found.
 * @example newestServed([{ items: `[["d","ann",null,null],["a","ann",null,null]]` }, { items: `[["a","ann",null,null],["b","ann",null,null]]` }], 10) // → ["d", "a", "b"]
 */
export function newestServed(rowsNewestFirst: Iterable<{ items: string }>, limit: number): string[] {
  const shown = new Set<string>();
  if (limit <= 0) return [];
  for (const row of rowsNewestFirst) {
    for (const [itemId] of unpackServedItems(row.items)) {
      shown.add(itemId);
      if (shown.size >= limit) return [...shown];
    }
  }
  return [...shown];
}

/**
 * The oldest rows to drop so the newest hold at most `bound` items: given rows newest first as
 * `{id, n}`, the largest id to delete (every row with id ≤ it goes), or null when all fit.
 * @example pruneCutoff([{ id: 3, n: 10 }, { id: 2, n: 10 }, { id: 1, n: 10 }], 20) // → 1
 */
export function pruneCutoff(rowsNewestFirst: readonly { id: number; n: number }[], bound: number): number | null {
  let kept = 0;
  for (const row of rowsNewestFirst) {
    if (kept + row.n > bound) return row.id;
    kept += row.n;
  }
  return null;
}
