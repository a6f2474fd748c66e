/**
 * The fallbacks of one request: when a stage of the funnel fails or has nothing to offer, the next
 * best path serves and the stage adds one entry here, which the response lists in `fallbacks` so
 * clients and dashboards see degraded answers. Only the rungs of the one ladder
 * (shared/fallbacks/fallback-ladder.ts) can be added.
 */
import { errorMessage } from "../../shared/errors/error-message";
import type { Fallback, FallbackRung } from "../../shared/fallbacks/fallback-ladder";

/** Longest `detail`, in characters. */
const MAX_DETAIL_LENGTH = 200;

/** Collects the fallbacks of one request, in the order they were taken. */
export class FallbackLog {
  readonly entries: Fallback[] = [];

  /**
   * Records that `rung` was taken; `cause` (the error, or a sentence) becomes its `detail`.
   *
   * @example
   * fallbacks.add({ stage: "session", reason: "timeout", used: "stateless_request" }, error);
   */
  add(rung: FallbackRung, cause?: unknown): void {
    this.entries.push(cause === undefined ? { ...rung } : { ...rung, detail: errorMessage(cause, MAX_DETAIL_LENGTH) });
  }
}
