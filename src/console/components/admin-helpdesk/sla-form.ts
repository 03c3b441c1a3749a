import { PRIORITIES, type Priority } from '../../../contracts/domain.ts';
import type { SlaCalendar, SlaPolicy, SlaTarget } from '../../../contracts/sla.ts';

/**
 * The SLA policy as the admin form edits it: every number as typed text, business hours as lines. Converting back
 * keeps the parts the form does not show (team calendars, escalation, priority rules) exactly as loaded, and leaves
 * range checks to the server, whose messages name the field.
 */
export type TargetDraft = { first: string; next: string; resolution: string; peakFirst: string; peakNext: string };
export type SlaDraft = {
  enabled: boolean;
  targets: Record<Priority, TargetDraft>;
  calendarKind: SlaCalendar['kind'];
  timeZone: string;
  hours: string;
  holidays: string;
  warnAtPercent: string;
  surgeUnassigned: string;
  surgeArrivals: string;
};

const DAY_SPAN = /^([0-6])\s+(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})$/;

const text = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));

/** Empty is "no target" (null); the number inputs only ever hold digits or nothing. */
function minutesOf(value: string): number | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : Number(trimmed);
}

export function draftOfPolicy(policy: SlaPolicy): SlaDraft {
  const targets = {} as Record<Priority, TargetDraft>;
  for (const priority of PRIORITIES) {
    const target = policy.targets[priority];
    targets[priority] = {
      first: text(target.firstResponseMinutes),
      next: text(target.nextResponseMinutes),
      resolution: text(target.resolutionMinutes),
      peakFirst: text(target.peak?.firstResponseMinutes),
      peakNext: text(target.peak?.nextResponseMinutes),
    };
  }
  const calendar = policy.calendar;
  return {
    enabled: policy.enabled,
    targets,
    calendarKind: calendar.kind,
    timeZone: calendar.kind === 'business_hours' ? calendar.timeZone : 'Asia/Shanghai',
    hours:
      calendar.kind === 'business_hours'
        ? calendar.hours.map((span) => `${span.day} ${span.start}-${span.end}`).join('\n')
        : [1, 2, 3, 4, 5].map((day) => `${day} 09:00-18:00`).join('\n'),
    holidays: calendar.kind === 'business_hours' ? calendar.holidays.join('\n') : '',
    warnAtPercent: text(policy.warnAtPercent),
    surgeUnassigned: text(policy.surge.unassignedOpen),
    surgeArrivals: text(policy.surge.arrivalsPerMinute),
  };
}

export type PolicyResult = { ok: true; policy: SlaPolicy } | { ok: false; badLine: number };

export function policyOfDraft(draft: SlaDraft, loaded: SlaPolicy): PolicyResult {
  const targets = {} as SlaPolicy['targets'];
  for (const priority of PRIORITIES) {
    const d = draft.targets[priority];
    const target: SlaTarget = {
      firstResponseMinutes: minutesOf(d.first),
      nextResponseMinutes: minutesOf(d.next),
      resolutionMinutes: minutesOf(d.resolution),
    };
    if (d.peakFirst.trim() !== '' || d.peakNext.trim() !== '') {
      target.peak = { firstResponseMinutes: minutesOf(d.peakFirst), nextResponseMinutes: minutesOf(d.peakNext) };
    }
    targets[priority] = target;
  }
  let calendar: SlaCalendar = { kind: '24/7' };
  if (draft.calendarKind === 'business_hours') {
    const hours: { day: number; start: string; end: string }[] = [];
    const lines = draft.hours.split('\n');
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      const match = DAY_SPAN.exec(line.trim());
      if (!match) return { ok: false, badLine: index + 1 };
      hours.push({ day: Number(match[1]), start: match[2], end: match[3] });
    }
    const holidays = draft.holidays
      .split(/[\s,]+/)
      .map((day) => day.trim())
      .filter(Boolean);
    calendar = { kind: 'business_hours', timeZone: draft.timeZone.trim(), hours, holidays };
  }
  return {
    ok: true,
    policy: {
      ...loaded,
      enabled: draft.enabled,
      targets,
      calendar,
      warnAtPercent: Number(draft.warnAtPercent),
      // Surge mode's exit thresholds and timing (set through the API) are kept as loaded.
      surge: {
        ...loaded.surge,
        unassignedOpen: minutesOf(draft.surgeUnassigned),
        arrivalsPerMinute: minutesOf(draft.surgeArrivals),
      },
    },
  };
}
