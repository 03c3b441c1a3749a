import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SlaCalendar } from '../../src/contracts/sla.ts';
import { addBusinessTime, businessTimeBetween } from '../../src/server/sla/calendar.ts';

const MIN = 60_000;
const weekdays = (start: string, end: string) => [1, 2, 3, 4, 5].map((day) => ({ day, start, end }));

const shanghai: SlaCalendar = {
  kind: 'business_hours',
  timeZone: 'Asia/Shanghai',
  hours: weekdays('09:00', '18:00'),
  holidays: [],
};
const shanghaiHoliday: SlaCalendar = { ...shanghai, holidays: ['2026-01-12'] };
const utcWithLunch: SlaCalendar = {
  kind: 'business_hours',
  timeZone: 'UTC',
  hours: [...weekdays('09:00', '12:00'), ...weekdays('13:00', '17:00')],
  holidays: [],
};
const newYork: SlaCalendar = {
  kind: 'business_hours',
  timeZone: 'America/New_York',
  hours: weekdays('09:00', '17:00'),
  holidays: [],
};
const always: SlaCalendar = { kind: '24/7' };

describe('adding business minutes', () => {
  const cases: { name: string; calendar: SlaCalendar; from: string; minutes: number; due: string }[] = [
    {
      name: '24/7 is plain clock time',
      calendar: always,
      from: '2026-01-10T23:50:00Z',
      minutes: 90,
      due: '2026-01-11T01:20:00Z',
    },
    {
      name: 'Shanghai, inside the day',
      calendar: shanghai,
      from: '2026-01-05T02:00:00Z',
      minutes: 30,
      due: '2026-01-05T02:30:00Z',
    },
    {
      name: 'Shanghai, ends exactly at closing',
      calendar: shanghai,
      from: '2026-01-05T09:30:00Z',
      minutes: 30,
      due: '2026-01-05T10:00:00Z',
    },
    {
      name: 'Shanghai, carries over to the next morning',
      calendar: shanghai,
      from: '2026-01-05T09:50:00Z',
      minutes: 30,
      due: '2026-01-06T01:20:00Z',
    },
    {
      name: 'Shanghai, Friday afternoon skips the weekend',
      calendar: shanghai,
      from: '2026-01-09T09:00:00Z',
      minutes: 120,
      due: '2026-01-12T02:00:00Z',
    },
    {
      name: 'Shanghai, a Saturday message waits for Monday',
      calendar: shanghai,
      from: '2026-01-10T04:00:00Z',
      minutes: 10,
      due: '2026-01-12T01:10:00Z',
    },
    {
      name: 'Shanghai, a holiday Monday moves it to Tuesday',
      calendar: shanghaiHoliday,
      from: '2026-01-09T09:00:00Z',
      minutes: 120,
      due: '2026-01-13T02:00:00Z',
    },
    // 07:00 in Shanghai is still Sunday 23:00 in UTC: the local date decides.
    {
      name: 'Shanghai, before opening starts at opening',
      calendar: shanghai,
      from: '2026-01-04T23:00:00Z',
      minutes: 15,
      due: '2026-01-05T01:15:00Z',
    },
    {
      name: 'UTC, the lunch break does not count',
      calendar: utcWithLunch,
      from: '2026-01-05T11:50:00Z',
      minutes: 20,
      due: '2026-01-05T13:10:00Z',
    },
    // DST starts Sunday 8 March 2026 in New York: Friday closes at 22:00Z (EST), Monday opens at 13:00Z (EDT).
    {
      name: 'New York, across the DST change',
      calendar: newYork,
      from: '2026-03-06T21:30:00Z',
      minutes: 60,
      due: '2026-03-09T13:30:00Z',
    },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.from} + ${c.minutes} min = ${c.due}`, () => {
      assert.equal(
        addBusinessTime(c.calendar, new Date(c.from), c.minutes * MIN).toISOString(),
        new Date(c.due).toISOString(),
      );
    });
  }
});

describe('business minutes between two instants', () => {
  const cases: { name: string; calendar: SlaCalendar; from: string; to: string; minutes: number }[] = [
    { name: '24/7', calendar: always, from: '2026-01-09T09:00:00Z', to: '2026-01-12T02:00:00Z', minutes: 3900 },
    {
      name: 'Shanghai over a weekend',
      calendar: shanghai,
      from: '2026-01-09T09:00:00Z',
      to: '2026-01-12T02:00:00Z',
      minutes: 120,
    },
    {
      name: 'Shanghai with a holiday Monday',
      calendar: shanghaiHoliday,
      from: '2026-01-09T09:00:00Z',
      to: '2026-01-12T02:00:00Z',
      minutes: 60,
    },
    {
      name: 'Shanghai, entirely at night',
      calendar: shanghai,
      from: '2026-01-05T11:00:00Z',
      to: '2026-01-05T22:00:00Z',
      minutes: 0,
    },
    {
      name: 'UTC around lunch',
      calendar: utcWithLunch,
      from: '2026-01-05T11:00:00Z',
      to: '2026-01-05T14:00:00Z',
      minutes: 120,
    },
    {
      name: 'backwards is zero',
      calendar: shanghai,
      from: '2026-01-05T03:00:00Z',
      to: '2026-01-05T02:00:00Z',
      minutes: 0,
    },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.minutes} min`, () => {
      assert.equal(businessTimeBetween(c.calendar, new Date(c.from), new Date(c.to)), c.minutes * MIN);
    });
  }

  test('adding what lies between two open instants lands on the later one', () => {
    const from = new Date('2026-01-08T08:00:00Z');
    const to = new Date('2026-01-13T03:30:00Z');
    const between = businessTimeBetween(shanghaiHoliday, from, to);
    assert.equal(addBusinessTime(shanghaiHoliday, from, between).toISOString(), to.toISOString());
  });
});
