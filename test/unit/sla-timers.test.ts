import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Priority } from '../../src/contracts/domain.ts';
import { DEFAULT_SLA_POLICY, type SlaCalendar } from '../../src/contracts/sla.ts';
import {
  checkTimers,
  dueDates,
  isSurge,
  pauseTimers,
  recordAgentReply,
  recordCustomerMessage,
  resumeTimers,
  type SlaTimers,
  startTimers,
  targetsFor,
} from '../../src/server/sla/sla-timers.ts';

const MIN = 60_000;
const T0 = new Date('2026-01-05T02:00:00Z'); // Monday 10:00 in Shanghai
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);
const always: SlaCalendar = { kind: '24/7' };
const shanghai: SlaCalendar = {
  kind: 'business_hours',
  timeZone: 'Asia/Shanghai',
  hours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '18:00' })),
  holidays: [],
};
const normal = targetsFor(DEFAULT_SLA_POLICY, 'normal', false); // 10 / 60 / 1440 minutes

describe('targets', () => {
  const cases: { priority: Priority; peak: boolean; firstResponse: number; nextResponse: number }[] = [
    { priority: 'normal', peak: false, firstResponse: 10, nextResponse: 60 },
    { priority: 'normal', peak: true, firstResponse: 30, nextResponse: 120 },
    { priority: 'high', peak: true, firstResponse: 30, nextResponse: 60 },
    { priority: 'urgent', peak: false, firstResponse: 5, nextResponse: 10 },
    { priority: 'urgent', peak: true, firstResponse: 5, nextResponse: 10 },
  ];
  for (const c of cases) {
    test(`${c.priority}${c.peak ? ' under surge' : ''}: first response ${c.firstResponse} min, next ${c.nextResponse} min`, () => {
      const targets = targetsFor(DEFAULT_SLA_POLICY, c.priority, c.peak);
      assert.equal(targets.firstResponse, c.firstResponse);
      assert.equal(targets.nextResponse, c.nextResponse);
    });
  }

  const surges: { load: { unassignedOpen: number; arrivalsLastMinute: number }; surge: boolean }[] = [
    { load: { unassignedOpen: 3, arrivalsLastMinute: 2 }, surge: false },
    { load: { unassignedOpen: 20, arrivalsLastMinute: 0 }, surge: true },
    { load: { unassignedOpen: 0, arrivalsLastMinute: 10 }, surge: true },
  ];
  for (const c of surges) {
    test(`a queue of ${c.load.unassignedOpen} unassigned and ${c.load.arrivalsLastMinute}/min arrivals is ${c.surge ? '' : 'not '}a surge`, () => {
      assert.equal(isSurge(DEFAULT_SLA_POLICY, c.load), c.surge);
    });
  }
  test('a surge signal set to null is ignored', () => {
    const policy = { ...DEFAULT_SLA_POLICY, surge: { unassignedOpen: null, arrivalsPerMinute: 10 } };
    assert.equal(isSurge(policy, { unassignedOpen: 500, arrivalsLastMinute: 0 }), false);
  });
});

describe('due times through the life of a conversation', () => {
  type Step = (t: SlaTimers, calendar: SlaCalendar) => SlaTimers;
  const cases: {
    name: string;
    calendar: SlaCalendar;
    steps: Step[];
    firstResponse: string | null;
    nextResponse: string | null;
  }[] = [
    {
      name: 'a new conversation is due for a first response after the target',
      calendar: always,
      steps: [],
      firstResponse: at(10).toISOString(),
      nextResponse: null,
    },
    {
      name: 'a pause while pending moves the due time by the time paused',
      calendar: always,
      steps: [(t) => pauseTimers(t, at(5)), (t, c) => resumeTimers(t, c, at(35))],
      firstResponse: at(40).toISOString(),
      nextResponse: null,
    },
    {
      name: 'two pauses add up',
      calendar: always,
      steps: [
        (t) => pauseTimers(t, at(1)),
        (t, c) => resumeTimers(t, c, at(3)),
        (t) => pauseTimers(t, at(4)),
        (t, c) => recordCustomerMessage(t, c, at(7)),
      ],
      firstResponse: at(15).toISOString(),
      nextResponse: null,
    },
    {
      name: 'a pause over the night counts only business time (Shanghai)',
      calendar: shanghai,
      // Paused at 17:00 Monday, resumed 10:00 Tuesday: 2 business hours paused.
      steps: [(t) => pauseTimers(t, at(420)), (t, c) => resumeTimers(t, c, at(1440))],
      firstResponse: at(10 + 120).toISOString(),
      nextResponse: null,
    },
    {
      name: 'the agent reply meets the first response; the customer writing starts the next-response clock',
      calendar: always,
      steps: [(t) => recordAgentReply(t, at(4)), (t, c) => recordCustomerMessage(t, c, at(20))],
      firstResponse: null,
      nextResponse: at(80).toISOString(),
    },
    {
      name: 'a pause before the customer wrote again does not extend the next response',
      calendar: always,
      steps: [
        (t) => recordAgentReply(t, at(4)),
        (t) => pauseTimers(t, at(5)),
        (t, c) => recordCustomerMessage(t, c, at(50)),
      ],
      firstResponse: null,
      nextResponse: at(110).toISOString(),
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const timers = c.steps.reduce((t, step) => step(t, c.calendar), startTimers(T0, false));
      const due = dueDates(timers, normal, c.calendar);
      assert.equal(due.firstResponse?.toISOString() ?? null, c.firstResponse);
      assert.equal(due.nextResponse?.toISOString() ?? null, c.nextResponse);
    });
  }
});

describe('warnings and breaches', () => {
  const cases: { minute: number; warned: string[]; breached: string[]; nextCheck: number | null }[] = [
    { minute: 7, warned: [], breached: [], nextCheck: 8 },
    { minute: 8, warned: ['firstResponse'], breached: [], nextCheck: 10 },
    { minute: 9, warned: ['firstResponse'], breached: [], nextCheck: 10 },
    // A check that comes late breaches without warning first.
    { minute: 10, warned: [], breached: ['firstResponse'], nextCheck: 1152 },
  ];
  for (const c of cases) {
    test(`at minute ${c.minute}: warned ${c.warned.join(',') || 'nothing'}, breached ${c.breached.join(',') || 'nothing'}`, () => {
      const check = checkTimers(startTimers(T0, false), normal, always, 80, at(c.minute));
      assert.deepEqual(check.timers.warned, c.warned);
      assert.deepEqual(check.timers.breached, c.breached);
      assert.equal(
        check.nextCheckAt?.toISOString() ?? null,
        c.nextCheck === null ? null : at(c.nextCheck).toISOString(),
      );
    });
  }

  test('a warning fires once', () => {
    const first = checkTimers(startTimers(T0, false), normal, always, 80, at(8));
    const again = checkTimers(first.timers, normal, always, 80, at(9));
    assert.deepEqual(first.warned, ['firstResponse']);
    assert.deepEqual(again.warned, []);
  });

  test('a paused conversation has nothing due and needs no check', () => {
    const check = checkTimers(pauseTimers(startTimers(T0, false), at(1)), normal, always, 80, at(60));
    assert.deepEqual(check.breached, []);
    assert.equal(check.nextCheckAt, null);
  });

  test('under surge the peak target applies: no breach at 10 minutes, breach at 30', () => {
    const peak = targetsFor(DEFAULT_SLA_POLICY, 'normal', true);
    assert.deepEqual(checkTimers(startTimers(T0, true), peak, always, 80, at(10)).breached, []);
    assert.deepEqual(checkTimers(startTimers(T0, true), peak, always, 80, at(30)).breached, ['firstResponse']);
  });
});
