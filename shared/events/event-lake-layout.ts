/**
 * Where events live in the event lake (the R2 event log): Hive-style partitions by the UTC date
 * and hour the edge received them, write-once objects of NDJSON lines (one `InteractionEvent` each,
 * `ts` filled in), optionally gzip-compressed, and erasure tombstones beside them:
 *
 *   events/dt=2026-01-31/hour=17/1769878800123-<uuid>.ndjson[.gz]
 *   tombstones/<user_id>.json
 *   dead-letter/dt=2026-01-31/hour=17/1769878800123-<uuid>.json   (queue messages nobody could read)
 *
 * The Worker writes this layout (workers/event-log/) and the pipeline reads it (pipeline/data/),
 * so both take names from here.
 */

/** Key prefix of the event objects. */
export const EVENTS_PREFIX = "events";

/** Key prefix of the queue messages the consumer could not read (the dead-letter queue's archive). */
export const DEAD_LETTER_PREFIX = "dead-letter";

/** How an event object's body is stored. */
export type LakeCompression = "gzip" | "none";

/** File name ending of an event object stored with `compression`. */
export function lakeObjectSuffix(compression: LakeCompression): string {
  return compression === "gzip" ? ".ndjson.gz" : ".ndjson";
}

/** The partition (`dt=YYYY-MM-DD/hour=HH`) of a time in ms since epoch, in UTC. */
export function lakePartition(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
}

/**
 * The key of an object received at `receivedAt` and named `objectId` (made by the server, never
 * derived from client input): `<prefix>/dt=…/hour=…/<receivedAt>-<objectId><suffix>`.
 */
export function lakeObjectKey(receivedAt: number, objectId: string, prefix: string, suffix: string): string {
  return `${prefix}/${lakePartition(receivedAt)}/${receivedAt}-${objectId}${suffix}`;
}

/** What an event object's key says: its partition start (ms, UTC hour) and whether it is gzip. */
export interface LakeObjectName {
  /** Start of the partition's hour, ms since epoch. */
  hourStart: number;
  compression: LakeCompression;
}

const OBJECT_KEY = /(?:^|\/)dt=(\d{4})-(\d{2})-(\d{2})\/hour=(\d{2})\/[^/]+\.ndjson(\.gz)?$/;

/** Parses an event object's key; `undefined` for keys that are not event objects. */
export function parseLakeObjectKey(key: string): LakeObjectName | undefined {
  const match = OBJECT_KEY.exec(key);
  if (!match) return undefined;
  const [, year, month, day, hour, gz] = match;
  const hourStart = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour));
  if (!Number.isFinite(hourStart)) return undefined;
  return { hourStart, compression: gz ? "gzip" : "none" };
}
