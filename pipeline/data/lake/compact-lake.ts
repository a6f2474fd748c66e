/**
 * Compacts the event lake into Parquet (`pipeline compact`): each UTC hour partition of the lake
 * (all of them, or those of the days asked for) becomes one Parquet file (event-parquet.ts) at
 * `<out>/events/dt=…/hour=…/events.parquet` (compacted-lake-layout.ts) holding the partition's events
 * as training sees them — read and validated by the lake reader (read-lake.ts), repeats dropped by
 * (`user_id`, `event_id`) keeping the first (partitions in time order, objects in key order), events
 * covered by an erasure tombstone dropped. The tombstones are copied to `<out>/tombstones/` so that
 * reading the compacted folder honours them too. Every file is replaced atomically, so re-running
 * rewrites the same files and a reader never sees half of one.
 */
import { join } from "node:path";
import { writeFile } from "node:fs/promises";
import { isErasedEvent, tombstoneKey } from "../../../shared/events/erasure-tombstone";
import { eventKey } from "../../../shared/events/event-key";
import { lakePartition } from "../../../shared/events/event-lake-layout";
import { LoadIssueLog } from "../load-issue-log";
import { compactedEventKey } from "./compacted-lake-layout";
import { EventParquet, type StampedEvent } from "./event-parquet";
import type { LakeSource } from "./lake-source";
import { lakeEventKeys, lakeKeyHourStart, readLakeObject, readLakeTombstones } from "./read-lake";
import { replaceFile } from "./replace-file";

/** Options of {@link compactLake}. */
export interface CompactLakeOptions {
  /** Folder the Parquet layout is written to. */
  out: string;
  /** First UTC day to compact, `YYYY-MM-DD` (default: the lake's first). */
  from?: string;
  /** Last UTC day to compact, `YYYY-MM-DD`, inclusive (default: the lake's last). */
  to?: string;
  /** The current time (ms), to tell hours that may still receive events. */
  now: number;
  /** Called as each partition's file is written. */
  onPartition?: (partition: CompactedPartition) => void;
}

/** What one partition's file holds and what was left out of it. */
export interface CompactedPartition {
  /** `dt=YYYY-MM-DD/hour=HH`. */
  partition: string;
  /** The file written, relative to `out`. */
  key: string;
  /** Lake objects read. */
  objects: number;
  /** Rows written. */
  events: number;
  /** Events dropped as repeats of an event already written (same `user_id` and `event_id`). */
  repeats: number;
  /** Events dropped because a tombstone erases them. */
  erased: number;
  /** True when the hour ended less than {@link LATE_WRITE_MS} ago: the lake may still get events for it. */
  open: boolean;
}

/** What a compaction did. */
export interface CompactLakeReport {
  partitions: CompactedPartition[];
  /** Totals over the partitions. */
  events: number;
  repeats: number;
  erased: number;
  /** Erased users whose tombstones were applied (and copied to `<out>/tombstones/`). */
  tombstones: number;
  /** Unreadable objects and invalid lines, skipped. */
  issues: LoadIssueLog;
}

/**
 * How long after its hour ends a partition may still get objects: the queue consumer writes a
 * batch after its wait (≤ 5 s) and retries a failed write for about a minute (docs/data-loop.md).
 */
export const LATE_WRITE_MS = 15 * 60_000;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Start (ms) of a UTC day written `YYYY-MM-DD`; `undefined` when it is not one. */
export function utcDayStart(day: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const start = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(start) && new Date(start).toISOString().startsWith(day) ? start : undefined;
}

/** Writes the Parquet copy of `source`'s partitions in range; returns what each file holds. */
export async function compactLake(source: LakeSource, options: CompactLakeOptions): Promise<CompactLakeReport> {
  const since = options.from === undefined ? undefined : dayStart(options.from, "from");
  const until = options.to === undefined ? undefined : dayStart(options.to, "to") + DAY_MS;
  if (since !== undefined && until !== undefined && since >= until) throw new Error(`--from ${options.from} is after --to ${options.to}`);
  const issues = new LoadIssueLog();
  const erasedAt = await readLakeTombstones(source, issues);
  const partitions = new Map<number, string[]>();
  for (const key of await lakeEventKeys(source, { ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) })) {
    const hourStart = lakeKeyHourStart(key)!;
    const keys = partitions.get(hourStart);
    if (keys) keys.push(key);
    else partitions.set(hourStart, [key]);
  }
  const report: CompactLakeReport = { partitions: [], events: 0, repeats: 0, erased: 0, tombstones: erasedAt.size, issues };
  const seen = new Set<string>();
  const parquet = await EventParquet.open();
  try {
    for (const [hourStart, keys] of partitions) {
      const rows: StampedEvent[] = [];
      let repeats = 0;
      let erased = 0;
      for (const key of keys) {
        for await (const { event } of readLakeObject(source, key, issues)) {
          if (isErasedEvent(erasedAt, event.user_id, event.ts)) {
            erased++;
            continue;
          }
          const id = eventKey(event);
          if (seen.has(id)) {
            repeats++;
            continue;
          }
          seen.add(id);
          rows.push(event);
        }
      }
      const key = compactedEventKey(hourStart);
      await parquet.write(join(options.out, ...key.split("/")), rows);
      const partition: CompactedPartition = {
        partition: lakePartition(hourStart),
        key,
        objects: keys.length,
        events: rows.length,
        repeats,
        erased,
        open: hourStart + HOUR_MS + LATE_WRITE_MS > options.now,
      };
      report.partitions.push(partition);
      report.events += rows.length;
      report.repeats += repeats;
      report.erased += erased;
      options.onPartition?.(partition);
    }
  } finally {
    parquet.close();
  }
  for (const [userId, at] of erasedAt) {
    const tombstone = `${JSON.stringify({ user_id: userId, erased_at: at })}\n`;
    await replaceFile(join(options.out, ...tombstoneKey(userId).split("/")), (temporary) => writeFile(temporary, tombstone));
  }
  return report;
}

function dayStart(day: string, option: "from" | "to"): number {
  const start = utcDayStart(day);
  if (start === undefined) throw new Error(`--${option} ${day}: expected a UTC day, YYYY-MM-DD`);
  return start;
}
