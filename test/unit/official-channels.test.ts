import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  claimsToBeStaff,
  extractChannelCandidates,
  normalizeChannel,
} from '../../src/server/trust/official-channels.ts';

const normalizations: [Parameters<typeof normalizeChannel>[0], string, string][] = [
  ['url', 'https://WWW.Lumen.example/login?x=1', 'www.lumen.example'],
  ['url', 'lumen.example', 'lumen.example'],
  ['url', 'lumen-support.example', 'lumen-support.example'],
  ['email', 'Support@Lumen.Example', 'support@lumen.example'],
  ['telegram', '@Lumen_Support', 'lumen_support'],
  ['telegram', 'https://t.me/lumen_support', 'lumen_support'],
  ['phone', '+86 400-123-4567', '+864001234567'],
  ['phone', '0086 400 123 4567', '+864001234567'],
  ['wallet', '0xAbCdEf0000000000000000000000000000000001', '0xabcdef0000000000000000000000000000000001'],
];

for (const [kind, raw, expected] of normalizations) {
  test(`channel: ${kind} "${raw}" is looked up as "${expected}"`, () => {
    assert.equal(normalizeChannel(kind, raw), expected);
  });
}

test('a message naming a Telegram handle, a site and an email yields each as a candidate', () => {
  const found = extractChannelCandidates(
    '客服 @lumen_help_desk 让我去 lumen-verify.example 登录，还发邮件 admin@lumen-verify.example',
  );
  const kinds = found.map((c) => `${c.kind}:${c.value}`).sort();
  assert.deepEqual(kinds, ['email:admin@lumen-verify.example', 'telegram:lumen_help_desk', 'url:lumen-verify.example']);
});

test('a t.me link is a Telegram candidate, not a website', () => {
  const found = extractChannelCandidates('is https://t.me/lumen_official real?');
  assert.deepEqual(
    found.map((c) => c.kind),
    ['telegram'],
  );
});

const claims: [string, boolean][] = [
  ['Someone from Lumen support messaged me on Telegram', true],
  ['自称官方客服的人加了我', true],
  ['I want to withdraw my USDT', false],
  ['我的充值没到', false],
];
for (const [text, expected] of claims) {
  test(`"${text}" ${expected ? 'claims' : 'does not claim'} to be staff`, () =>
    assert.equal(claimsToBeStaff(text), expected));
}
