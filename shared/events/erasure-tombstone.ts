/**
 * The erasure tombstone: what `DELETE /v1/users/:id` leaves in the event log (`tombstones/<user>.json`
 * beside `events/`) so the offline pipeline forgets the user. Every event of the user stamped at or
 * before `erased_at` is dropped by the event-log loader and by `pipeline purge-erased`; events the
 * same user id posts afterwards are a new history and are kept.
 */
import { z } from "zod";
import { idSchema } from "./interaction-event";

/** Folder (key prefix) of the tombstones, beside `events/`. */
export const TOMBSTONE_PREFIX = "tombstones";

/** Schema of one tombstone file. */
export const erasureTombstoneSchema = z.object({
  user_id: idSchema,
  /** When the erasure was requested, ms since epoch; events with `ts` ≤ this are forgotten. */
  erased_at: z.number().int().nonnegative(),
});

/** One tombstone. */
export type ErasureTombstone = z.infer<typeof erasureTombstoneSchema>;

/** Key (relative path) of `userId`'s tombstone: `tombstones/<user_id>.json`. */
export function tombstoneKey(userId: string, prefix: string = TOMBSTONE_PREFIX): string {
  return `${prefix}/${userId}.json`;
}

/** True when an event of `userId` stamped `ts` is covered by an erasure in `erasedAt` (user → ms). */
export function isErasedEvent(erasedAt: ReadonlyMap<string, number>, userId: string, ts: number | undefined): boolean {
  const at = erasedAt.get(userId);
  if (at === undefined) return false;
  return ts === undefined || ts <= at;
}
