/**
 * Releases: a versioned, immutable set of published artifacts (KV records, item vectors, rankers,
 * fold-in model, content encoder, evaluation report, feature-spec hash), and one pointer naming the
 * release that serves. Shared by the publisher (pipeline/release/) and the Worker (workers/releases/).
 *
 * KV layout (the Worker's KV namespace):
 * - `release:pointer` → {@link ReleasePointer}: the current release, the one before it (what a
 *   rollback returns to) and an optional canary serving a share of users;
 * - `release:registry` → {@link ReleaseRegistry}: every published release still kept;
 * - `rel/<id>/<key>` for every release-scoped key of kv-keys.ts (`manifest`, `popular:*`, `user:*`,
 *   `model:*`, `ranker:*`): a release's records never overwrite another's.
 *
 * A request reads the pointer once and serves every part of its answer from that one release: its
 * KV records, its vector index (the embedded index named {@link embeddedIndexName}) and its ranker
 * (the sidecar is asked for that model version). Without a pointer the Worker reads the unscoped
 * keys, as before releases (tests that seed KV directly, an older deployment).
 */
import { z } from "zod";
import { fnv1a, fnv1aHex } from "../math/fnv1a";

/** A release id: the model version the pipeline stamped (`als-20261206T140546Z-db667769`). */
export const releaseIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._-]+$/, "release ids may contain letters, digits and . _ -");

/** The pointer: which release serves, which served before, and a canary. */
export const releasePointerSchema = z.object({
  current: releaseIdSchema,
  /** The release `current` replaced: what `release rollback` returns to. */
  previous: releaseIdSchema.nullable(),
  /** A release serving `share` of users (by a hash of the user id), before it is promoted or dropped. */
  canary: z.object({ release: releaseIdSchema, share: z.number().gt(0).lt(1) }).nullable(),
  /**
   * With Vectorize: the slot (the binding name of one of VECTORIZE_SLOTS' indexes) holding each
   * release the pointer names — so one read tells a request both its release and where its vectors
   * are. Empty with the embedded index (one named index per release) and before slots existed.
   */
  vector_slots: z.record(z.string(), z.string()).default({}),
  updated_at: z.string(),
});

/** The release pointer. */
export type ReleasePointer = z.infer<typeof releasePointerSchema>;

/** What the registry records of one release (from its manifest). */
export const releaseRecordSchema = z.object({
  id: releaseIdSchema,
  created_at: z.string(),
  published_at: z.string(),
  dataset: z.string(),
  retrieval_model: z.string(),
  feature_spec_hash: z.string(),
  dimensions: z.number().int().positive(),
  counts: z.object({ items: z.number().int(), users: z.number().int(), interactions: z.number().int() }),
  metrics: z.record(z.string(), z.number()).default({}),
  /** With Vectorize: the slot its vectors were uploaded to (see {@link VectorSlotLedger}); null with the embedded index. */
  vector_slot: z.string().nullable().default(null),
});

/** One registered release. */
export type ReleaseRecord = z.infer<typeof releaseRecordSchema>;

/** Every release still kept, newest published last. */
export const releaseRegistrySchema = z.object({ releases: z.array(releaseRecordSchema) });

/** The release registry. */
export type ReleaseRegistry = z.infer<typeof releaseRegistrySchema>;

/** KV keys of the pointer and the registry (never release-scoped). */
export const RELEASE_KV_KEYS = { pointer: "release:pointer", registry: "release:registry", vectorSlots: "release:vector-slots" } as const;

/** Prefixes of the KV keys a release owns (kv-keys.ts): the manifest, lists, user records, models, rankers. */
const RELEASE_SCOPED = ["popular:", "user:", "model:", "ranker:"] as const;

/** True when `key` (an unscoped kv-keys.ts key) belongs to a release. */
export function isReleaseScopedKey(key: string): boolean {
  return key === "manifest" || RELEASE_SCOPED.some((prefix) => key.startsWith(prefix));
}

/** Where release `id` keeps `key`: `rel/<id>/<key>` for release-scoped keys, `key` itself otherwise. */
export function releaseKey(id: string, key: string): string {
  return isReleaseScopedKey(key) ? `rel/${id}/${key}` : key;
}

/** The KV key prefix of everything release `id` owns. */
export function releaseKeyPrefix(id: string): string {
  return `rel/${id}/`;
}

/**
 * Which release each Vectorize slot holds. A Vectorize index is one per binding and its vector ids
 * are the index's own (not a namespace's), so two releases cannot share one index without
 * overwriting each other's item vectors; each release therefore gets a whole index — a slot — for
 * as long as it may serve (current, previous: the rollback target, canary), and its vectors carry
 * the release id as their namespace, so what an earlier occupant left behind is never matched.
 */
export const vectorSlotLedgerSchema = z.object({
  slots: z.record(
    z.string(),
    z.object({
      release: releaseIdSchema,
      claimed_at: z.string(),
      /** Set once the publisher has uploaded every vector (`PUT /v1/admin/index/version`). */
      complete: z.boolean(),
    }),
  ),
});

/** The slot ledger (KV `release:vector-slots`). */
export type VectorSlotLedger = z.infer<typeof vectorSlotLedgerSchema>;

/** The releases the pointer may serve (current, previous, canary): their slots are never reclaimed. */
export function liveReleases(pointer: ReleasePointer | null): Set<string> {
  const live = new Set<string>();
  if (!pointer) return live;
  live.add(pointer.current);
  if (pointer.previous) live.add(pointer.previous);
  if (pointer.canary) live.add(pointer.canary.release);
  return live;
}

/** Where a release's vectors go: its slot, and the release it displaces there (null when the slot was free). */
export interface VectorSlotClaim {
  slot: string;
  displaced: string | null;
}

/**
 * The slot for release `id` among `slots` (binding names, in order): the one it already holds, else
 * a slot never used, else the one claimed longest ago whose release the pointer cannot serve.
 * Null when every slot holds a live release (add a slot, or stop the canary, before publishing).
 */
export function pickVectorSlot(
  id: string,
  slots: readonly string[],
  ledger: VectorSlotLedger,
  pointer: ReleasePointer | null,
): VectorSlotClaim | null {
  const held = slots.find((slot) => ledger.slots[slot]?.release === id);
  if (held) return { slot: held, displaced: null };
  const unused = slots.find((slot) => ledger.slots[slot] === undefined);
  if (unused) return { slot: unused, displaced: null };
  const live = liveReleases(pointer);
  const reclaimable = slots
    .filter((slot) => !live.has(ledger.slots[slot]!.release))
    .sort((a, b) => ledger.slots[a]!.claimed_at.localeCompare(ledger.slots[b]!.claimed_at));
  const slot = reclaimable[0];
  return slot === undefined ? null : { slot, displaced: ledger.slots[slot]!.release };
}

/** The slot holding release `id`'s complete vectors, or null (never uploaded, or displaced since). */
export function completeSlotOf(id: string, ledger: VectorSlotLedger): string | null {
  for (const [slot, occupant] of Object.entries(ledger.slots)) if (occupant.release === id && occupant.complete) return slot;
  return null;
}

/** Name of the embedded vector index (EmbeddedVectorIndex object) holding release `id`'s item vectors. */
export function embeddedIndexName(id: string): string {
  return `items@${id}`;
}

/** The release `userId` is served from under `pointer`: the canary for its share of users, else the current one. */
export function releaseForUser(pointer: ReleasePointer, userId: string | undefined): string {
  const { canary } = pointer;
  if (!canary || userId === undefined) return pointer.current;
  return fnv1a(`canary:${canary.release}:${userId}`) / 0x1_0000_0000 < canary.share ? canary.release : pointer.current;
}

/**
 * The canary as an A/B experiment: its id (one per canary release, so each canary starts with fresh
 * counters) and the arm of `userId` — `canary` or `control` (the current release). The edge records
 * served responses, clicks and conversions under it like any configured experiment, and
 * `GET /v1/admin/releases/canary` reports it.
 */
export function canaryExperimentId(release: string): string {
  return `canary-${fnv1aHex(release)}`;
}

/** `{[canary experiment id]: "canary" | "control"}` for `userId`, or `{}` when no canary runs. */
export function canaryArms(pointer: ReleasePointer | null, userId: string): Record<string, string> {
  if (!pointer?.canary) return {};
  return {
    [canaryExperimentId(pointer.canary.release)]: releaseForUser(pointer, userId) === pointer.canary.release ? "canary" : "control",
  };
}
