import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as OpenCC from 'opencc-js/cn2t';
import { WITHDRAWAL_STATES, type ExchangeWithdrawal } from '../../src/server/exchange/exchange.types.ts';
import { noteFor } from '../../src/server/platform-status/platform-status.ts';
import { describeWithdrawal, directionWord, formatDuration } from '../../src/server/self-service/self-service.ts';

// cn → tw leaves Traditional text as it is and changes any Simplified-only character: a zh-TW sentence must survive it.
const toTw = OpenCC.Converter({ from: 'cn', to: 'tw' });
const simplifiedLeft = (text: string) => toTw(text).replace(/臺/g, '台') !== text.replace(/臺/g, '台');

const withdrawal = (state: ExchangeWithdrawal['state']): ExchangeWithdrawal => ({
  id: 'W-1',
  uid: '1',
  coin: 'USDT',
  network: 'TRC20',
  amount: '800',
  address: 'TJRabPrwbZy45sbavfcjinPJC18kjpRTv8',
  memo: null,
  state,
  reasonCode: state === 'rejected' ? 'risk_control' : null,
  txHash: state === 'broadcast' || state === 'completed' ? 'ab'.repeat(32) : null,
  createdAt: '2026-12-01T00:00:00Z',
  updatedAt: '2026-12-01T00:00:00Z',
});

for (const state of WITHDRAWAL_STATES) {
  test(`a ${state} withdrawal is described to a zh-TW reader in Traditional script`, () => {
    const text = describeWithdrawal(withdrawal(state), 'zh-TW', { confirmations: 5, required: 20 });
    assert.ok(!simplifiedLeft(text), text);
    assert.notEqual(text, describeWithdrawal(withdrawal(state), 'zh-CN', { confirmations: 5, required: 20 }));
  });
}

test('durations and directions follow the reader’s script', () => {
  assert.equal(formatDuration(600, 'zh-CN'), '10 分钟');
  assert.equal(formatDuration(600, 'zh-TW'), '10 分鐘');
  assert.equal(formatDuration(5400, 'zh-TW'), '1.5 小時');
  assert.equal(formatDuration(5400, 'en'), '1.5 h');
  assert.equal(directionWord('withdrawals', 'zh-TW'), '提幣');
  assert.equal(directionWord('deposits', 'en'), 'deposits');
});

test('a platform-status note written in Simplified only reaches zh-TW readers in Traditional', () => {
  const entry = {
    coin: 'USDT',
    network: 'ERC20',
    deposits: 'congested' as const,
    withdrawals: 'enabled' as const,
    note: { 'zh-CN': '以太坊网络拥堵，充值到账会延迟约 30 分钟。' },
    updatedAt: '2026-12-01T00:00:00Z',
  };
  assert.equal(noteFor(entry, 'zh-TW'), '以太坊網路擁堵，充值到帳會延遲約 30 分鐘。');
  assert.equal(noteFor({ ...entry, note: { ...entry.note, 'zh-TW': '自訂' } }, 'zh-TW'), '自訂');
  assert.equal(noteFor(entry, 'en'), entry.note['zh-CN'], 'no English note: the Chinese one rather than nothing');
});
