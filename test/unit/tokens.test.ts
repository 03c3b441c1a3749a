import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isVisitorTokenExpired,
  readVisitorToken,
  signIdentityToken,
  signToken,
  signVisitorToken,
  VISITOR_TOKEN_TTL_SECONDS,
  verifyIdentityToken,
  verifyToken,
  verifyVisitorToken,
} from '../../src/server/visitors/tokens.ts';

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

test('a visitor token opens the API until it expires, a day after it was issued', () => {
  const { token, expiresAt } = signVisitorToken(KEY, 'org-1', 'contact-1', now);
  assert.equal(expiresAt.getTime(), now + VISITOR_TOKEN_TTL_SECONDS * 1000);
  assert.deepEqual(verifyVisitorToken(KEY, token, now), { orgId: 'org-1', contactId: 'contact-1' });
  assert.deepEqual(verifyVisitorToken(KEY, token, expiresAt.getTime() - 1000), {
    orgId: 'org-1',
    contactId: 'contact-1',
  });
  assert.equal(verifyVisitorToken(KEY, token, expiresAt.getTime()), undefined);
  // Expired, it still names its visitor for a renewal.
  assert.deepEqual(readVisitorToken(KEY, token), { orgId: 'org-1', contactId: 'contact-1', expiresAt });
});

test('a visitor token from before tokens expired (v1, no exp) is read as expired, not as forged', () => {
  const legacy = signToken(KEY, { o: 'org-1', c: 'contact-1', v: 1 });
  assert.equal(verifyVisitorToken(KEY, legacy, now), undefined);
  const claims = readVisitorToken(KEY, legacy);
  assert.deepEqual(claims, { orgId: 'org-1', contactId: 'contact-1', expiresAt: null });
  assert.equal(claims && isVisitorTokenExpired(claims, now), true);
});

test('a visitor token is refused when forged, re-dated or of an unknown version', () => {
  const { token } = signVisitorToken(KEY, 'org-1', 'contact-1', now);
  assert.equal(readVisitorToken('other-key', token), undefined);
  const redated = Buffer.from(JSON.stringify({ o: 'org-1', c: 'contact-1', v: 2, exp: 4102444800 })).toString(
    'base64url',
  );
  assert.equal(readVisitorToken(KEY, `${redated}.${token.split('.')[1]}`), undefined);
  assert.equal(readVisitorToken(KEY, signToken(KEY, { o: 'org-1', c: 'contact-1', v: 3, exp: 4102444800 })), undefined);
  assert.equal(readVisitorToken(KEY, signToken(KEY, { o: 'org-1', c: 'contact-1', v: 2 })), undefined);
});
