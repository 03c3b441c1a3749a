import type { SlaPolicy } from '../../contracts/sla.ts';
import type { SurgeReason } from '../../contracts/surge.ts';

/**
 * When surge mode turns itself on and off, as a pure function. Enter when either signal reaches its enter threshold;
 * leave only when both have stayed under their exit thresholds for `minMinutes` (hysteresis: a queue hovering at the
 * line does not flap the mode). A supervisor's override wins until it is cleared.
 */

export type SurgeThresholds = {
  enterArrivalsPerMinute: number | null;
  enterQueue: number | null;
  exitArrivalsPerMinute: number | null;
  exitQueue: number | null;
  minMinutes: number;
  windowMinutes: number;
};

export type SurgeLoad = { arrivalsPerMinute: number; unassignedOpen: number };

export type DetectorState = {
  active: boolean;
  reason: SurgeReason | null;
  manual: 'on' | 'off' | null;
  /** Since when both signals have been under their exit thresholds while active; null when not calm. */
  calmSince: Date | null;
};

export type DetectorResult = DetectorState & { change: 'entered' | 'left' | null };

const MINUTE = 60_000;

/** The SLA policy's surge thresholds with defaults for what older policies do not say. */
export function surgeThresholds(policy: SlaPolicy): SurgeThresholds {
  const s = policy.surge;
  const half = (enter: number | null) => (enter === null ? null : Math.max(1, Math.ceil(enter / 2)));
  return {
    enterArrivalsPerMinute: s.arrivalsPerMinute,
    enterQueue: s.unassignedOpen,
    exitArrivalsPerMinute: s.exitArrivalsPerMinute === undefined ? half(s.arrivalsPerMinute) : s.exitArrivalsPerMinute,
    exitQueue: s.exitUnassignedOpen === undefined ? half(s.unassignedOpen) : s.exitUnassignedOpen,
    minMinutes: s.minMinutes ?? 5,
    windowMinutes: s.windowMinutes ?? 5,
  };
}

/**
 * Arrivals per minute over the sliding window: the window's average, or the last minute's count when that is higher,
 * so a sudden crowd is seen within a minute and a crowd that thins must thin over the whole window.
 */
export function arrivalRate(lastMinute: number, inWindow: number, windowMinutes: number): number {
  return Math.max(lastMinute, inWindow / Math.max(1, windowMinutes));
}

/** Which enter threshold the load reaches (arrivals first), or null. */
export function enterReason(t: SurgeThresholds, load: SurgeLoad): SurgeReason | null {
  if (t.enterArrivalsPerMinute !== null && load.arrivalsPerMinute >= t.enterArrivalsPerMinute) return 'arrivals';
  if (t.enterQueue !== null && load.unassignedOpen >= t.enterQueue) return 'queue';
  return null;
}

/** Both signals under their exit thresholds (a signal that is off counts as under). */
export function isCalm(t: SurgeThresholds, load: SurgeLoad): boolean {
  const arrivalsCalm =
    t.enterArrivalsPerMinute === null ||
    t.exitArrivalsPerMinute === null ||
    load.arrivalsPerMinute < t.exitArrivalsPerMinute;
  const queueCalm = t.enterQueue === null || t.exitQueue === null || load.unassignedOpen < t.exitQueue;
  return arrivalsCalm && queueCalm;
}

export function detectSurge(state: DetectorState, load: SurgeLoad, t: SurgeThresholds, now: Date): DetectorResult {
  if (state.manual === 'on') {
    return { ...state, active: true, reason: 'manual', calmSince: null, change: state.active ? null : 'entered' };
  }
  if (state.manual === 'off') {
    return { ...state, active: false, reason: null, calmSince: null, change: state.active ? 'left' : null };
  }
  if (!state.active) {
    const reason = enterReason(t, load);
    return reason
      ? { ...state, active: true, reason, calmSince: null, change: 'entered' }
      : { ...state, calmSince: null, change: null };
  }
  if (!isCalm(t, load)) return { ...state, calmSince: null, change: null };
  const calmSince = state.calmSince ?? now;
  if (now.getTime() - calmSince.getTime() >= t.minMinutes * MINUTE) {
    return { ...state, active: false, reason: null, calmSince: null, change: 'left' };
  }
  return { ...state, calmSince, change: null };
}
