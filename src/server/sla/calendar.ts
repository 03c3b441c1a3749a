import type { SlaCalendar } from '../../contracts/sla.ts';

/**
 * Business-time arithmetic over an SLA calendar. Pure: instants in, instants out. Local times are turned into instants
 * with the zone's offset on that very date (from Intl), so a DST change moves the opening hours with the wall clock.
 */

const MINUTE = 60_000;
const DAY = 86_400_000;
/** A calendar with no open hour at all would loop forever; two years of closed days is "never". */
const MAX_DAYS = 800;

type LocalDate = { year: number; month: number; day: number };

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock reading in `timeZone` at `instant`, as if it were UTC (ms). */
function wallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

function localDateOf(instant: number, timeZone: string): LocalDate {
  const wall = new Date(wallClock(instant, timeZone));
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

/** The instant the wall clock in `timeZone` shows `minuteOfDay` on `date` (a time skipped by DST moves forward). */
export function zonedInstant(date: LocalDate, minuteOfDay: number, timeZone: string): number {
  const guess = Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * MINUTE;
  const first = guess - (wallClock(guess, timeZone) - guess);
  const offset = wallClock(first, timeZone) - first;
  return guess - offset;
}

function nextDate(date: LocalDate): LocalDate {
  const next = new Date(Date.UTC(date.year, date.month - 1, date.day) + DAY);
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

function isoDate(date: LocalDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

function minuteOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

type BusinessCalendar = Extract<SlaCalendar, { kind: 'business_hours' }>;

/** The open intervals [start, end) of one local date, as instants, in order. */
function openIntervals(calendar: BusinessCalendar, date: LocalDate): [number, number][] {
  if (calendar.holidays.includes(isoDate(date))) return [];
  const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return calendar.hours
    .filter((h) => h.day === weekday)
    .map((h): [number, number] => [
      zonedInstant(date, minuteOfDay(h.start), calendar.timeZone),
      zonedInstant(date, minuteOfDay(h.end), calendar.timeZone),
    ])
    .sort((a, b) => a[0] - b[0]);
}

/** The instant when `ms` of business time have passed after `from`. */
export function addBusinessTime(calendar: SlaCalendar, from: Date, ms: number): Date {
  if (calendar.kind === '24/7') return new Date(from.getTime() + ms);
  let remaining = ms;
  const start = from.getTime();
  // Start a day early: a local date's hours can begin before `from` in UTC terms and still be open at `from`.
  let date = localDateOf(start - DAY, calendar.timeZone);
  for (let i = 0; i < MAX_DAYS; i++, date = nextDate(date)) {
    for (const [open, close] of openIntervals(calendar, date)) {
      if (close <= start) continue;
      const from = Math.max(open, start);
      if (remaining <= close - from) return new Date(from + remaining);
      remaining -= close - from;
    }
  }
  throw new Error('The SLA calendar has no open hours in the next two years');
}

/** Business time (ms) between two instants; 0 when `to` is not after `from`. */
export function businessTimeBetween(calendar: SlaCalendar, from: Date, to: Date): number {
  const start = from.getTime();
  const end = to.getTime();
  if (end <= start) return 0;
  if (calendar.kind === '24/7') return end - start;
  let total = 0;
  let date = localDateOf(start - DAY, calendar.timeZone);
  for (let i = 0; i < MAX_DAYS; i++, date = nextDate(date)) {
    const intervals = openIntervals(calendar, date);
    if (zonedInstant(date, 0, calendar.timeZone) >= end) break;
    for (const [open, close] of intervals) total += Math.max(0, Math.min(close, end) - Math.max(open, start));
  }
  return total;
}
