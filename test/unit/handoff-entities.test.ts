import assert from 'node:assert/strict';
import { test } from 'node:test';
import { extractEntities } from '../../src/server/text/entities.ts';
import { entitiesForAgents } from '../../src/server/bot/handoff-entities.ts';

/** What an agent is shown from a message: validated entities only. */
const CASES: {
  text: string;
  orderIds: string[];
  amounts: string[];
  uids?: string[];
  slots?: { withdrawalId?: string };
}[] = [
  // The junk from the first-hour report: a bare long number after a keyword is not an order.
  { text: '提币 1796528309535 到现在还没到', orderIds: [], amounts: [] },
  { text: 'withdrawal W-5571340 is still pending', orderIds: ['W-5571340'], amounts: [] },
  { text: '我充了 500 USDT', orderIds: [], amounts: ['500 USDT'] },
  { text: 'I lost 3000 yesterday', orderIds: [], amounts: [] },
  { text: 'uid 28810375 cannot log in', orderIds: [], amounts: [], uids: ['28810375'] },
  { text: 'uid 13800138000123456 cannot log in', orderIds: [], amounts: [], uids: [] },
  // An id the bot itself looked up is validated by that look-up.
  {
    text: '提币单号 5571340123 还在审核',
    orderIds: ['5571340123'],
    amounts: [],
    slots: { withdrawalId: '5571340123' },
  },
];

for (const c of CASES) {
  test(`hand-off entities of "${c.text}"`, () => {
    const shown = entitiesForAgents(extractEntities(c.text), c.slots);
    assert.deepEqual(shown.orderIds, c.orderIds);
    assert.deepEqual(
      shown.amounts.map((a) => `${a.value} ${a.coin}`),
      c.amounts,
    );
    if (c.uids) assert.deepEqual(shown.uids, c.uids);
  });
}

test('hashes and valid addresses pass through untouched', () => {
  const entities = extractEntities(
    'TRC20 哈希 7c2d9a4f1b3e8c6d5a2f9e0b4c7d1a3e6f8b2c5d9e1a4f7b0c3d6e9f2a5b8c1d 地址 0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  );
  const shown = entitiesForAgents(entities);
  assert.deepEqual(shown.txHashes, entities.txHashes);
  assert.deepEqual(shown.addresses, entities.addresses);
  assert.equal(shown.txHashes.length, 1);
  assert.equal(shown.addresses.length, 1);
});
