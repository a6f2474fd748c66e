/**
 * Where the nightly email digests live in R2 (the EVENT_LOG bucket, beside `events/`): one folder
 * per night (the UTC date the run started), one write-once NDJSON object per batch of users, and a
 * manifest once every opted-in user has been served:
 *
 *   digests/dt=2026-06-01/00001.ndjson   one line per user: {user_id, request_id, arms, items, fallbacks}
 *   digests/dt=2026-06-01/00002.ndjson
 *   digests/dt=2026-06-01/manifest.json  {date, batches, users, digests, failed, started_at, finished_at}
 *
 * The Worker's scheduled job writes this layout (workers/scheduled/email-digests.ts); an email
 * sender reads it (R2 API, or `GET /v1/admin/event-log?prefix=digests/dt=…/`), so both take names
 * from here.
 */

/** Key prefix of the digest objects. */
export const DIGESTS_PREFIX = "digests";

/** The night a run belongs to: the UTC date (YYYY-MM-DD) of a time in ms since epoch. */
export function digestDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The key of batch `batch` (1, 2, …) of the night `date`: `digests/dt=<date>/<batch, 5 digits>.ndjson`. */
export function digestBatchKey(date: string, batch: number): string {
  return `${DIGESTS_PREFIX}/dt=${date}/${String(batch).padStart(5, "0")}.ndjson`;
}

/** The key of the manifest written when the night `date` has served every opted-in user. */
export function digestManifestKey(date: string): string {
  return `${DIGESTS_PREFIX}/dt=${date}/manifest.json`;
}
