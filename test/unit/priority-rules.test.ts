import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_SLA_POLICY } from '../../src/contracts/sla.ts';
import {
  decidePriority,
  mentionsUnauthorisedWithdrawal,
  type PriorityFacts,
} from '../../src/server/priorities/priority-rules.ts';

const rules = DEFAULT_SLA_POLICY.priorityRules; // 1,000 USDT, VIP 3
const sure = { confidence: 0.9 };

describe('priority rules', () => {
  const cases: { name: string; facts: PriorityFacts; priority: string; reasons: string[] }[] = [
    { name: 'an ordinary customer', facts: { vipLevel: 0 }, priority: 'normal', reasons: [] },
    { name: 'a VIP at the threshold', facts: { vipLevel: 3 }, priority: 'high', reasons: ['vip'] },
    { name: 'a VIP below the threshold', facts: { vipLevel: 2 }, priority: 'normal', reasons: [] },
    {
      name: 'a compromised account',
      facts: { vipLevel: 0, intent: 'account_compromised', ...sure },
      priority: 'urgent',
      reasons: ['account_compromised'],
    },
    {
      name: 'a compromised account the bot is unsure of',
      facts: { vipLevel: 0, intent: 'account_compromised', confidence: 0.3 },
      priority: 'normal',
      reasons: [],
    },
    {
      name: 'an unauthorised withdrawal',
      facts: { vipLevel: 0, intent: 'withdrawal_status', ...sure, unauthorisedWithdrawal: true },
      priority: 'urgent',
      reasons: ['unauthorised_withdrawal'],
    },
    {
      name: 'a missing deposit of 5,000 USDT',
      facts: { vipLevel: 0, intent: 'deposit_missing', ...sure, amounts: [{ value: '5,000', coin: 'USDT' }] },
      priority: 'urgent',
      reasons: ['large_missing_deposit'],
    },
    {
      name: 'a missing deposit of exactly 1,000 USDC',
      facts: { vipLevel: 0, intent: 'deposit_missing', ...sure, amounts: [{ value: '1000', coin: 'usdc' }] },
      priority: 'urgent',
      reasons: ['large_missing_deposit'],
    },
    {
      name: 'a missing deposit of 999 USDT',
      facts: { vipLevel: 0, intent: 'deposit_missing', ...sure, amounts: [{ value: '999', coin: 'USDT' }] },
      priority: 'normal',
      reasons: [],
    },
    {
      name: 'a missing deposit of 2 BTC without a price',
      facts: { vipLevel: 0, intent: 'deposit_missing', ...sure, amounts: [{ value: '2', coin: 'BTC' }] },
      priority: 'normal',
      reasons: [],
    },
    {
      name: 'a VIP whose missing deposit is large is urgent, not high',
      facts: { vipLevel: 5, intent: 'deposit_missing', ...sure, amounts: [{ value: '20000', coin: 'USDT' }] },
      priority: 'urgent',
      reasons: ['large_missing_deposit'],
    },
    {
      name: 'a furious customer goes up one level',
      facts: { vipLevel: 0, sentimentLabel: 'very_negative' },
      priority: 'high',
      reasons: ['very_negative_sentiment'],
    },
    {
      name: 'a furious VIP goes up to urgent',
      facts: { vipLevel: 4, sentimentLabel: 'very_negative' },
      priority: 'urgent',
      reasons: ['vip', 'very_negative_sentiment'],
    },
    {
      name: 'a merely negative customer stays normal',
      facts: { vipLevel: 0, sentimentLabel: 'negative' },
      priority: 'normal',
      reasons: [],
    },
    {
      name: 'a complaint is at least high',
      facts: { vipLevel: 0, intent: 'complaint', ...sure },
      priority: 'high',
      reasons: ['complaint'],
    },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.priority}`, () => {
      const decision = decidePriority(c.facts, rules);
      assert.equal(decision.priority, c.priority);
      assert.deepEqual(decision.reasons, c.reasons);
    });
  }

  test('a configured price counts other coins toward the threshold', () => {
    const withPrices = { ...rules, prices: { BTC: 60_000 } };
    const facts: PriorityFacts = {
      vipLevel: 0,
      intent: 'deposit_missing',
      ...sure,
      amounts: [{ value: '0.5', coin: 'BTC' }],
    };
    assert.equal(decidePriority(facts, withPrices).priority, 'urgent');
  });

  test('the threshold is the organization’s', () => {
    const facts: PriorityFacts = {
      vipLevel: 0,
      intent: 'deposit_missing',
      ...sure,
      amounts: [{ value: '600', coin: 'USDT' }],
    };
    assert.equal(decidePriority(facts, { ...rules, missingDepositUrgentAmount: 500 }).priority, 'urgent');
  });
});

describe('unauthorised withdrawals in the customer’s words', () => {
  const cases: { text: string; unauthorised: boolean }[] = [
    { text: 'There is an unauthorized withdrawal from my account', unauthorised: true },
    { text: 'a withdrawal of 3 ETH happened but it was not me', unauthorised: true },
    { text: "I didn't make this withdrawal!!", unauthorised: true },
    { text: 'someone withdrew all my USDT', unauthorised: true },
    { text: '我的账户有一笔提现不是我操作的', unauthorised: true },
    { text: '不是我提现的，账户被盗了', unauthorised: true },
    { text: '有人把我的币提走了', unauthorised: true },
    { text: '我沒有申請提幣', unauthorised: true },
    { text: 'how long does a withdrawal take?', unauthorised: false },
    { text: '提现多久到账', unauthorised: false },
  ];
  for (const c of cases) {
    test(`"${c.text}" ${c.unauthorised ? 'is' : 'is not'} an unauthorised withdrawal`, () => {
      assert.equal(mentionsUnauthorisedWithdrawal(c.text), c.unauthorised);
    });
  }
});
