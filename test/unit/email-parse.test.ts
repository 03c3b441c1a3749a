import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { baseAddress, isAutomatic, isBounce, replyTokenOf, visiblePart } from '../../src/server/email/email-parse.ts';
import { renderSupportEmail, safeSubject } from '../../src/server/email/email-outbound.ts';

const mail = (headers: string, body = 'hello') =>
  simpleParser(`${headers}\r\nFrom: a@example.com\r\nTo: support@lumen.example\r\nSubject: s\r\n\r\n${body}`);

describe('machine mail is never answered', () => {
  const cases: [string, string, boolean][] = [
    ['a person', 'X-Mailer: Thunderbird', false],
    ['Auto-Submitted: no', 'Auto-Submitted: no', false],
    ['an auto-reply', 'Auto-Submitted: auto-replied', true],
    ['auto-generated', 'Auto-Submitted: auto-generated', true],
    ['a bulk mail', 'Precedence: bulk', true],
    ['a list', 'List-Id: <announce.example.com>', true],
    ['an unsubscribe link', 'List-Unsubscribe: <mailto:u@example.com>', true],
    ['Exchange out of office', 'X-Auto-Response-Suppress: All', true],
    ['X-Autoreply', 'X-Autoreply: yes', true],
  ];
  for (const [name, headers, automatic] of cases) {
    test(name, async () => assert.equal(isAutomatic(await mail(headers)), automatic));
  }
  test('a bounce from the mailer daemon or with an empty envelope sender', async () => {
    assert.equal(isBounce(await mail('X-A: 1'), 'a@example.com'), false);
    assert.equal(isBounce(await mail('X-A: 1'), ''), true);
    const daemon = await simpleParser('From: MAILER-DAEMON@mx.example.com\r\nSubject: failed\r\n\r\nx');
    assert.equal(isBounce(daemon, 'x@mx.example.com'), true);
  });
});

describe('what the customer wrote this time', () => {
  const cases: [string, string, string][] = [
    [
      'English quote',
      'Thanks, that worked!\n\nOn Mon, Dec 1, 2026 at 10:00 AM Support <s@x> wrote:\n> try again',
      'Thanks, that worked!',
    ],
    ['Chinese quote', '好的，已经到账了\n\n在 2026年12月1日 10:00，Support <s@x> 写道：\n> 请稍候', '好的，已经到账了'],
    ['a signature', 'Please check my withdrawal.\n\n-- \nLi Lei\nSent from my iPhone', 'Please check my withdrawal.'],
    ['nothing to trim', '提币一直在审核中', '提币一直在审核中'],
  ];
  for (const [name, text, visible] of cases) test(name, () => assert.equal(visiblePart(text), visible));
});

describe('reply addresses', () => {
  test('the token of a plus address, and the mailbox without it', () => {
    assert.equal(replyTokenOf('support+0123456789abcdef01234567@lumen.example'), '0123456789abcdef01234567');
    assert.equal(replyTokenOf('support+x@lumen.example'), null, 'too short to be ours');
    assert.equal(replyTokenOf('support@lumen.example'), null);
    assert.equal(baseAddress('Support+abc@Lumen.Example'), 'support@lumen.example');
  });
});

describe('support email template', () => {
  const base = { locale: 'en' as const, orgName: 'Lumen', number: 12, body: 'Hello <b>there</b>', author: 'Alex' };
  test('the anti-phishing code opens the mail, in text and HTML', () => {
    const mail = renderSupportEmail({ ...base, antiPhishing: { kind: 'code', code: 'LUMEN-1' } });
    assert.match(mail.text, /^【Your anti-phishing code: LUMEN-1】\n/);
    assert.match(mail.html, /<div[^>]*>Your anti-phishing code: LUMEN-1<\/div>/);
    assert.match(mail.html, /Hello &lt;b&gt;there&lt;\/b&gt;/, 'the body is escaped');
  });
  test('without a code the mail says how to get one, in the customer’s language', () => {
    assert.match(
      renderSupportEmail({ ...base, antiPhishing: { kind: 'not_set' } }).text,
      /^【You have not set an anti-phishing code/,
    );
    assert.match(
      renderSupportEmail({ ...base, locale: 'zh-TW', antiPhishing: { kind: 'not_set' } }).text,
      /^【您尚未設定防釣魚碼/,
    );
  });
  test('a subject cannot carry a header', () => {
    assert.equal(safeSubject('hi\r\nBcc: victim@example.com'), 'hi Bcc: victim@example.com');
  });
});
