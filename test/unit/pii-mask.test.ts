import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ContactSummary, Message } from '../../src/contracts/domain.ts';
import type { Actor } from '../../src/server/context.ts';
import { maskAddress, maskEmail, maskPhone, maskTelegram, maskUid } from '../../src/server/privacy/pii-mask.ts';
import { maskContact, messageForViewer, seesPii } from '../../src/server/privacy/pii-policy.ts';

describe('masking a customer’s personal data for staff without pii_read', () => {
  const cases: [string, (value: string) => string, string, string][] = [
    [
      'an email keeps the first and last letter of the mailbox and the domain',
      maskEmail,
      'alice.wong@example.com',
      'a•••g@example.com',
    ],
    ['a two-letter mailbox keeps only its first letter', maskEmail, 'al@example.com', 'a•••@example.com'],
    ['a one-letter mailbox keeps that letter', maskEmail, 'a@example.com', 'a•••@example.com'],
    ['an address with @ in the mailbox splits at the last @', maskEmail, '"a@b"@example.com', '"•••"@example.com'],
    ['something that is not an email is hidden', maskEmail, 'not-an-email', '•••'],
    ['a phone keeps its country code and last 4 digits', maskPhone, '+8613800138000', '+86 ••• 8000'],
    ['a phone of another country keeps its code', maskPhone, '+14155550123', '+1 ••• 0123'],
    ['a Taiwan mobile keeps +886', maskPhone, '+886912345678', '+886 ••• 5678'],
    ['a number without a country code keeps its last 4', maskPhone, '13800138000', '••• 8000'],
    ['a number of 4 digits or fewer is hidden', maskPhone, '+1234', '•••'],
    [
      'a crypto address keeps its first 6 and last 4',
      maskAddress,
      'TRtrjmzwvAv7XWFjPstbN94wGESqd5yG61',
      'TRtrjm•••yG61',
    ],
    [
      'an EVM address keeps 0x and 4, and its last 4',
      maskAddress,
      '0x52908400098527886E0F7030069857D2E4169EE7',
      '0x5290•••9EE7',
    ],
    ['a short address keeps its last 4', maskAddress, 'abc123xyz', '•••3xyz'],
    ['a UID keeps its last 4', maskUid, '10004821', '•••4821'],
    ['a UID of 4 characters is hidden whole', maskUid, '4821', '•••'],
    ['a Telegram chat id is masked like a UID', maskTelegram, '520013377', '•••3377'],
    ['a Telegram username keeps its first letter', maskTelegram, '@alicewong', '@a•••'],
    ['a bare Telegram username keeps its first letter', maskTelegram, 'alicewong', 'a•••'],
  ];
  for (const [name, mask, input, expected] of cases) {
    test(name, () => assert.equal(mask(input), expected));
  }

  test('no mask gives back the value it was given', () => {
    for (const [, mask, input] of cases) assert.notEqual(mask(input), input);
  });
});

describe('who sees personal data in full', () => {
  const agent = (role: 'admin' | 'supervisor' | 'agent', permissions: string[] = []): Actor => ({
    kind: 'agent',
    id: 'a',
    name: 'A',
    role,
    permissions,
  });
  const cases: [string, Actor, boolean][] = [
    ['an admin', agent('admin'), true],
    ['a supervisor', agent('supervisor'), true],
    ['a plain agent', agent('agent'), false],
    ['a plain agent with reports_read only', agent('agent', ['reports_read', 'kb_editor']), false],
    ['an agent granted pii_read', agent('agent', ['pii_read']), true],
    ['the customer (their own data)', { kind: 'customer', contactId: 'c', name: null }, true],
    ['the bot', { kind: 'bot', name: 'bot' }, true],
    ['system code', { kind: 'system' }, true],
  ];
  for (const [name, actor, expected] of cases) {
    test(`${name}: ${expected ? 'in full' : 'masked'}`, () => assert.equal(seesPii(actor), expected));
  }
});

describe('masking shapes', () => {
  test('a contact: email, UID and every identity masked, flagged masked, the rest kept', () => {
    const contact: ContactSummary = {
      id: 'c1',
      name: 'Alice Wong',
      email: 'alice.wong@example.com',
      exchangeUid: '10004821',
      locale: 'en',
      vipLevel: 2,
      identities: [
        { kind: 'email', value: 'alice.wong@example.com' },
        { kind: 'phone', value: '+8613800138000' },
        { kind: 'telegram', value: '520013377' },
        { kind: 'exchange_uid', value: '10004821' },
      ],
    };
    assert.deepEqual(maskContact(contact), {
      id: 'c1',
      name: 'Alice Wong',
      email: 'a•••g@example.com',
      exchangeUid: '•••4821',
      locale: 'en',
      vipLevel: 2,
      identities: [
        { kind: 'email', value: 'a•••g@example.com' },
        { kind: 'phone', value: '+86 ••• 8000' },
        { kind: 'telegram', value: '•••3377' },
        { kind: 'exchange_uid', value: '•••4821' },
      ],
      masked: true,
    });
  });

  test('an inbound email’s sender address is masked, its body and other metadata kept', () => {
    const message = {
      id: 'm1',
      body: 'Write to me at alice.wong@example.com',
      meta: { email: { from: 'alice.wong@example.com', subject: 'Deposit' }, bot: { intent: 'deposit' } },
    } as unknown as Message;
    const masked = messageForViewer(false, message);
    assert.deepEqual(masked.meta, {
      email: { from: 'a•••g@example.com', subject: 'Deposit' },
      bot: { intent: 'deposit' },
    });
    assert.equal(masked.body, message.body);
    assert.equal(messageForViewer(true, message), message);
  });

  test('a Telegram message’s chat id is masked, its message id kept; a message naming nobody is left as it is', () => {
    const message = {
      id: 'm2',
      body: 'hi',
      meta: { telegram: { chatId: 520013377, messageId: 42 } },
    } as unknown as Message;
    assert.deepEqual(messageForViewer(false, message).meta, { telegram: { chatId: '•••3377', messageId: 42 } });
    const plain = { id: 'm3', body: 'hi', meta: { bot: { intent: 'greeting' } } } as unknown as Message;
    assert.equal(messageForViewer(false, plain), plain);
  });
});
