/**
 * The UserSession object's RPC contract: what the Worker sends it (events, exposures, snapshot
 * options) and what it answers (append results, snapshots, the admin view of the state). Both
 * sides import these types from here, so the Worker never imports the object's module.
 */
import type { BetaArm } from "../bandits/beta-arm";
import type { EventWeights } from "../events/event-weight";
import type { EventType, InteractionEvent } from "../events/interaction-event";
import type { Demographics } from "../realtime/demographic-segments";
import type { SessionVector } from "../realtime/session-vector";

/** An event as accepted by the edge: `ts` is always set. */
export type SessionEvent = InteractionEvent & { ts: number };

/** Options of `UserSession.appendEvents`. */
export interface AppendOptions {
  /**
   * The weight table of the release serving this user (its manifest's `eventWeights`, the canary's
   * for its share of users), so the session weighs events as that release was trained: item rows,
   * category affinity, arm credit, trending credit and, through the item rows, the fold-in's
   * confidences. Absent: DEFAULT_EVENT_WEIGHTS (shared/events/event-weight.ts).
   */
  eventWeights?: EventWeights;
}

/** Result of appending a batch of events. */
export interface AppendResult {
  /** event_ids stored now. */
  accepted: string[];
  /** event_ids already stored before (replays, within the retention window); they change nothing. */
  duplicates: string[];
  /**
   * Accepted events that may add to live trending, with the weight to add: this user's strongest
   * positive event per item per TRENDING_USER_WINDOW_HOURS (shared/events/trending-credit.ts).
   */
  trending: TrendingCredit[];
  /**
   * Accepted clicks and conversions that echo a `request_id` which served that item to this user
   * (an item of that response's `exposures` row), at most one click and one conversion per served
   * item: the only events the live A/B counters may credit.
   */
  attributed: string[];
}

/** One accepted event's contribution to live trending. */
export interface TrendingCredit {
  eventId: string;
  /** Weight to add (> 0; the difference to what this user already counted for the item in the window). */
  weight: number;
}

/** One recent interaction. */
export interface RecentInteraction {
  itemId: string;
  type: EventType;
  ts: number;
  value: number | null;
}

/** The user vector folded in from the session, as cached by the object. */
export interface CachedSessionVector extends SessionVector {
  /** Model version of the item vectors (and Gram matrix) it was computed from. */
  modelVersion: string;
  computedAt: number;
  /** Items (and preferred categories) it was computed from. */
  items: number;
}

/** What the edge reads from the session for one recommendation request. */
export interface SessionSnapshot {
  /** Most recent interactions, newest first (impressions excluded). */
  recent: RecentInteraction[];
  /** Items the user interacted with (positively or not), newest first. */
  seen: string[];
  /** Items the user hid or marked not interested: never shown again. */
  hidden: string[];
  /** Number of stored non-impression events. */
  interactionCount: number;
  /** Fresh user vector from the session (fold-in), null without positive signals. */
  sessionVector?: CachedSessionVector | null;
  /** Starting vector from onboarding demographics (mean of the segments' trained users), if any. */
  seedVector?: number[] | null;
  /** Bandit arms, decayed to now. */
  arms?: BetaArm[];
  /** Category affinity (decayed Σ event weight), decayed to now; negative = disliked. */
  affinity?: Record<string, number>;
  /** Categories the user picked at onboarding. */
  preferredCategories?: string[];
  /** Demographics the user gave at onboarding (feature spec inputs). */
  demographics?: Demographics;
  /** Items already served to the user, newest first (only when asked for with `shownLimit`). */
  shown?: string[];
}

/** Options of `UserSession.snapshot`. */
export interface SnapshotOptions {
  recentLimit?: number;
  seenLimit?: number;
  /** Also return up to this many distinct items already served to the user (for digests); 0 = none. */
  shownLimit?: number;
}

/** One served item, recorded so later events on it can be credited to its category and source. */
export interface Exposure {
  itemId: string;
  position: number;
  /** The candidate source that served it (`ann`, `trending`, `exploration`, …). */
  source: string;
  category?: string;
  /** For exploration picks: which exploration source filled the slot (`trending`, `fresh`). */
  explorationSource?: string;
}

/** Onboarding input. */
export interface UserPreferences {
  categories: string[];
  demographics?: Demographics;
}

/** The stored profile. */
export interface UserProfile extends UserPreferences {
  updatedAt: number;
}

/** Everything the object holds, for `GET /v1/users/:id/state` (admin). */
export interface SessionState {
  profile: UserProfile | null;
  counts: {
    events: number;
    pendingEvents: number;
    items: number;
    hidden: number;
    exposures: number;
    cachedVectors: number;
    eventIds: number;
  };
  affinity: Record<string, number>;
  arms: (BetaArm & { updatedAt: number })[];
  sessionVector: CachedSessionVector | null;
  seedVector: number[] | null;
  retention: { lastActivity: number | null; deleteAfter: number | null; alarm: number | null };
  recent: RecentInteraction[];
}
