/**
 * Item → category for the experiment report's diversity column, from an event-log folder's
 * `items.ndjson` (one CatalogItemRecord per line; category defaults to the first genre) or an
 * artifacts folder's `items.json` (an array of `{id, category}`).
 */
import { readFile } from "node:fs/promises";
import { catalogItemRecordSchema } from "../data/event-log-folder";
import { LoadIssueLog } from "../data/load-issue-log";
import { readNdjson } from "../data/read-ndjson";

/** Reads the categories of the items in `path` (`.ndjson` or `.json`); items without one are left out. */
export async function loadItemCategories(path: string): Promise<Map<string, string>> {
  const categories = new Map<string, string>();
  if (path.endsWith(".ndjson")) {
    for await (const { value } of readNdjson(path, catalogItemRecordSchema, new LoadIssueLog())) {
      const category = value.category ?? value.genres?.[0];
      if (category) categories.set(value.item_id, category);
    }
    return categories;
  }
  const raw: unknown = JSON.parse(await readFile(path, "utf8"));
  if (!Array.isArray(raw)) throw new Error(`${path}: expected a JSON array of items`);
  for (const entry of raw as { id?: unknown; item_id?: unknown; category?: unknown; genres?: unknown }[]) {
    const id = typeof entry.id === "string" ? entry.id : typeof entry.item_id === "string" ? entry.item_id : undefined;
    const category = typeof entry.category === "string" ? entry.category : Array.isArray(entry.genres) ? entry.genres[0] : undefined;
    if (id !== undefined && typeof category === "string") categories.set(id, category);
  }
  return categories;
}
