import { DEFAULT_REPORT_TIME_ZONE, REPORT_DEFAULT_DAYS, REPORT_MAX_DAYS } from '../../contracts/reports.ts';
import { AppError } from '../errors.ts';

const DAY_MS = 86_400_000;

/** A usable IANA zone name, else the default (a typo in settings must not break every report). */
export function reportTimeZone(setting: unknown): string {
  if (typeof setting !== 'string' || !setting) return DEFAULT_REPORT_TIME_ZONE;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: setting });
    return setting;
  } catch {
    return DEFAULT_REPORT_TIME_ZONE;
  }
}

/** The calendar date (YYYY-MM-DD) an instant falls on in a zone. */
export function localDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    instant,
  );
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both included. */
export function daysInRange(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/**
 * The report's dates: absent, the last 30 days up to today in the zone; `to` before `from` or more than 366 days
 * are refused with their own codes.
 */
export function resolveRange(
  query: { from?: string | undefined; to?: string | undefined },
  now: Date,
  timeZone: string,
): { from: string; to: string } {
  const to = query.to ?? (query.from ? addDays(query.from, REPORT_DEFAULT_DAYS - 1) : localDate(now, timeZone));
  const from = query.from ?? addDays(to, -(REPORT_DEFAULT_DAYS - 1));
  if (to < from) throw new AppError('report_range_reversed', `The range ends (${to}) before it starts (${from}).`);
  if (daysInRange(from, to) > REPORT_MAX_DAYS) {
    throw new AppError('report_range_too_long', `A report covers at most ${REPORT_MAX_DAYS} days.`);
  }
  return { from, to };
}

/** A ratio, null when there is nothing to divide by. */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}
