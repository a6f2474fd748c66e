/**
 * Assembles what `UserSession.inspect()` answers (the admin view, `GET /v1/users/:id/state`) from
 * the rows and counts the object stores, with arms and affinity decayed to now.
 */
import { type AffinityRow, type ArmRow, affinityAt, armsAt } from "./decayed-evidence";
import { seedVector } from "./seed-vector";
import type { CachedSessionVector, RecentInteraction, SessionState, UserProfile } from "./session-contract";

/** What the object read for an inspection. */
export interface StoredInspection {
  profile: UserProfile | null;
  counts: SessionState["counts"];
  arms: ArmRow[];
  affinity: AffinityRow[];
  sessionVector: CachedSessionVector | null;
  recent: RecentInteraction[];
  lastActivity: number | null;
}

/** Read-time inputs of an inspection. */
export interface InspectionContext {
  now: number;
  /** USER_RETENTION_DAYS in ms. */
  retentionMs: number;
  alarm: number | null;
  segmentVectors?: Record<string, number[]>;
}

/** The admin view of `stored`. */
export function assembleState(stored: StoredInspection, context: InspectionContext): SessionState {
  const { lastActivity, profile } = stored;
  return {
    profile,
    counts: stored.counts,
    affinity: affinityAt(stored.affinity, context.now),
    arms: armsAt(stored.arms, context.now),
    sessionVector: stored.sessionVector,
    seedVector: seedVector(profile?.demographics, context.segmentVectors),
    retention: {
      lastActivity,
      deleteAfter: lastActivity === null ? null : lastActivity + context.retentionMs,
      alarm: context.alarm,
    },
    recent: stored.recent,
  };
}

/** The state of an object that holds nothing. */
export function emptyState(alarm: number | null): SessionState {
  return {
    profile: null,
    counts: { events: 0, pendingEvents: 0, items: 0, hidden: 0, exposures: 0, cachedVectors: 0, eventIds: 0 },
    affinity: {},
    arms: [],
    sessionVector: null,
    seedVector: null,
    retention: { lastActivity: null, deleteAfter: null, alarm },
    recent: [],
  };
}
