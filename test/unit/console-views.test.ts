import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_SLA_POLICY } from '../../src/contracts/sla.ts';
import { draftOfPolicy, policyOfDraft } from '../../src/console/components/admin-helpdesk/sla-form.ts';
import {
  fromViewFilters,
  matchesHelpdeskFilters,
  readHelpdeskFilters,
  toViewFilters,
  writeHelpdeskFilters,
} from '../../src/console/components/views/filters.ts';
import type { Conversation } from '../../src/contracts/domain.ts';

describe('console list filters in the URL', () => {
  const cases: { name: string; query: string; expected: Record<string, string> }[] = [
    { name: 'a plain inbox link has no helpdesk filters', query: 'status=open', expected: {} },
    {
      name: 'every filter is read',
      query:
        'tag=VIP&intent=deposit_missing&language=zh-CN&teamId=4f8b2a52-6c1e-4d3b-9a57-1f0d3c2e9b10&slaRisk=breached',
      expected: {
        tag: 'vip',
        intent: 'deposit_missing',
        language: 'zh-CN',
        teamId: '4f8b2a52-6c1e-4d3b-9a57-1f0d3c2e9b10',
        slaRisk: 'breached',
      },
    },
    {
      name: 'values the server would refuse are dropped instead of breaking the list',
      query: 'tag=a%20b&intent=Deposit-Missing&language=fr&teamId=42&slaRisk=soon',
      expected: {},
    },
  ];
  for (const { name, query, expected } of cases) {
    test(name, () => assert.deepEqual(readHelpdeskFilters(new URLSearchParams(query)), expected));
  }

  test('only the filters that are set are written', () => {
    const query = new URLSearchParams();
    writeHelpdeskFilters(query, { tag: 'vip', slaRisk: 'at_risk' });
    assert.equal(query.toString(), 'tag=vip&slaRisk=at_risk');
  });
});

describe('saved views and the filters on screen', () => {
  const cases = [
    { status: 'open', assignee: 'mine', priority: 'any', tag: 'vip' },
    { status: 'any', assignee: 'all', priority: 'urgent', slaRisk: 'breached', language: 'en' },
  ] as const;
  for (const filters of cases) {
    test(`a view saved from ${JSON.stringify(filters)} applies the same filters`, () => {
      assert.deepEqual(fromViewFilters(toViewFilters({ ...filters })), filters);
    });
  }

  test('"any" is stored as no filter', () => {
    assert.deepEqual(toViewFilters({ status: 'any', assignee: 'all', priority: 'any' }), { assignee: 'all' });
  });
});

describe('a live update against the helpdesk filters', () => {
  const base = {
    tags: ['vip'],
    lastIntent: 'deposit_missing',
    lastLanguage: 'zh-CN',
    teamId: 't1',
    sla: { warned: ['firstResponse'], breached: [] },
  } as unknown as Conversation;
  const cases: {
    name: string;
    filters: Parameters<typeof matchesHelpdeskFilters>[1];
    conversation: Conversation;
    matches: boolean;
  }[] = [
    { name: 'no filters: everything matches', filters: {}, conversation: base, matches: true },
    { name: 'the tag it has', filters: { tag: 'vip' }, conversation: base, matches: true },
    { name: 'a tag it lacks', filters: { tag: 'kyc' }, conversation: base, matches: false },
    { name: 'another intent', filters: { intent: 'withdrawal_status' }, conversation: base, matches: false },
    { name: 'another language', filters: { language: 'en' }, conversation: base, matches: false },
    { name: 'another team', filters: { teamId: 't2' }, conversation: base, matches: false },
    { name: 'warned is at risk', filters: { slaRisk: 'at_risk' }, conversation: base, matches: true },
    { name: 'warned is not breached', filters: { slaRisk: 'breached' }, conversation: base, matches: false },
    {
      name: 'breached is not at risk any more',
      filters: { slaRisk: 'at_risk' },
      conversation: { ...base, sla: { ...base.sla, breached: ['firstResponse'] } } as Conversation,
      matches: false,
    },
  ];
  for (const { name, filters, conversation, matches } of cases) {
    test(name, () => assert.equal(matchesHelpdeskFilters(conversation, filters), matches));
  }
});

describe('the SLA policy form', () => {
  test('an untouched form gives back the policy it was loaded from', () => {
    const result = policyOfDraft(draftOfPolicy(DEFAULT_SLA_POLICY), DEFAULT_SLA_POLICY);
    assert.deepEqual(result, { ok: true, policy: DEFAULT_SLA_POLICY });
  });

  test('business hours are read line by line, and a bad line is named', () => {
    const draft = { ...draftOfPolicy(DEFAULT_SLA_POLICY), calendarKind: 'business_hours' as const };
    const good = policyOfDraft(
      { ...draft, hours: '1 09:00-18:00\n\n6 10:00 - 14:00', holidays: '2026-10-01' },
      DEFAULT_SLA_POLICY,
    );
    assert.ok(good.ok);
    assert.deepEqual(good.policy.calendar, {
      kind: 'business_hours',
      timeZone: 'Asia/Shanghai',
      hours: [
        { day: 1, start: '09:00', end: '18:00' },
        { day: 6, start: '10:00', end: '14:00' },
      ],
      holidays: ['2026-10-01'],
    });
    assert.deepEqual(policyOfDraft({ ...draft, hours: '1 09:00-18:00\nMonday 9-6' }, DEFAULT_SLA_POLICY), {
      ok: false,
      badLine: 2,
    });
  });

  test('an emptied target means no target', () => {
    const draft = draftOfPolicy(DEFAULT_SLA_POLICY);
    draft.targets.low = { ...draft.targets.low, resolution: '', peakFirst: '', peakNext: '' };
    const result = policyOfDraft(draft, DEFAULT_SLA_POLICY);
    assert.ok(result.ok);
    assert.equal(result.policy.targets.low.resolutionMinutes, null);
    assert.equal(result.policy.targets.low.peak, undefined);
  });
});
