/**
 * A circuit breaker for a remote dependency (the ranking sidecar): after `failureThreshold`
 * consecutive failures it opens and callers skip the dependency at once, instead of each waiting
 * for its timeout; after `cooldownMs` it lets one probe through (half-open): a success closes it,
 * a failure opens it for another cool-down.
 *
 * State lives in isolate memory (module scope, see {@link sharedCircuitBreaker}): each Worker
 * isolate learns on its own that the sidecar is down, within `failureThreshold` requests, and a
 * fresh isolate starts closed. That is deliberate — no storage round trip on the hot path — and
 * enough, because an isolate serves many requests in a row.
 */

/** Where the breaker is. */
export type CircuitState = "closed" | "open" | "half_open";

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long the circuit stays open before a probe is let through, in ms (default 10 000). */
  cooldownMs?: number;
  /** Millisecond clock (default `Date.now`; tests pass their own). */
  now?: () => number;
}

/** Defaults of {@link CircuitBreakerOptions}. */
export const CIRCUIT_BREAKER_DEFAULTS = { failureThreshold: 5, cooldownMs: 10_000 } as const;

/**
 * The breaker's state machine. Callers ask {@link CircuitBreaker.tryAcquire} before each call
 * and report its outcome with {@link CircuitBreaker.recordSuccess} / {@link CircuitBreaker.recordFailure}.
 *
 * @example
 * const breaker = new CircuitBreaker({ failureThreshold: 5, cooldownMs: 10_000 });
 * if (!breaker.tryAcquire()) throw new RankerError("circuit_open", "…");
 * try { const result = await call(); breaker.recordSuccess(); return result; }
 * catch (error) { breaker.recordFailure(); throw error; }
 */
export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  readonly #now: () => number;
  #state: CircuitState = "closed";
  #failures = 0;
  #openedAt = 0;
  #probing = false;

  constructor(options: CircuitBreakerOptions = {}) {
    const { failureThreshold, cooldownMs, now } = { ...CIRCUIT_BREAKER_DEFAULTS, now: () => Date.now(), ...options };
    this.failureThreshold = failureThreshold;
    this.cooldownMs = cooldownMs;
    this.#now = now;
  }

  /** The current state (an open circuit whose cool-down has passed reads as half-open). */
  get state(): CircuitState {
    if (this.#state === "open" && this.#now() - this.#openedAt >= this.cooldownMs) return "half_open";
    return this.#state;
  }

  /** Consecutive failures counted since the last success. */
  get consecutiveFailures(): number {
    return this.#failures;
  }

  /** Milliseconds until an open circuit lets a probe through (0 when not open). */
  get retryInMs(): number {
    return this.#state === "open" ? Math.max(0, this.#openedAt + this.cooldownMs - this.#now()) : 0;
  }

  /**
   * May a call go through now? Always when closed; never while open; when half-open, exactly one
   * caller (the probe) gets `true` until it reports its outcome.
   */
  tryAcquire(): boolean {
    switch (this.state) {
      case "closed":
        return true;
      case "open":
        return false;
      case "half_open":
        if (this.#probing) return false;
        this.#state = "half_open";
        this.#probing = true;
        return true;
    }
  }

  /** The dependency answered (even to refuse the input): the circuit closes and the failure count resets. */
  recordSuccess(): void {
    this.#state = "closed";
    this.#failures = 0;
    this.#probing = false;
  }

  /** The call failed: a failed probe, or the threshold-th consecutive failure, opens the circuit. */
  recordFailure(): void {
    this.#failures++;
    if (this.#probing || this.#state === "half_open" || this.#failures >= this.failureThreshold) {
      this.#state = "open";
      this.#openedAt = this.#now();
    }
    this.#probing = false;
  }
}

const isolateBreakers = new Map<string, CircuitBreaker>();

/**
 * The breaker for `key` in this isolate, created on first use with `options` (later calls with
 * the same key get the same breaker, so its state survives across requests).
 */
export function sharedCircuitBreaker(key: string, options: CircuitBreakerOptions = {}): CircuitBreaker {
  let breaker = isolateBreakers.get(key);
  if (!breaker) {
    breaker = new CircuitBreaker(options);
    isolateBreakers.set(key, breaker);
  }
  return breaker;
}
