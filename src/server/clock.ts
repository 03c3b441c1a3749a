/**
 * Time as a dependency: services that depend on "now" (SLA timers, escalation, snooze, follow-ups) take a Clock so
 * tests can move time forward without sleeping.
 */
export type Clock = { now(): Date };

export const systemClock: Clock = { now: () => new Date() };

/** A clock the test controls: starts where told and moves only when advanced. */
export function createManualClock(start: Date | string = '2026-01-05T02:00:00Z') {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance(ms: number) {
      current += ms;
    },
    set(to: Date | string) {
      current = new Date(to).getTime();
    },
  };
}
