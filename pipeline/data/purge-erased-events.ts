/**
 * Purges erased users from an event-log folder in place: every NDJSON event file under the folder
 * (an event-log folder's `events.ndjson`, or the bucket's `events/dt=…/hour=…/*.ndjson[.gz]` tree; a
 * `.gz` file is read and rewritten gzip-compressed) is
 * rewritten without the events of users with a tombstone (`tombstones/<user_id>.json`) stamped at
 * or before their `erased_at` (an event of such a user without a `ts` is dropped too: nothing shows
 * it came later); `users.ndjson` loses those users' profile lines. Kept lines are copied byte for
 * byte; a file with nothing to drop is not touched; a rewritten file replaces the old one by rename,
 * so a crash leaves either the old or the new file. Tombstones stay, so later loads and purges
 * still honour them.
 */
import { createReadStream, createWriteStream } from "node:fs";
import type { Readable, Writable } from "node:stream";
import { createGunzip, createGzip } from "node:zlib";
import { once } from "node:events";
import { readdir, rename, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { createInterface } from "node:readline";
import { isErasedEvent } from "../../shared/events/erasure-tombstone";
import { EVENT_LOG_FILES } from "./event-log-folder";
import { readErasureTombstones } from "./read-erasure-tombstones";

/** What a purge found and changed. */
export interface PurgeErasedReport {
  /** Users with a tombstone. */
  tombstones: number;
  /** NDJSON files read (relative to the folder, sorted). */
  filesScanned: number;
  /** Files rewritten, with the lines dropped from each. */
  rewritten: { file: string; dropped: number }[];
  /** Event lines dropped. */
  eventsDropped: number;
  /** Profile lines dropped from `users.ndjson`. */
  profilesDropped: number;
  /** Lines that are not JSON objects with a `user_id`, kept as they are. */
  unreadableLinesKept: number;
}

/** Rewrites `folder`'s NDJSON files without what its tombstones erase; returns the counts. */
export async function purgeErasedEvents(folder: string): Promise<PurgeErasedReport> {
  const erasedAt = await readErasureTombstones(folder);
  const files = await ndjsonFiles(folder);
  const report: PurgeErasedReport = {
    tombstones: erasedAt.size,
    filesScanned: files.length,
    rewritten: [],
    eventsDropped: 0,
    profilesDropped: 0,
    unreadableLinesKept: 0,
  };
  if (erasedAt.size === 0) return report;
  for (const file of files) {
    const isProfiles = file.split("/").pop() === EVENT_LOG_FILES.users;
    const result = await rewriteWithout(join(folder, file), (record) =>
      isProfiles
        ? erasedAt.has(record.user_id)
        : isErasedEvent(erasedAt, record.user_id, typeof record.ts === "number" ? record.ts : undefined),
    );
    report.unreadableLinesKept += result.unreadable;
    if (result.dropped === 0) continue;
    report.rewritten.push({ file, dropped: result.dropped });
    if (isProfiles) report.profilesDropped += result.dropped;
    else report.eventsDropped += result.dropped;
  }
  return report;
}

type Keyed = { user_id: string; ts?: unknown };

/** Copies `path` without the lines `drop` selects, replacing it only when something was dropped. */
async function rewriteWithout(path: string, drop: (record: Keyed) => boolean): Promise<{ dropped: number; unreadable: number }> {
  const temporary = `${path}.purge-tmp`;
  const gzip = path.endsWith(".gz");
  const file = createWriteStream(temporary);
  // A .gz file is read through gunzip and written through gzip; `finish` of the file means all is on disk.
  const out: Writable = gzip ? createGzip() : file;
  if (gzip) out.pipe(file);
  const failed = Promise.race([once(out, "error"), once(file, "error")]).then(([error]) => {
    throw error;
  });
  let dropped = 0;
  let unreadable = 0;
  try {
    const raw: Readable = createReadStream(path);
    const input = gzip ? raw.pipe(createGunzip()) : raw;
    input.setEncoding("utf8");
    const lines = createInterface({ input, crlfDelay: Infinity });
    for await (const text of lines) {
      const record = parseKeyed(text);
      if (record === null) {
        if (text.trim().length > 0) unreadable++;
      } else if (drop(record)) {
        dropped++;
        continue;
      }
      if (!out.write(`${text}\n`)) await Promise.race([once(out, "drain"), failed]);
    }
    out.end();
    await Promise.race([once(file, "finish"), failed]);
  } catch (error) {
    out.destroy();
    file.destroy();
    await rm(temporary, { force: true });
    throw error;
  }
  if (dropped === 0) await rm(temporary, { force: true });
  else await rename(temporary, path);
  return { dropped, unreadable };
}

function parseKeyed(text: string): Keyed | null {
  if (text.trim().length === 0) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && typeof (value as Keyed).user_id === "string" ? (value as Keyed) : null;
  } catch {
    return null;
  }
}

/** Every `*.ndjson` and `*.ndjson.gz` under `root` except the catalogue, relative and sorted. */
async function ndjsonFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter(
      (entry) =>
        entry.isFile() && (entry.name.endsWith(".ndjson") || entry.name.endsWith(".ndjson.gz")) && entry.name !== EVENT_LOG_FILES.items,
    )
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split("\\").join("/"))
    .sort();
}
