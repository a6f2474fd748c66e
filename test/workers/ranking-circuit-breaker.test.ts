/**
 * The circuit breaker's state machine on an injected clock (closed → open after N consecutive
 * failures → half-open after the cool-down, one probe at a time → closed or open again), and the
 * sidecar ranker behind it: an open circuit fails fast with `circuit_open` without calling out.
 */
import { describe, expect, it } from "vitest";
import { FEATURE_SPEC } from "../../shared/features/feature-spec";
import { CircuitBreaker, sharedCircuitBreaker } from "../../workers/ranking/circuit-breaker";
import { withCircuitBreaker } from "../../workers/ranking/circuit-breaker-ranker";
import { RankerError, type Ranker, type RankerErrorReason } from "../../workers/ranking/ranker";

function clock(start = 1_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** A ranker whose next outcome the test sets; counts its calls. */
function scriptedRanker() {
  let outcome: "ok" | RankerErrorReason = "ok";
  const ranker = {
    calls: 0,
    name: "sidecar" as const,
    async rank() {
      ranker.calls++;
      if (outcome !== "ok") throw new RankerError(outcome, `scripted ${outcome}`);
      return { scores: [0.5], modelVersion: "v1" };
    },
    set: (next: typeof outcome) => (outcome = next),
  };
  return ranker;
}

const request = { rows: [[0, 0, 0, 0, 0, 0]], featureSpecHash: FEATURE_SPEC.hash };
const reasonOf = (ranker: Ranker) =>
  ranker.rank(request).then(
    () => "ok",
    (error: RankerError) => error.reason,
  );

describe("CircuitBreaker", () => {
  it("opens after the threshold of consecutive failures and refuses calls until the cool-down passes", () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000, now: time.now });
    for (let i = 0; i < 2; i++) {
      expect(breaker.tryAcquire()).toBe(true);
      breaker.recordFailure();
    }
    expect(breaker.state).toBe("closed");
    breaker.tryAcquire();
    breaker.recordFailure();
    expect(breaker.state).toBe("open");
    expect(breaker.tryAcquire()).toBe(false);
    time.advance(999);
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.retryInMs).toBe(1);
    time.advance(1);
    expect(breaker.state).toBe("half_open");
  });

  it("a success resets the count of consecutive failures", () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, now: clock().now });
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    expect(breaker.state).toBe("closed");
    expect(breaker.consecutiveFailures).toBe(1);
  });

  it("lets one probe through when half-open: success closes, failure reopens for another cool-down", () => {
    const time = clock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 500, now: time.now });
    breaker.recordFailure();
    time.advance(500);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordFailure();
    expect(breaker.state).toBe("open");
    time.advance(499);
    expect(breaker.tryAcquire()).toBe(false);
    time.advance(1);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordSuccess();
    expect(breaker.state).toBe("closed");
    expect(breaker.tryAcquire()).toBe(true);
  });

  it("is shared per key within the isolate", () => {
    expect(sharedCircuitBreaker("test a")).toBe(sharedCircuitBreaker("test a"));
    expect(sharedCircuitBreaker("test a")).not.toBe(sharedCircuitBreaker("test b"));
  });
});

describe("withCircuitBreaker", () => {
  it("skips the wrapped ranker with circuit_open once the circuit is open, and probes it after the cool-down", async () => {
    const time = clock();
    const inner = scriptedRanker();
    const guarded = withCircuitBreaker(inner, new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1000, now: time.now }));
    inner.set("timeout");
    expect(await reasonOf(guarded)).toBe("timeout");
    inner.set("unavailable");
    expect(await reasonOf(guarded)).toBe("unavailable");
    expect(await reasonOf(guarded)).toBe("circuit_open");
    expect(await reasonOf(guarded)).toBe("circuit_open");
    expect(inner.calls).toBe(2);

    time.advance(1000);
    inner.set("ok");
    expect(await reasonOf(guarded)).toBe("ok");
    expect(inner.calls).toBe(3);
    expect(await reasonOf(guarded)).toBe("ok");
  });

  it("does not count a rejected request as a failure: the sidecar answered", async () => {
    const inner = scriptedRanker();
    const guarded = withCircuitBreaker(inner, new CircuitBreaker({ failureThreshold: 1, now: clock().now }));
    inner.set("rejected");
    expect(await reasonOf(guarded)).toBe("rejected");
    expect(await reasonOf(guarded)).toBe("rejected");
    expect(inner.calls).toBe(2);
  });
});
