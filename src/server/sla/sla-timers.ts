import type { Priority } from '../../contracts/domain.ts';
import type { ConversationSla, SlaCalendar, SlaMetric, SlaPolicy } from '../../contracts/sla.ts';
import { addBusinessTime, businessTimeBetween } from './calendar.ts';

/**
 * One conversation's SLA clocks, as pure state transitions. Every due time is derived, never stored as the truth:
 * due = start + target + business time paused since the start, over the calendar that applies. So a priority change,
 * a pause or a resume just recomputes, and a recomputation never loses time already paused.
 */

export type SlaTimers = {
  peak: boolean;
  startedAt: Date;
  firstResponseAt: Date | null;
  /** The customer has been waiting for a reply since then; null while nobody waits for a next response. */
  nextStartedAt: Date | null;
  /** pausedMs when the next-response clock started: pauses before it do not extend it. */
  nextPausedBaselineMs: number;
  pausedAt: Date | null;
  /** Business time of the pauses that are over. */
  pausedMs: number;
  warned: SlaMetric[];
  breached: SlaMetric[];
};

export type SlaTargets = Record<SlaMetric, number | null>;
export type SlaDue = Record<SlaMetric, Date | null>;

const MINUTE = 60_000;

export function startTimers(at: Date, peak: boolean): SlaTimers {
  return {
    peak,
    startedAt: at,
    firstResponseAt: null,
    nextStartedAt: null,
    nextPausedBaselineMs: 0,
    pausedAt: null,
    pausedMs: 0,
    warned: [],
    breached: [],
  };
}

/** The targets (minutes) for a priority; under surge the peak response targets, except for urgent (funds at risk). */
export function targetsFor(policy: SlaPolicy, priority: Priority, peak: boolean): SlaTargets {
  const target = policy.targets[priority];
  const response = peak && priority !== 'urgent' && target.peak ? target.peak : target;
  return {
    firstResponse: response.firstResponseMinutes,
    nextResponse: response.nextResponseMinutes,
    resolution: target.resolutionMinutes,
  };
}

/** A team with its own hours uses them; everyone else the organization's calendar. */
export function calendarFor(policy: SlaPolicy, teamId: string | null): SlaCalendar {
  return (teamId && policy.teamCalendars[teamId]) || policy.calendar;
}

/** Surge: either configured signal at or over its threshold when the conversation arrives. */
export function isSurge(policy: SlaPolicy, load: { unassignedOpen: number; arrivalsLastMinute: number }): boolean {
  const { unassignedOpen, arrivalsPerMinute } = policy.surge;
  return (
    (unassignedOpen !== null && load.unassignedOpen >= unassignedOpen) ||
    (arrivalsPerMinute !== null && load.arrivalsLastMinute >= arrivalsPerMinute)
  );
}

/** Which clocks run: first response until the first agent reply, next response while the customer waits, resolution. */
function running(t: SlaTimers, targets: SlaTargets): Record<SlaMetric, { start: Date; pausedMs: number } | null> {
  return {
    firstResponse:
      targets.firstResponse !== null && !t.firstResponseAt ? { start: t.startedAt, pausedMs: t.pausedMs } : null,
    nextResponse:
      targets.nextResponse !== null && t.nextStartedAt
        ? { start: t.nextStartedAt, pausedMs: t.pausedMs - t.nextPausedBaselineMs }
        : null,
    resolution: targets.resolution !== null ? { start: t.startedAt, pausedMs: t.pausedMs } : null,
  };
}

/** When each running target falls due after `share` (1 = the target itself, 0.8 = its warning) of it is used. */
export function dueDates(t: SlaTimers, targets: SlaTargets, calendar: SlaCalendar, share = 1): SlaDue {
  const clocks = running(t, targets);
  const due = (metric: SlaMetric): Date | null => {
    const clock = clocks[metric];
    const minutes = targets[metric];
    if (!clock || minutes === null) return null;
    return addBusinessTime(calendar, clock.start, Math.round(minutes * MINUTE * share) + clock.pausedMs);
  };
  return { firstResponse: due('firstResponse'), nextResponse: due('nextResponse'), resolution: due('resolution') };
}

/** Waiting on the customer (or resolved): every clock stops. Pausing twice keeps the first pause. */
export function pauseTimers(t: SlaTimers, at: Date): SlaTimers {
  return t.pausedAt ? t : { ...t, pausedAt: at };
}

/** The customer is back: the business time of the pause is added to every clock. */
export function resumeTimers(t: SlaTimers, calendar: SlaCalendar, at: Date): SlaTimers {
  if (!t.pausedAt) return t;
  return { ...t, pausedAt: null, pausedMs: t.pausedMs + businessTimeBetween(calendar, t.pausedAt, at) };
}

/** An agent's public reply meets the first response and the pending next response. */
export function recordAgentReply(t: SlaTimers, at: Date): SlaTimers {
  return {
    ...t,
    firstResponseAt: t.firstResponseAt ?? at,
    nextStartedAt: null,
    warned: t.warned.filter((m) => m === 'resolution'),
  };
}

/** A customer's message resumes paused clocks and, once an agent has answered, starts the next-response clock. */
export function recordCustomerMessage(t: SlaTimers, calendar: SlaCalendar, at: Date): SlaTimers {
  const resumed = resumeTimers(t, calendar, at);
  if (!resumed.firstResponseAt || resumed.nextStartedAt) return resumed;
  return {
    ...resumed,
    nextStartedAt: at,
    nextPausedBaselineMs: resumed.pausedMs,
    // A new wait: its own warning and breach.
    warned: resumed.warned.filter((m) => m !== 'nextResponse'),
    breached: resumed.breached.filter((m) => m !== 'nextResponse'),
  };
}

export type SlaCheck = { timers: SlaTimers; warned: SlaMetric[]; breached: SlaMetric[]; nextCheckAt: Date | null };

/**
 * What is due at `now`: the targets newly breached, the ones newly past their warning, and when to look again (the
 * next warning or breach still ahead). A paused conversation has nothing due and needs no check.
 */
export function checkTimers(
  t: SlaTimers,
  targets: SlaTargets,
  calendar: SlaCalendar,
  warnAtPercent: number,
  now: Date,
): SlaCheck {
  if (t.pausedAt) return { timers: t, warned: [], breached: [], nextCheckAt: null };
  const due = dueDates(t, targets, calendar);
  const warnAt = dueDates(t, targets, calendar, warnAtPercent / 100);
  const warned: SlaMetric[] = [];
  const breached: SlaMetric[] = [];
  const ahead: number[] = [];
  for (const metric of ['firstResponse', 'nextResponse', 'resolution'] as const) {
    const dueAt = due[metric];
    const warnTime = warnAt[metric];
    if (!dueAt || !warnTime || t.breached.includes(metric)) continue;
    if (dueAt <= now) {
      breached.push(metric);
      continue;
    }
    ahead.push(dueAt.getTime());
    if (t.warned.includes(metric)) continue;
    if (warnTime <= now) warned.push(metric);
    else ahead.push(warnTime.getTime());
  }
  return {
    timers: {
      ...t,
      warned: [...new Set([...t.warned, ...warned])],
      breached: [...new Set([...t.breached, ...breached])],
    },
    warned,
    breached,
    nextCheckAt: ahead.length > 0 ? new Date(Math.min(...ahead)) : null,
  };
}

/** For the inbox filter: breached beats at risk. */
export function riskOf(t: SlaTimers): 'breached' | 'at_risk' | null {
  if (t.breached.length > 0) return 'breached';
  return t.warned.some((m) => !t.breached.includes(m)) ? 'at_risk' : null;
}

/** The stored clocks as the `Conversation.sla` the clients read. */
export function toConversationSla(row: {
  sla_first_response_due_at: Date | null;
  sla_next_response_due_at: Date | null;
  sla_resolution_due_at: Date | null;
  sla_warned: string[] | null;
  sla_breached: string[] | null;
  sla_paused_at: Date | null;
}): ConversationSla {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
  const breached = (row.sla_breached ?? []) as SlaMetric[];
  return {
    firstResponseDueAt: iso(row.sla_first_response_due_at),
    nextResponseDueAt: iso(row.sla_next_response_due_at),
    resolutionDueAt: iso(row.sla_resolution_due_at),
    warned: ((row.sla_warned ?? []) as SlaMetric[]).filter((m) => !breached.includes(m)),
    breached,
    paused: row.sla_paused_at !== null,
  };
}
