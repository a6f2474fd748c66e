/**
 * Assembles what `UserSession.snapshot()` answers from the rows the object stores. The stored
 * parts ({@link StoredSession}) are what the object memoises between writes; everything that
 * decays with time (arms, affinity) or depends on the fold-in model in memory (the seed vector) is
 * computed here, at read time, from them.
 */
import { type AffinityRow, type ArmRow, affinityAt, armsAt } from "./decayed-evidence";
import { seedVector } from "./seed-vector";
import type { CachedSessionVector, RecentInteraction, SessionSnapshot, UserProfile } from "./session-contract";

/** The stored parts of a snapshot, as read from the object's tables. */
export interface StoredSession {
  /** Items with an interaction, newest first (up to the asked `seenLimit`). */
  seen: string[];
  hidden: string[];
  interactionCount: number;
  /** Newest non-impression events first (up to the asked `recentLimit`). */
  recent: RecentInteraction[];
  profile: UserProfile | null;
  sessionVector: CachedSessionVector | null;
  /** `bandit_arms` rows, by arm name. */
  arms: ArmRow[];
  /** `category_affinity` rows, by category. */
  affinity: AffinityRow[];
}

/** Read-time inputs of a snapshot. */
export interface SnapshotContext {
  now: number;
  /** The fold-in model's segment vectors, when a model is loaded (seed vector). */
  segmentVectors?: Record<string, number[]>;
  /** Items already served, newest first, when the caller asked for them. */
  shown?: string[];
}

/** The snapshot of `stored`, with arms and affinity decayed to `context.now`. */
export function assembleSnapshot(stored: StoredSession, context: SnapshotContext): SessionSnapshot {
  const { profile } = stored;
  return {
    recent: stored.recent,
    seen: stored.seen,
    hidden: stored.hidden,
    interactionCount: stored.interactionCount,
    sessionVector: stored.sessionVector,
    seedVector: seedVector(profile?.demographics, context.segmentVectors),
    arms: armsAt(stored.arms, context.now).map(({ arm, successes, trials }) => ({ arm, successes, trials })),
    affinity: affinityAt(stored.affinity, context.now),
    preferredCategories: profile?.categories ?? [],
    ...(profile?.demographics ? { demographics: profile.demographics } : {}),
    ...(context.shown ? { shown: context.shown } : {}),
  };
}

/** The snapshot of a user the object holds nothing about (`shown` present when asked for). */
export function emptySnapshot(shownLimit: number): SessionSnapshot {
  return {
    recent: [],
    seen: [],
    hidden: [],
    interactionCount: 0,
    sessionVector: null,
    seedVector: null,
    arms: [],
    affinity: {},
    preferredCategories: [],
    ...(shownLimit > 0 ? { shown: [] } : {}),
  };
}
