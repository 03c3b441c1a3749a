import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  chooseAgent,
  chooseTeam,
  estimateWaitSeconds,
  orderQueue,
  planAssignments,
  queueAcknowledgement,
  type RoutingAgent,
  requiredSkills,
  type SkillFacts,
  type WaitingConversation,
} from '../../src/server/routing/routing.rules.ts';

const facts = (over: Partial<SkillFacts>): SkillFacts => ({
  contactLocale: null,
  detectedLanguage: null,
  vipLevel: 0,
  handoffReason: null,
  intent: null,
  securityFlagged: false,
  ...over,
});

describe('the skills a conversation needs', () => {
  const cases: [string, Partial<SkillFacts>, string[]][] = [
    ['a Simplified Chinese customer needs a Chinese speaker', { contactLocale: 'zh-CN' }, ['zh']],
    ['a Traditional Chinese customer needs a Chinese speaker too', { contactLocale: 'zh-TW' }, ['zh']],
    ['an English customer needs an English speaker', { contactLocale: 'en' }, ['en']],
    [
      'the language the customer writes in beats their saved locale',
      { contactLocale: 'zh-CN', detectedLanguage: 'en' },
      ['en'],
    ],
    ['an unknown language asks for no language skill', {}, []],
    ['VIP 3 and above need a VIP agent', { contactLocale: 'en', vipLevel: 3 }, ['en', 'VIP']],
    ['VIP 2 is served like anyone', { contactLocale: 'en', vipLevel: 2 }, ['en']],
    [
      'a compromised account goes to security',
      { contactLocale: 'zh-CN', handoffReason: 'account_compromised' },
      ['zh', 'security'],
    ],
    ['a shared secret goes to security', { handoffReason: 'secret_shared' }, ['security']],
    ['a security flag alone goes to security', { securityFlagged: true }, ['security']],
    ['a P2P dispute needs the P2P skill', { contactLocale: 'en', intent: 'p2p_dispute' }, ['en', 'P2P']],
    [
      'a VIP P2P dispute in Chinese needs all three',
      { contactLocale: 'zh-TW', vipLevel: 5, intent: 'p2p_dispute' },
      ['zh', 'VIP', 'P2P'],
    ],
    ['a KYC question needs the KYC skill', { contactLocale: 'zh-CN', intent: 'kyc_verification' }, ['zh', 'KYC']],
    ['a complaint needs nothing special', { contactLocale: 'en', handoffReason: 'complaint' }, ['en']],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => assert.deepEqual(requiredSkills(facts(input)), expected));
  }
});

describe('the team a conversation goes to', () => {
  const teams = [
    { id: 'general', name: 'General', skills: ['zh', 'en'] },
    { id: 'security', name: 'Security', skills: ['security', 'zh', 'en'] },
    { id: 'vip', name: 'VIP desk', skills: ['VIP'] },
    { id: 'zh', name: 'Chinese desk', skills: ['zh'] },
  ];
  const cases: [string, string[], string | null][] = [
    ['a speciality beats a language', ['zh', 'security'], 'security'],
    ['of two teams speaking the language, the narrower one', ['zh'], 'zh'],
    ['the VIP desk takes VIPs', ['en', 'VIP'], 'vip'],
    ['a VIP whose account is compromised goes to security, not the VIP desk', ['zh', 'VIP', 'security'], 'security'],
    ['no shared skill: the org-wide queue', ['P2P'], null],
    ['no skills at all: the org-wide queue', [], null],
  ];
  for (const [name, skills, expected] of cases) {
    test(name, () => assert.equal(chooseTeam(teams, skills), expected));
  }
});

const agent = (id: string, over: Partial<RoutingAgent> = {}): RoutingAgent => ({
  id,
  status: 'online',
  capacity: 3,
  load: 0,
  skills: ['zh', 'en'],
  teamIds: [],
  lastAssignedAt: null,
  ...over,
});
const waiting = (id: string, over: Partial<WaitingConversation> = {}): WaitingConversation => ({
  id,
  priority: 'normal',
  queuedAt: new Date('2026-01-05T02:00:00Z'),
  requiredSkills: [],
  teamId: null,
  excludedAgentIds: [],
  ...over,
});

describe('the agent a conversation goes to', () => {
  const minutesAgo = (m: number) => new Date(Date.parse('2026-01-05T02:00:00Z') - m * 60_000);
  const cases: [string, RoutingAgent[], Partial<WaitingConversation>, string | undefined][] = [
    ['the lowest load wins', [agent('a', { load: 2 }), agent('b', { load: 1 })], {}, 'b'],
    [
      'load counts relative to capacity',
      [agent('a', { load: 2, capacity: 10 }), agent('b', { load: 1, capacity: 2 })],
      {},
      'a',
    ],
    [
      'on equal load, whoever has waited longest for work',
      [agent('a', { lastAssignedAt: minutesAgo(1) }), agent('b', { lastAssignedAt: minutesAgo(9) })],
      {},
      'b',
    ],
    [
      'an agent never assigned counts as idle longest',
      [agent('a', { lastAssignedAt: minutesAgo(60) }), agent('b')],
      {},
      'b',
    ],
    ['an offline agent is skipped', [agent('a', { status: 'offline' }), agent('b', { load: 2 })], {}, 'b'],
    ['an away agent is skipped', [agent('a', { status: 'away' })], {}, undefined],
    ['an agent at capacity is skipped', [agent('a', { load: 3 })], {}, undefined],
    ['a capacity of zero takes nothing', [agent('a', { capacity: 0 })], {}, undefined],
    [
      'the skills must all be there',
      [agent('a', { skills: ['zh'] }), agent('b', { skills: ['zh', 'security'], load: 2 })],
      { requiredSkills: ['zh', 'security'] },
      'b',
    ],
    [
      'a team conversation goes to a team member',
      [agent('a'), agent('b', { teamIds: ['t1'], load: 2 })],
      { teamId: 't1' },
      'b',
    ],
    [
      'an excluded (silent) agent is not picked again',
      [agent('a'), agent('b', { load: 1 })],
      { excludedAgentIds: ['a'] },
      'b',
    ],
  ];
  for (const [name, agents, conversation, expected] of cases) {
    test(name, () => assert.equal(chooseAgent(agents, waiting('c', conversation))?.id, expected));
  }
});

describe('planning a round of assignments', () => {
  const now = new Date('2026-01-05T03:00:00Z');

  test('work is spread evenly across equal agents', () => {
    const plan = planAssignments(
      [agent('a'), agent('b'), agent('c')],
      ['1', '2', '3', '4', '5', '6'].map((id, i) => waiting(id, { queuedAt: new Date(Date.UTC(2026, 0, 5, 2, i)) })),
      now,
    );
    const perAgent = new Map<string, number>();
    for (const p of plan) perAgent.set(p.agentId, (perAgent.get(p.agentId) ?? 0) + 1);
    assert.deepEqual([...perAgent.values()], [2, 2, 2]);
  });

  test('nobody is planned past their capacity and the rest keep waiting', () => {
    const plan = planAssignments(
      [agent('a', { capacity: 1 }), agent('b', { capacity: 2, load: 1 })],
      ['1', '2', '3', '4'].map((id) => waiting(id)),
      now,
    );
    assert.equal(plan.length, 2);
    assert.deepEqual(plan.map((p) => p.agentId).sort(), ['a', 'b']);
  });

  test('urgent conversations are served first, then the longest waiting', () => {
    const plan = planAssignments(
      [agent('a', { capacity: 2 })],
      [
        waiting('old-normal', { queuedAt: new Date('2026-01-05T01:00:00Z') }),
        waiting('new-urgent', { priority: 'urgent', queuedAt: new Date('2026-01-05T02:30:00Z') }),
        waiting('newer-normal', { queuedAt: new Date('2026-01-05T02:00:00Z') }),
      ],
      now,
    );
    assert.deepEqual(
      plan.map((p) => p.conversationId),
      ['new-urgent', 'old-normal'],
    );
  });

  test('the queue order is priority, then time queued', () => {
    const ordered = orderQueue([
      waiting('low', { priority: 'low', queuedAt: new Date('2026-01-05T00:00:00Z') }),
      waiting('high-late', { priority: 'high', queuedAt: new Date('2026-01-05T02:00:00Z') }),
      waiting('high-early', { priority: 'high', queuedAt: new Date('2026-01-05T01:00:00Z') }),
    ]);
    assert.deepEqual(
      ordered.map((c) => c.id),
      ['high-early', 'high-late', 'low'],
    );
  });
});

describe('the wait estimate and the acknowledgement', () => {
  const cases: [string, Parameters<typeof estimateWaitSeconds>[0], number | null][] = [
    ['no agent who can answer: no estimate', { position: 1, recentWaitSeconds: [60], agentsAvailable: 0 }, null],
    ['no history: the default wait per place', { position: 1, recentWaitSeconds: [], agentsAvailable: 1 }, 120],
    [
      'the median of recent waits, per place',
      { position: 2, recentWaitSeconds: [60, 90, 3000], agentsAvailable: 1 },
      180,
    ],
    ['more agents share the line', { position: 4, recentWaitSeconds: [120], agentsAvailable: 2 }, 240],
    ['never less than half a minute', { position: 1, recentWaitSeconds: [0], agentsAvailable: 5 }, 30],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => assert.equal(estimateWaitSeconds(input), expected));
  }

  test('the acknowledgement says the place and the wait in the customer’s language', () => {
    assert.match(queueAcknowledgement('zh-CN', 3, 240), /第 3 位.*约 4 分钟/);
    assert.match(queueAcknowledgement('zh-TW', 1, 60), /第 1 位.*預計約 1 分鐘/);
    assert.match(queueAcknowledgement('en', 2, 90), /number 2.*about 2 minutes/);
    assert.match(queueAcknowledgement('en', 1, 30), /about 1 minute\./);
    assert.match(queueAcknowledgement('en', 5, null), /number 5.*busy/);
    assert.match(queueAcknowledgement('zh-CN', 5, null), /客服暂时都在忙/);
  });
});
