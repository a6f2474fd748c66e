/**
 * The user-vector stage of the funnel: the trained `UserRecord` from KV (vector, training history,
 * activity) and the vector ANN runs on — the trained vector (or, for a new user, the onboarding
 * seed) blended with the session's fold-in vector by the session's evidence
 * (shared/realtime/blend-user-vector.ts). A record that cannot be read is one fallback,
 * `user_vector / unavailable`, whatever serves next (the session's vector, else the lists) — never
 * also reported as an unknown user.
 */
import type { UserRecord } from "../../shared/artifacts/kv-keys";
import { type BlendUserVectorOptions, blendUserVector } from "../../shared/realtime/blend-user-vector";
import type { SessionVectorMethod } from "../../shared/realtime/session-vector";
import type { SessionSnapshot } from "../../shared/session/session-contract";
import type { FallbackLog } from "../fallbacks/fallback-log";
import { readUserRecord } from "../store/kv-store";

/** Where the user vector of a response came from. */
export interface UserVectorInfo {
  /** `trained` (KV), `session` (fold-in only), `blended` (both), `seed` (onboarding demographics, maybe blended), or null. */
  source: "trained" | "session" | "blended" | "seed" | null;
  /** β, the session's share of the blended vector. */
  session_share: number;
  /** How the session vector was computed, when there was one. */
  fold_in?: SessionVectorMethod;
}

/** The user's trained record, or null; `unavailable` when KV could not be read (not the same as unknown). */
export interface TrainedUser {
  record: UserRecord | null;
  unavailable: boolean;
  error?: unknown;
}

/** The user's vector for this request. */
export interface UserVector {
  vector: number[] | null;
  info: UserVectorInfo;
  /** True when the trained record could not be read (already recorded as a fallback). */
  recordUnavailable: boolean;
}

/** Reads the user's trained record from KV; a failure is returned, not thrown (see {@link userVectorFor}). */
export async function readTrainedUser(kv: KVNamespace, userId: string): Promise<TrainedUser> {
  try {
    return { record: await readUserRecord(kv, userId), unavailable: false };
  } catch (error) {
    return { record: null, unavailable: true, error };
  }
}

/**
 * The vector ANN runs on. When the record could not be read, records one `user_vector /
 * unavailable` fallback: `session_vector` when the session still gives a vector, else `popular`.
 */
export function userVectorFor(
  trained: TrainedUser,
  session: SessionSnapshot,
  options: Partial<BlendUserVectorOptions> | undefined,
  fallbacks: FallbackLog,
): UserVector {
  const userRecord = trained.record;
  const seed = session.seedVector ?? null;
  const prior = userRecord?.vector ?? seed;
  const fresh = session.sessionVector ?? null;
  const blended = blendUserVector(prior, fresh ? { vector: fresh.vector, strength: fresh.strength } : null, options);
  const priorSource = userRecord ? "trained" : seed ? "seed" : null;
  const source: UserVectorInfo["source"] =
    blended.vector === null
      ? null
      : blended.sessionShare === 0
        ? priorSource
        : blended.sessionShare === 1
          ? "session"
          : priorSource === "seed"
            ? "seed"
            : "blended";
  if (trained.unavailable) {
    fallbacks.add({ stage: "user_vector", reason: "unavailable", used: blended.vector ? "session_vector" : "popular" }, trained.error);
  }
  return {
    vector: blended.vector,
    info: { source, session_share: round(blended.sessionShare), ...(fresh ? { fold_in: fresh.method } : {}) },
    recordUnavailable: trained.unavailable,
  };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
