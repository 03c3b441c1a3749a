import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signIdentityToken, signToken, verifyIdentityToken, verifyToken } from '../../src/server/visitors/tokens.ts';

const KEY = 'exchange-secret';
const now = Date.UTC(2026, 10, 23);
const exp = Math.floor(now / 1000) + 60;

const rows: { name: string; token: string; valid: boolean }[] = [
  { name: 'a genuine token', token: signIdentityToken(KEY, { uid: '42', exp }), valid: true },
  { name: 'signed with another key', token: signIdentityToken('other', { uid: '42', exp }), valid: false },
  { name: 'expired', token: signIdentityToken(KEY, { uid: '42', exp: Math.floor(now / 1000) - 1 }), valid: false },
  { name: 'without a uid', token: signToken(KEY, { exp }), valid: false },
  {
    name: 'with a payload swapped under the signature',
    token: swapPayload(signIdentityToken(KEY, { uid: '42', exp })),
    valid: false,
  },
  { name: 'with two dots', token: `${signIdentityToken(KEY, { uid: '42', exp })}.x`, valid: false },
  { name: 'empty', token: '', valid: false },
];

function swapPayload(token: string): string {
  const signature = token.split('.')[1];
  return `${Buffer.from(JSON.stringify({ uid: '1', exp })).toString('base64url')}.${signature}`;
}

for (const row of rows) {
  test(`identity token ${row.name} is ${row.valid ? 'accepted' : 'rejected'}`, () => {
    assert.equal(verifyIdentityToken(KEY, row.token, now) !== undefined, row.valid);
  });
}

test('a token that is not a JSON object is rejected even when signed', () => {
  const body = Buffer.from('[1,2]').toString('base64url');
  const signed = signToken(KEY, {}).split('.')[1];
  assert.equal(verifyToken(KEY, `${body}.${signed}`), undefined);
});
