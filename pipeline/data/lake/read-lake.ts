/**
 * Reads events and erasure tombstones from the event lake (shared/events/event-lake-layout.ts):
 * every object under `events/` (gzip or plain NDJSON, told by its name and checked by its magic
 * bytes; a compacted hour's `events.parquet`, compacted-lake-layout.ts, which its source serves as
 * NDJSON), each line validated with the shared event schema; invalid lines and objects are recorded
 * in the load's issue log with their key and line and skipped. Repeats (at-least-once delivery)
 * are left for the caller to drop by (`user_id`, `event_id`).
 */
import { gunzipSync } from "node:zlib";
import { erasureTombstoneSchema, TOMBSTONE_PREFIX } from "../../../shared/events/erasure-tombstone";
import { EVENTS_PREFIX, parseLakeObjectKey } from "../../../shared/events/event-lake-layout";
import { type InteractionEvent, interactionEventSchema } from "../../../shared/events/interaction-event";
import type { LoadIssueLog } from "../load-issue-log";
import { parseCompactedEventKey } from "./compacted-lake-layout";
import type { LakeSource } from "./lake-source";

/** Options of {@link readLakeEvents}. */
export interface ReadLakeOptions {
  /** Only partitions whose hour ends after this time (ms since epoch); default: all. */
  since?: number;
  /** Only partitions whose hour starts before this time (ms since epoch); default: all. */
  until?: number;
}

/** One logged event and where it was found. */
export interface LakeEvent {
  event: InteractionEvent & { ts: number };
  key: string;
  line: number;
}

const HOUR_MS = 3_600_000;

/** Start of the partition hour (ms, UTC) of an event object's key; `undefined` for other keys. */
export function lakeKeyHourStart(key: string): number | undefined {
  return (parseLakeObjectKey(key) ?? parseCompactedEventKey(key))?.hourStart;
}

/** The event objects' keys (sorted: partitions in time order), optionally only some partitions. */
export async function lakeEventKeys(source: LakeSource, options: ReadLakeOptions = {}): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of source.list(`${EVENTS_PREFIX}/`)) {
    const hourStart = lakeKeyHourStart(key);
    if (hourStart === undefined) continue;
    if (options.since !== undefined && hourStart + HOUR_MS <= options.since) continue;
    if (options.until !== undefined && hourStart >= options.until) continue;
    keys.push(key);
  }
  return keys.sort();
}

/** Yields every valid event of the lake's event objects. */
export async function* readLakeEvents(source: LakeSource, issues: LoadIssueLog, options: ReadLakeOptions = {}): AsyncGenerator<LakeEvent> {
  for (const key of await lakeEventKeys(source, options)) yield* readLakeObject(source, key, issues);
}

/** Yields the valid events of one event object, in line order. */
export async function* readLakeObject(source: LakeSource, key: string, issues: LoadIssueLog): AsyncGenerator<LakeEvent> {
  let text: string;
  try {
    text = decode(await source.read(key));
  } catch (error) {
    issues.record(key, 1, `unreadable object (${(error as Error).message})`);
    return;
  }
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      issues.record(key, i + 1, `invalid JSON (${(error as Error).message})`);
      continue;
    }
    const parsed = interactionEventSchema.safeParse(json);
    if (!parsed.success) {
      issues.record(key, i + 1, parsed.error.issues[0]?.message ?? "not an event");
      continue;
    }
    if (parsed.data.ts === undefined) {
      issues.record(key, i + 1, "missing ts");
      continue;
    }
    yield { event: { ...parsed.data, ts: parsed.data.ts }, key, line: i + 1 };
  }
}

/** The lake's erasure tombstones: user id → latest `erased_at` (ms). */
export async function readLakeTombstones(source: LakeSource, issues: LoadIssueLog): Promise<Map<string, number>> {
  const erasedAt = new Map<string, number>();
  for await (const key of source.list(`${TOMBSTONE_PREFIX}/`)) {
    if (!key.endsWith(".json")) continue;
    let json: unknown;
    try {
      json = JSON.parse(decode(await source.read(key)));
    } catch (error) {
      issues.record(key, 1, `unreadable tombstone (${(error as Error).message})`);
      continue;
    }
    const parsed = erasureTombstoneSchema.safeParse(json);
    if (!parsed.success) {
      issues.record(key, 1, `not an erasure tombstone: ${parsed.error.issues[0]?.message ?? "invalid"}`);
      continue;
    }
    const { user_id: userId, erased_at: at } = parsed.data;
    erasedAt.set(userId, Math.max(at, erasedAt.get(userId) ?? at));
  }
  return erasedAt;
}

/** UTF-8 text of an object, gunzipped when it starts with gzip's magic bytes; a Parquet file (magic `PAR1`) is refused. */
function decode(bytes: Uint8Array): string {
  const gzip = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  if (new TextDecoder().decode(bytes.subarray(0, 4)) === "PAR1") {
    throw new Error("a Parquet file served as stored: read compacted folders through parquetLakeSource");
  }
  return new TextDecoder().decode(gzip ? gunzipSync(bytes) : bytes);
}
