import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { csatAnswerBodySchema } from '../../src/contracts/feedback.ts';
import {
  chooseCsatLocale,
  complaintDueAt,
  csatSendAt,
  isFollowUpOverdue,
  planFollowUp,
  readFeedbackSettings,
} from '../../src/server/feedback/feedback.rules.ts';

const T0 = new Date('2026-01-05T02:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);

describe('CSAT rating validation', () => {
  const cases: { name: string; body: unknown; ok: boolean; comment?: string }[] = [
    { name: 'one star is a rating', body: { rating: 1 }, ok: true },
    {
      name: 'five stars with a comment is a rating',
      body: { rating: 5, comment: 'great' },
      ok: true,
      comment: 'great',
    },
    { name: 'a blank comment counts as none', body: { rating: 3, comment: '   ' }, ok: true, comment: undefined },
    { name: 'zero stars is refused', body: { rating: 0 }, ok: false },
    { name: 'six stars is refused', body: { rating: 6 }, ok: false },
    { name: 'half a star is refused', body: { rating: 4.5 }, ok: false },
    { name: 'a rating sent as text is refused', body: { rating: '5' }, ok: false },
    { name: 'no rating is refused', body: { comment: 'hi' }, ok: false },
    { name: 'a comment over 1000 characters is refused', body: { rating: 2, comment: 'x'.repeat(1001) }, ok: false },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const parsed = csatAnswerBodySchema.safeParse(c.body);
      assert.equal(parsed.success, c.ok);
      if (parsed.success && 'comment' in c) assert.equal(parsed.data.comment, c.comment);
    });
  }
});

describe('follow-up and complaint due times', () => {
  const settings = readFeedbackSettings({});
  const cases: { name: string; resolvedAt: Date; after: number; due: number; createAt: Date; dueAt: Date }[] = [
    {
      name: 'by default the follow-up appears a day after resolution, due a day later',
      resolvedAt: T0,
      after: 24,
      due: 24,
      createAt: at(24),
      dueAt: at(48),
    },
    {
      name: 'an organization may ask for it at once, due in four hours',
      resolvedAt: T0,
      after: 0,
      due: 4,
      createAt: T0,
      dueAt: at(4),
    },
    { name: 'fractions of hours are kept', resolvedAt: T0, after: 1.5, due: 0.25, createAt: at(1.5), dueAt: at(1.75) },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const plan = planFollowUp(c.resolvedAt, { followUpAfterHours: c.after, followUpDueHours: c.due });
      assert.deepEqual(plan, { createAt: c.createAt, dueAt: c.dueAt });
    });
  }

  test('the defaults are a one-minute CSAT delay and 24-hour complaint and follow-up targets', () => {
    assert.deepEqual(settings, {
      csatDelaySeconds: 60,
      complaintTargetHours: 24,
      followUpAfterHours: 24,
      followUpDueHours: 24,
    });
    assert.deepEqual(complaintDueAt(T0, settings), at(24));
  });

  test('a malformed setting falls back to its default and keeps the valid ones', () => {
    const read = readFeedbackSettings({ feedback: { csatDelaySeconds: -5, followUpDueHours: 8 } });
    assert.equal(read.csatDelaySeconds, 60);
    assert.equal(read.followUpDueHours, 8);
  });

  test('a zero CSAT delay sends at once; otherwise after the delay', () => {
    assert.equal(csatSendAt(T0, { csatDelaySeconds: 0 }), undefined);
    assert.deepEqual(csatSendAt(T0, { csatDelaySeconds: 60 }), new Date(T0.getTime() + 60_000));
  });

  const overdue: { name: string; now: Date; closedAt: Date | null; expected: boolean }[] = [
    { name: 'an open follow-up before its due time is not overdue', now: at(47.9), closedAt: null, expected: false },
    { name: 'an open follow-up at its due time is overdue', now: at(48), closedAt: null, expected: true },
    { name: 'a closed follow-up is never overdue', now: at(100), closedAt: at(50), expected: false },
  ];
  for (const c of overdue) {
    test(c.name, () => assert.equal(isFollowUpOverdue({ dueAt: at(48), closedAt: c.closedAt }, c.now), c.expected));
  }
});

describe('CSAT language', () => {
  const cases: [string | null, string | null, string][] = [
    ['zh-TW', 'en', 'zh-TW'],
    [null, 'zh', 'zh-CN'],
    [null, 'zh-TW', 'zh-TW'],
    [null, 'en', 'en'],
    [null, null, 'en'],
  ];
  for (const [contact, last, expected] of cases) {
    test(`a customer with profile ${contact} whose last language was ${last} is asked in ${expected}`, () => {
      assert.equal(chooseCsatLocale(contact, last), expected);
    });
  }
});
