import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  allowedActions,
  type ExchangeProfileData,
  maskEmail,
  maskForRole,
  maskIp,
  maskMemo,
  shortenAddress,
} from '../../src/server/exchange/role-policy.ts';

describe('masking a customer exchange profile by staff role', () => {
  const cases: [string, (value: string) => string, string, string][] = [
    [
      'an e-mail keeps the first and last letter of the mailbox and the domain',
      maskEmail,
      'maria.lopez@example.com',
      'm•••z@example.com',
    ],
    ['a one-letter e-mail keeps that letter', maskEmail, 'm@example.com', 'm•••@example.com'],
    ['something that is not an e-mail is hidden', maskEmail, 'not-an-email', '•••'],
    ['an IPv4 address is cut to its /24', maskIp, '203.0.113.24', '203.0.113.x'],
    ['an IPv4-mapped IPv6 address is cut like IPv4', maskIp, '::ffff:198.51.100.7', '198.51.100.x'],
    ['a compressed IPv6 address is cut to its /48', maskIp, '2001:db8:4a2f:17::21', '2001:db8:4a2f::x'],
    ['an IPv6 address compressed early is expanded first', maskIp, '2001:db8::1', '2001:db8:0::x'],
    ['a full IPv6 address drops leading zeros', maskIp, '2001:0db8:0a0b:12f0:0000:0000:0000:0001', '2001:db8:a0b::x'],
    ['an unreadable IP is hidden', maskIp, 'unknown', 'x'],
    ['a long address keeps its ends', shortenAddress, 'TRtrjmzwvAv7XWFjPstbN94wGESqd5yG61', 'TRtrjm•••yG61'],
    ['a short address keeps its last four', shortenAddress, 'abc123xyz', '•••3xyz'],
    ['a memo keeps its last four digits', maskMemo, '104837261', '***7261'],
    ['a short memo is hidden', maskMemo, '1234', '***'],
  ];
  for (const [name, mask, input, expected] of cases) {
    test(name, () => assert.equal(mask(input), expected));
  }

  const profile: ExchangeProfileData = {
    account: {
      uid: '11873402',
      email: 'chen.ling@example.cn',
      kycLevel: 3,
      vipLevel: 5,
      status: 'active',
      registeredAt: '2023-01-01T00:00:00.000Z',
      locale: 'zh-CN',
      antiPhishingCode: 'CL2019lumen',
    },
    depositAddresses: [
      { coin: 'XRP', network: 'XRP', address: 'rMVuCh2DCeDReBi3UTidjRTuU2hXFyP2g2', memo: '300451877' },
    ],
    deposits: [],
    withdrawals: [
      {
        id: 'W-1',
        uid: '11873402',
        coin: 'USDT',
        network: 'TRC20',
        amount: '9800',
        address: 'TBbhsA4FyX1XfE66DBTBCizT2p3FbRJHTi',
        memo: null,
        state: 'broadcast',
        reasonCode: null,
        txHash: '5f6198d6bafe64f61c0adb6779e97203cc74afb397d0d2d9e0ea7b696e2b46c1',
        createdAt: '2026-01-05T01:40:00.000Z',
        updatedAt: '2026-01-05T01:42:00.000Z',
      },
    ],
    logins: [{ at: '2026-01-05T01:36:00.000Z', ip: '198.51.100.77', device: 'Windows 10', country: 'NG' }],
  };

  const byRole = [
    {
      role: 'agent' as const,
      email: 'c•••g@example.cn',
      antiPhishingCode: '***',
      address: 'TBbhsA•••JHTi',
      memo: '***1877',
      ip: '198.51.100.x',
    },
    {
      role: 'supervisor' as const,
      email: 'chen.ling@example.cn',
      antiPhishingCode: 'CL***',
      address: 'TBbhsA4FyX1XfE66DBTBCizT2p3FbRJHTi',
      memo: '300451877',
      ip: '198.51.100.77',
    },
    {
      role: 'admin' as const,
      email: 'chen.ling@example.cn',
      antiPhishingCode: 'CL***',
      address: 'TBbhsA4FyX1XfE66DBTBCizT2p3FbRJHTi',
      memo: '300451877',
      ip: '198.51.100.77',
    },
  ];
  for (const expected of byRole) {
    test(`the ${expected.role} role sees e-mail, anti-phishing code, addresses, memos and IPs as the table says`, () => {
      const masked = maskForRole(expected.role, profile);
      assert.equal(masked.account?.email, expected.email);
      assert.equal(masked.account?.antiPhishingCode, expected.antiPhishingCode);
      assert.equal(masked.withdrawals[0].address, expected.address);
      assert.equal(masked.depositAddresses[0].memo, expected.memo);
      assert.equal(masked.logins[0].ip, expected.ip);
      // What is not personal passes unchanged, whatever the role.
      assert.equal(masked.withdrawals[0].txHash, profile.withdrawals[0].txHash);
      assert.equal(masked.account?.uid, '11873402');
    });
  }

  test('masking leaves the original profile untouched', () => {
    maskForRole('agent', profile);
    assert.equal(profile.account?.email, 'chen.ling@example.cn');
  });
});

describe('what each role may do to an exchange account', () => {
  const cases = [
    { role: 'agent', status: 'active', actions: ['freeze'] },
    { role: 'agent', status: 'frozen', actions: ['request_unfreeze'] },
    { role: 'supervisor', status: 'active', actions: ['freeze', 'revoke_sessions'] },
    { role: 'supervisor', status: 'frozen', actions: ['revoke_sessions', 'request_unfreeze', 'approve_unfreeze'] },
    { role: 'admin', status: 'locked', actions: ['freeze', 'revoke_sessions'] },
  ] as const;
  for (const c of cases) {
    test(`the ${c.role} role, on an account that is ${c.status}, may: ${c.actions.join(', ')}`, () => {
      assert.deepEqual(allowedActions(c.role, c.status), c.actions);
    });
  }
});
