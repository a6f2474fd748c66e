/**
 * Erasing a user (right to erasure): everything the edge holds about them, and a tombstone in the
 * event log so the next trained model forgets them too.
 *
 * 1. The tombstone `tombstones/<user_id>.json` {user_id, erased_at} goes to the event log first:
 *    once it is stored, the pipeline's event-log loader and `pipeline purge-erased` drop every event
 *    of the user stamped at or before `erased_at`, even if a later step fails.
 * 2. The trained user record `user:<user_id>` is deleted from KV (vector and history).
 * 3. The user's session Durable Object deletes all its storage and its alarm.
 * 4. The user is taken off the email digest opt-in list (DigestSubscriptions), so no later digest
 *    is built for them (digests already written to R2 under `digests/` age out with the bucket's
 *    lifecycle rule; docs/data-loop.md "Cadence").
 *
 * Every step is idempotent, so a failed erasure is retried by repeating the request. What it does
 * not reach: live trending counts and A/B counters (aggregates without user ids) and artifacts of a
 * training run that started before the tombstone was written (the next run drops the user).
 */
import { releaseKv } from "../releases/release-kv";
import { releaseOf, unscopedKv } from "../releases/serving-release";
import { forgetKvValues } from "../store/kv-store";
import { kvKeys } from "../../shared/artifacts/kv-keys";
import { DIGEST_SUBSCRIPTIONS_NAME } from "../../shared/digests/digest-subscriptions-contract";
import { eventLogSinkFor } from "../event-log/select-event-log-sink";

/** What an erasure did. */
export interface ErasureReceipt {
  user_id: string;
  /** When the erasure was recorded, ISO 8601; events stamped at or before it are forgotten offline. */
  erased_at: string;
  /** Where the tombstone is (event log key). */
  tombstone: string;
  /** The steps done, in order. */
  erased: { tombstone: true; user_record: true; session: true; digest_opt_in: true };
}

/** Which step of an erasure failed (the steps before it are done; repeating the erasure is safe). */
export class ErasureStepError extends Error {
  constructor(
    readonly step: "tombstone" | "user_record" | "session" | "digest_opt_in",
    cause: unknown,
  ) {
    super(`erasure step ${step} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = "ErasureStepError";
  }
}

/**
 * Erases `userId`: tombstone, KV user record, session state, digest opt-in (in that order).
 * @example await eraseUser(env, "u00042") // → { user_id: "u00042", erased_at: "…", tombstone: "tombstones/u00042.json", … }
 */
export async function eraseUser(env: Env, userId: string, now: number = Date.now()): Promise<ErasureReceipt> {
  const tombstone = await eventLogSinkFor(env)
    .writeTombstone({ user_id: userId, erased_at: now })
    .catch((error: unknown) => {
      throw new ErasureStepError("tombstone", error);
    });
  // The user's record in every release a request may still be served from (current, previous,
  // canary), and the unscoped one of a deployment from before releases.
  const release = releaseOf(env);
  const kv = unscopedKv(env);
  const ids = release ? [release.pointer.current, release.pointer.previous, release.pointer.canary?.release] : [];
  const views = [kv, ...[...new Set(ids)].filter((id): id is string => typeof id === "string").map((id) => releaseKv(kv, id))];
  await Promise.all(views.map((view) => view.delete(kvKeys.user(userId)))).catch((error: unknown) => {
    throw new ErasureStepError("user_record", error);
  });
  for (const view of views) forgetKvValues(view, kvKeys.user(userId));
  await env.USER_SESSION.getByName(userId)
    .erase()
    .catch((error: unknown) => {
      throw new ErasureStepError("session", error);
    });
  await env.DIGEST_SUBSCRIPTIONS.getByName(DIGEST_SUBSCRIPTIONS_NAME)
    .optOut([userId])
    .catch((error: unknown) => {
      throw new ErasureStepError("digest_opt_in", error);
    });
  return {
    user_id: userId,
    erased_at: new Date(tombstone.erasedAt).toISOString(),
    tombstone: tombstone.key,
    erased: { tombstone: true, user_record: true, session: true, digest_opt_in: true },
  };
}
