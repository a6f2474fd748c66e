/**
 * Which release a request is served from (shared/artifacts/release.ts). The pointer is read once per
 * request (kept in the isolate for ISOLATE_TTL_MS.release, so a flip reaches a busy isolate within
 * that bound) and the request's env is replaced by one that sees only that release: its KV records
 * (release-kv.ts), its vector index (services.ts) and its model version at the sidecar. So no answer
 * mixes two releases, whenever the pointer moves.
 */
import { RELEASE_KV_KEYS, type ReleasePointer, releaseForUser, releasePointerSchema } from "../../shared/artifacts/release";
import { cached, ISOLATE_TTL_MS_RELEASE } from "../store/isolate-cache";
import { releaseKv } from "./release-kv";

/** The release one request is served from. */
export interface ServingRelease {
  /** The release id (its model version). */
  id: string;
  /** The pointer it was picked from. */
  pointer: ReleasePointer;
  /** True when the user falls in the canary's share. */
  canary: boolean;
}

/** The release pointer, or null when none is published (the Worker then reads unscoped keys). Invalid values count as none. */
export function readReleasePointer(kv: KVNamespace): Promise<ReleasePointer | null> {
  return cached(kv, RELEASE_KV_KEYS.pointer, ISOLATE_TTL_MS_RELEASE, async () => {
    const value = await kv.get(RELEASE_KV_KEYS.pointer, "json");
    if (value === null) return null;
    const parsed = releasePointerSchema.safeParse(value);
    return parsed.success ? parsed.data : null;
  });
}

const releases = new WeakMap<object, { release: ServingRelease; kv: KVNamespace }>();

/** `env` as seen by `release`: its KV view, and the release remembered for {@link releaseOf}. */
export function withRelease(env: Env, release: ServingRelease): Env {
  const scoped = { ...env, KV: releaseKv(env.KV, release.id) } as Env;
  releases.set(scoped, { release, kv: env.KV });
  return scoped;
}

/**
 * `env` as `userId`'s release sees it (the canary's for its share of users, else the current one),
 * or `env` itself while no release is published or the pointer cannot be read. The one way the
 * Worker's requests and the UserSession objects pick their release.
 */
export async function envForUser(env: Env, userId: string | undefined): Promise<Env> {
  const pointer = await readReleasePointer(env.KV).catch(() => null);
  if (!pointer) return env;
  const id = releaseForUser(pointer, userId);
  return withRelease(env, { id, pointer, canary: id !== pointer.current });
}

/**
 * The KV view of `userId`'s release (the canary's for its share, else the current one), whichever
 * release `env` itself sees — for a request that carries many users' data (a batch of events) —
 * or the unscoped binding while no release is published or the pointer cannot be read.
 */
export async function kvForUser(env: Env, userId: string): Promise<KVNamespace> {
  const kv = unscopedKv(env);
  const pointer = await readReleasePointer(kv).catch(() => null);
  return pointer ? releaseKv(kv, releaseForUser(pointer, userId)) : kv;
}

/** The KV binding of `env` as no release sees it (for work across releases: erasure, the release routes). */
export function unscopedKv(env: Env): KVNamespace {
  return releases.get(env)?.kv ?? env.KV;
}

/** The release an env made by {@link withRelease} serves, or null (no release published). */
export function releaseOf(env: Env): ServingRelease | null {
  return releases.get(env)?.release ?? null;
}
