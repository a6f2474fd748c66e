/**
 * Reads the erasure tombstones of an event-log folder: `<folder>/tombstones/<user_id>.json`, the
 * same relative path the edge writes in the event-log bucket (workers/event-log/). Each holds
 * `{user_id, erased_at}` (shared/events/erasure-tombstone.ts); every event of that user stamped at
 * or before `erased_at` must be forgotten by training.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { TOMBSTONE_PREFIX, erasureTombstoneSchema } from "../../shared/events/erasure-tombstone";
import type { LoadIssueLog } from "./load-issue-log";

/**
 * The erasures recorded in `folder`: user id → latest `erased_at` (ms). A folder without a
 * `tombstones/` directory has none; an unreadable or invalid tombstone is recorded in `issues`.
 */
export async function readErasureTombstones(folder: string, issues?: LoadIssueLog): Promise<Map<string, number>> {
  const directory = join(folder, TOMBSTONE_PREFIX);
  const names = await readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return [] as string[];
    throw error;
  });
  const erasedAt = new Map<string, number>();
  for (const name of names.filter((file) => file.endsWith(".json")).sort()) {
    const file = `${TOMBSTONE_PREFIX}/${name}`;
    let json: unknown;
    try {
      json = JSON.parse(await readFile(join(directory, name), "utf8"));
    } catch (error) {
      issues?.record(file, 1, `invalid JSON (${(error as Error).message})`);
      continue;
    }
    const parsed = erasureTombstoneSchema.safeParse(json);
    if (!parsed.success) {
      issues?.record(file, 1, `not an erasure tombstone: ${parsed.error.issues[0]?.message ?? "invalid"}`);
      continue;
    }
    const { user_id: userId, erased_at: at } = parsed.data;
    erasedAt.set(userId, Math.max(at, erasedAt.get(userId) ?? at));
  }
  return erasedAt;
}
