/**
 * Where `pipeline compact` puts the event lake's Parquet copy: one file per UTC hour partition of
 * the lake, Hive-style, beside the erasure tombstones it applied:
 *
 *   events/dt=2026-01-31/hour=17/events.parquet
 *   tombstones/<user_id>.json
 *
 * The partitions are the lake's own (the hour the edge received the events,
 * shared/events/event-lake-layout.ts), so a closed hour's file never changes unless the lake does.
 */
import { EVENTS_PREFIX, lakePartition } from "../../../shared/events/event-lake-layout";

/** File name of a compacted partition. */
export const COMPACTED_FILE_NAME = "events.parquet";

/** The key of the compacted file of the partition starting at `hourStart` (ms, UTC hour). */
export function compactedEventKey(hourStart: number): string {
  return `${EVENTS_PREFIX}/${lakePartition(hourStart)}/${COMPACTED_FILE_NAME}`;
}

const COMPACTED_KEY = /(?:^|\/)dt=(\d{4})-(\d{2})-(\d{2})\/hour=(\d{2})\/events\.parquet$/;

/** Start of the hour (ms, UTC) of a compacted file's key; `undefined` for other keys. */
export function parseCompactedEventKey(key: string): { hourStart: number } | undefined {
  const match = COMPACTED_KEY.exec(key);
  if (!match) return undefined;
  const [, year, month, day, hour] = match;
  const hourStart = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour));
  return Number.isFinite(hourStart) ? { hourStart } : undefined;
}
