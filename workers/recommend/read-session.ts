/**
 * The session stage of the funnel: the user's UserSession snapshot (recent interactions, seen and
 * hidden items, the fold-in vector, bandit arms, category affinity) within a deadline. When the
 * object fails or is slow the request goes on stateless — an empty session — and says so
 * (`session / unavailable·timeout / stateless_request`).
 */
import type { SessionSnapshot, SnapshotOptions } from "../../shared/session/session-contract";
import type { FallbackLog } from "../fallbacks/fallback-log";
import { TimeoutError, withTimeout } from "./with-timeout";

/** The session of a user nothing is known about in this request. */
export const EMPTY_SESSION: SessionSnapshot = { recent: [], seen: [], hidden: [], interactionCount: 0 };

/** Default deadline of the session read, in milliseconds. */
export const SESSION_TIMEOUT_MS = 200;

/** Options of {@link readSessionOrEmpty}. */
export interface ReadSessionOptions {
  read: (userId: string, options?: SnapshotOptions) => Promise<SessionSnapshot>;
  /** Deadline in milliseconds (default {@link SESSION_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** What to read beyond the default (digests ask for what was already shown). */
  snapshot?: SnapshotOptions;
  fallbacks: FallbackLog;
}

/** The user's session, or {@link EMPTY_SESSION} (and a fallback) when it cannot be read in time. */
export async function readSessionOrEmpty(userId: string, options: ReadSessionOptions): Promise<SessionSnapshot> {
  const { read, timeoutMs, snapshot, fallbacks } = { timeoutMs: SESSION_TIMEOUT_MS, ...options };
  try {
    return await withTimeout(read(userId, snapshot), timeoutMs, "user session");
  } catch (error) {
    fallbacks.add(
      { stage: "session", reason: error instanceof TimeoutError ? "timeout" : "unavailable", used: "stateless_request" },
      error,
    );
    return EMPTY_SESSION;
  }
}
