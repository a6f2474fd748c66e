/**
 * How a randomised response is recognised in the event log. The event schema has no flag for it
 * (`context` is strict: surface and device), but `request_id` is free text, so a response whose
 * order was shuffled uniformly at random (an exploration response: the logging policy's order is
 * ignored) carries a request id that starts with {@link EXPLORATION_REQUEST_PREFIX}. The demo
 * generator writes them; an edge that randomises a share of its lists would tag them the same way.
 * Propensity estimation (`position-propensity.ts`) reads positions from these responses only.
 */

/** Prefix of the request id of a randomised response. */
export const EXPLORATION_REQUEST_PREFIX = "explore:";

/** The request id of a randomised response built from an ordinary one. */
export function explorationRequestId(requestId: string): string {
  return `${EXPLORATION_REQUEST_PREFIX}${requestId}`;
}

/** Whether `requestId` names a randomised response. */
export function isExplorationRequest(requestId: string | undefined): boolean {
  return requestId?.startsWith(EXPLORATION_REQUEST_PREFIX) === true;
}
