import { type Clock, systemClock } from '../clock.ts';

/**
 * Stops calling an exchange that keeps failing: after `failureThreshold` consecutive failures the circuit opens and
 * calls fail at once (no waiting for timeouts while the exchange is down, no pile-up of requests against it). After
 * `coolDownMs` one trial call goes through (half-open): success closes the circuit, failure opens it for another
 * cool-down.
 */
export type CircuitState = 'closed' | 'open' | 'half_open';

export type CircuitBreaker = {
  /** Whether a call may go out now. In half-open only one trial call is let through at a time. */
  tryAcquire(): boolean;
  /** Every acquired call ends with exactly one of these. */
  recordSuccess(): void;
  recordFailure(): void;
  state(): CircuitState;
};

export type CircuitBreakerOptions = { failureThreshold?: number; coolDownMs?: number; clock?: Clock };

export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  const failureThreshold = options.failureThreshold ?? 5;
  const coolDownMs = options.coolDownMs ?? 30_000;
  const clock = options.clock ?? systemClock;
  let state: CircuitState = 'closed';
  let consecutiveFailures = 0;
  let openedAt = 0;
  let trialInFlight = false;

  return {
    tryAcquire() {
      if (state === 'closed') return true;
      if (state === 'open') {
        if (clock.now().getTime() - openedAt < coolDownMs) return false;
        state = 'half_open';
      }
      if (trialInFlight) return false;
      trialInFlight = true;
      return true;
    },
    recordSuccess() {
      state = 'closed';
      consecutiveFailures = 0;
      trialInFlight = false;
    },
    recordFailure() {
      trialInFlight = false;
      consecutiveFailures += 1;
      if (state === 'half_open' || consecutiveFailures >= failureThreshold) {
        state = 'open';
        openedAt = clock.now().getTime();
      }
    },
    state: () => state,
  };
}
