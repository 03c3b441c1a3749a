import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChainTxLookup } from '../../src/server/chains/chains.types.ts';
import type { DepositAddress, ExchangeDeposit } from '../../src/server/exchange/exchange.types.ts';
import {
  addDecimals,
  assessDeposit,
  assessExchangeDeposit,
  compareDecimals,
  type DepositFacts,
} from '../../src/server/self-service/deposit-assessment.ts';

const USDT_TRON = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';
const MY_ADDRESS = 'TJRabPrwbZy45sbavfcjinPJC18kjpRTv8';
const OTHER_ADDRESS = 'TXLAQ63Xg1NAzckPwKHvzw7CSEmLMEqcdj';
const TX = 'a'.repeat(64);

const confirmed = (over: Partial<Extract<ChainTxLookup, { found: true }>> = {}): ChainTxLookup => ({
  found: true,
  network: 'TRC20',
  txHash: TX,
  status: 'confirmed',
  confirmations: 25,
  requiredConfirmations: 20,
  blockNumber: 100,
  blockTime: '2026-11-23T10:00:00Z',
  transfers: [{ coin: 'USDT', amount: '500', from: OTHER_ADDRESS, to: MY_ADDRESS, tokenContract: USDT_TRON }],
  estimatedSecondsLeft: 0,
  ...over,
});

const addresses: DepositAddress[] = [{ coin: 'USDT', network: 'TRC20', address: MY_ADDRESS, memo: null }];
const credited: ExchangeDeposit = {
  id: 'd1',
  uid: '1',
  coin: 'USDT',
  network: 'TRC20',
  amount: '500',
  txHash: TX,
  address: MY_ADDRESS,
  memo: null,
  status: 'credited',
  creditedAt: '2026-11-23T10:05:00Z',
  createdAt: '2026-11-23T10:00:00Z',
};

const base: DepositFacts = {
  network: 'TRC20',
  coin: 'USDT',
  lookup: confirmed(),
  foundOnSibling: null,
  config: { minDeposit: { USDT: '1' }, memoRequired: false, tokens: { USDT: USDT_TRON }, nativeCoin: 'TRX' },
  depositAddresses: addresses,
  exchangeDeposit: null,
};

const table: { name: string; facts: Partial<DepositFacts>; expect: string; check?: (f: any) => void }[] = [
  {
    name: 'a hash found nowhere is not found',
    facts: { lookup: { found: false, network: 'TRC20' } },
    expect: 'not_found',
  },
  {
    name: 'a hash found on a sibling network is the wrong-network case',
    facts: { network: 'ERC20', lookup: { found: false, network: 'ERC20' }, foundOnSibling: 'BEP20' },
    expect: 'wrong_network',
    check: (f) => assert.equal(f.foundOn, 'BEP20'),
  },
  {
    name: 'a failed transaction never left the wallet',
    facts: { lookup: confirmed({ status: 'failed' }) },
    expect: 'failed_on_chain',
  },
  {
    name: 'a transfer to someone else is not the customer’s address',
    facts: {
      lookup: confirmed({
        transfers: [{ coin: 'USDT', amount: '500', from: MY_ADDRESS, to: OTHER_ADDRESS, tokenContract: USDT_TRON }],
      }),
    },
    expect: 'not_user_address',
    check: (f) => assert.deepEqual(f.to, [OTHER_ADDRESS]),
  },
  {
    name: 'too few confirmations is pending with the count and time left',
    facts: {
      lookup: confirmed({ status: 'pending', confirmations: 2, requiredConfirmations: 20, estimatedSecondsLeft: 54 }),
    },
    expect: 'pending',
    check: (f) => assert.deepEqual([f.confirmations, f.required, f.etaSeconds], [2, 20, 54]),
  },
  { name: 'a credited deposit says when', facts: { exchangeDeposit: credited }, expect: 'credited' },
  {
    name: 'below the minimum is not credited automatically',
    facts: {
      lookup: confirmed({
        transfers: [{ coin: 'USDT', amount: '0.5', from: OTHER_ADDRESS, to: MY_ADDRESS, tokenContract: USDT_TRON }],
      }),
    },
    expect: 'below_minimum',
    check: (f) => assert.equal(f.minimum, '1'),
  },
  {
    name: 'a memo network without the right memo is the memo case',
    facts: {
      config: { minDeposit: {}, memoRequired: true, tokens: { USDT: USDT_TRON }, nativeCoin: 'TRX' },
      depositAddresses: [{ ...addresses[0], memo: '884422' }],
      transferMemo: null,
    },
    expect: 'memo_missing',
  },
  { name: 'confirmed but not credited goes to an investigation', facts: {}, expect: 'confirmed_not_credited' },
  {
    name: 'without a signed-in customer a confirmed deposit cannot be verified',
    facts: { depositAddresses: null },
    expect: 'confirmed_unverified',
  },
  {
    name: 'the token contract identifies the coin when the chain adapter does not name it',
    facts: {
      lookup: confirmed({
        transfers: [{ coin: null, amount: '20', from: OTHER_ADDRESS, to: MY_ADDRESS, tokenContract: USDT_TRON }],
      }),
    },
    expect: 'confirmed_not_credited',
    check: (f) => assert.equal(f.amount, '20'),
  },
];

for (const row of table) {
  test(`deposit: ${row.name}`, () => {
    const finding = assessDeposit({ ...base, ...row.facts });
    assert.equal(finding.kind, row.expect);
    row.check?.(finding);
  });
}

const pendingRecord = (over: Partial<ExchangeDeposit>): ExchangeDeposit => ({
  ...credited,
  status: 'pending',
  creditedAt: null,
  confirmations: 5,
  requiredConfirmations: 20,
  ...over,
});
const tronConfig = { minDeposit: { USDT: '1' }, blockTimeSeconds: 3 };

const exchangeTable: {
  name: string;
  deposit: ExchangeDeposit;
  config?: typeof tronConfig;
  expect: string | null;
  check?: (f: any) => void;
}[] = [
  { name: 'a credited record is credited', deposit: credited, config: tronConfig, expect: 'credited' },
  { name: 'a credited record needs no network settings', deposit: credited, expect: 'credited' },
  {
    name: 'a pending record short of its confirmations is pending, with the time left from the block time',
    deposit: pendingRecord({}),
    config: tronConfig,
    expect: 'pending',
    check: (f) => assert.deepEqual([f.confirmations, f.required, f.etaSeconds], [5, 20, 45]),
  },
  {
    name: 'a pending record past its confirmations is stuck: confirmed, not credited',
    deposit: pendingRecord({ confirmations: 1180 }),
    config: tronConfig,
    expect: 'confirmed_not_credited',
    check: (f) => assert.deepEqual([f.amount, f.coin, f.confirmations], ['500', 'USDT', 1180]),
  },
  {
    name: 'a stuck record under the minimum is below the minimum',
    deposit: pendingRecord({ confirmations: 30, amount: '0.5' }),
    config: tronConfig,
    expect: 'below_minimum',
  },
  {
    name: 'a pending record without confirmation counts settles nothing',
    deposit: pendingRecord({ confirmations: null, requiredConfirmations: null }),
    config: tronConfig,
    expect: null,
  },
  { name: 'a pending record on an unknown network settles nothing', deposit: pendingRecord({}), expect: null },
  {
    name: 'a failed record settles nothing',
    deposit: { ...credited, status: 'failed' },
    config: tronConfig,
    expect: null,
  },
];

for (const row of exchangeTable) {
  test(`exchange record: ${row.name}`, () => {
    const finding = assessExchangeDeposit(row.deposit, row.config);
    assert.equal(finding?.kind ?? null, row.expect);
    if (finding) row.check?.(finding);
  });
}

test('decimal amounts compare and add exactly, never as floats', () => {
  assert.equal(compareDecimals('0.1', '0.10'), 0);
  assert.equal(compareDecimals('9.99', '10'), -1);
  assert.equal(compareDecimals('1000000.000001', '1000000'), 1);
  assert.equal(addDecimals(['0.1', '0.2']), '0.3');
  assert.equal(addDecimals(['1.5', '2.25', '3']), '6.75');
});
