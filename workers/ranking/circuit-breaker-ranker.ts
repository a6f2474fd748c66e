/**
 * Wraps a remote ranker (the sidecar) in a {@link CircuitBreaker}: while the circuit is open the
 * ranker fails at once with `RankerError("circuit_open")`, so the funnel moves on to the light
 * ranker without waiting for a timeout. Timeouts and unavailability count as failures; a
 * `rejected` answer (the sidecar is up but refused the input) does not.
 */
import type { CircuitBreaker } from "./circuit-breaker";
import { RankerError, type Ranker } from "./ranker";

/**
 * `ranker`, guarded by `breaker`.
 *
 * @example
 * const sidecar = withCircuitBreaker(createSidecarRanker({ baseUrl }), sharedCircuitBreaker(`sidecar:${baseUrl}`));
 */
export function withCircuitBreaker(ranker: Ranker, breaker: CircuitBreaker): Ranker {
  return {
    name: ranker.name,
    async rank(request) {
      if (!breaker.tryAcquire()) {
        throw new RankerError(
          "circuit_open",
          `${ranker.name} skipped: circuit open after ${breaker.consecutiveFailures} consecutive failures; next probe in ${Math.ceil(breaker.retryInMs)} ms`,
        );
      }
      try {
        const result = await ranker.rank(request);
        breaker.recordSuccess();
        return result;
      } catch (error) {
        if (error instanceof RankerError && error.reason === "rejected") breaker.recordSuccess();
        else breaker.recordFailure();
        throw error;
      }
    },
  };
}
