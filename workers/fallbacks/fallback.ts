/**
 * Fallbacks: when a stage of the funnel fails or has nothing to offer, the next best path serves
 * the request and says so. Every fallback taken is listed in the response (`fallbacks`) so clients
 * and dashboards see degraded answers; none of them turns into a 5xx.
 */

/** The funnel stage that could not serve as planned. */
export type FallbackStage = "session" | "user_vector" | "candidates" | "ranker" | "rerank" | "popular";

/** Why each kind of fallback fired. */
export type FallbackReason =
  | "unavailable"
  | "timeout"
  | "unknown_user"
  | "not_published"
  | "rejected"
  | "circuit_open"
  | "empty";

/** One fallback taken while serving a request. */
export interface Fallback {
  stage: FallbackStage;
  reason: FallbackReason;
  /** What served instead. */
  used: string;
  /** Short human-readable detail (error message), for logs and debugging. */
  detail?: string;
}

/** Collects the fallbacks of one request. */
export class FallbackLog {
  readonly entries: Fallback[] = [];

  /** Records a fallback. */
  add(fallback: Fallback): void {
    this.entries.push(fallback);
  }
}

/** A short, safe description of an unknown error for the `detail` field. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 200 ? `${message.slice(0, 197)}...` : message;
}
