import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { base58, createBase58check } from '@scure/base';
import { entropyToMnemonic, validateMnemonic } from '@scure/bip39';
import { wordlist as english } from '@scure/bip39/wordlists/english.js';
import { wordlist as simplified } from '@scure/bip39/wordlists/simplified-chinese.js';
import { wordlist as traditional } from '@scure/bip39/wordlists/traditional-chinese.js';
import type { Locale } from '../../src/contracts/domain.ts';
import type { RequestedSecretKind, SecretKind } from '../../src/server/secrets/secret-guard.ts';
import {
  detectSecretRequest,
  detectSecrets,
  redactSecrets,
  screenFreeText,
  screenFreeTextIn,
  secretRequestExplanation,
  secretWarning,
} from '../../src/server/secrets/secret-guard.ts';

// ---- fixtures from fixed bytes ----

const sha256 = (data: Uint8Array): Uint8Array => createHash('sha256').update(data).digest();
const base58check = createBase58check(sha256);
const bytes = (length: number, seed: number): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (i * 53 + seed * 17 + 3) & 0xff);
const hex = (data: Uint8Array): string => Buffer.from(data).toString('hex');

const EN12 = entropyToMnemonic(bytes(16, 1), english);
const EN15 = entropyToMnemonic(bytes(20, 2), english);
const EN18 = entropyToMnemonic(bytes(24, 3), english);
const EN21 = entropyToMnemonic(bytes(28, 4), english);
const EN24 = entropyToMnemonic(bytes(32, 5), english);
const ZH12 = entropyToMnemonic(bytes(16, 6), simplified);
const ZH24 = entropyToMnemonic(bytes(32, 7), simplified);
const TW12 = entropyToMnemonic(bytes(16, 8), traditional);

// Twelve wordlist words whose checksum fails: what a customer who mistyped one word would send.
function breakChecksum(phrase: string, wordlist: string[]): string {
  const words = phrase.split(' ');
  for (const candidate of wordlist) {
    const attempt = [...words.slice(0, -1), candidate].join(' ');
    if (!validateMnemonic(attempt, wordlist)) return attempt;
  }
  throw new Error('unreachable');
}
const EN12_BROKEN = breakChecksum(EN12, english);
const ZH12_BROKEN = breakChecksum(ZH12, simplified);

const KEY_HEX = hex(bytes(32, 9));
/** How wallets and paper backups show a key: groups of `size` hex digits joined by `separator`. */
const grouped = (digits: string, size: number, separator: string): string =>
  digits.match(new RegExp(`.{${size}}`, 'g'))!.join(separator);
const WIF_UNCOMPRESSED = base58check.encode(Uint8Array.from([0x80, ...bytes(32, 10)]));
const WIF_COMPRESSED = base58check.encode(Uint8Array.from([0x80, ...bytes(32, 11), 0x01]));
const WIF_BROKEN = WIF_COMPRESSED.slice(0, -1) + (WIF_COMPRESSED.endsWith('z') ? 'y' : 'z');
const XPRV = base58check.encode(Uint8Array.from([0x04, 0x88, 0xad, 0xe4, ...bytes(74, 12)]));
const SOLANA_SECRET = base58.encode(bytes(64, 13));
const SOLANA_KEYPAIR_JSON = JSON.stringify(Array.from(bytes(64, 14)));

test('builds fixtures of the expected shape', () => {
  assert.match(WIF_UNCOMPRESSED, /^5/);
  assert.match(WIF_COMPRESSED, /^[KL]/);
  assert.match(XPRV, /^xprv/);
  assert.equal(EN24.split(' ').length, 24);
  assert.equal(ZH12.split(' ').length, 12);
});

// ---- detection table ----

type DetectRow = { name: string; text: string; kinds: SecretKind[]; otpRequested?: boolean; redacted?: string };

const numbered = (phrase: string): string =>
  phrase
    .split(' ')
    .map((w, i) => `${i + 1}. ${w}`)
    .join('\n');

const seedTable: DetectRow[] = [
  { name: 'flags a valid 12-word English seed phrase', text: EN12, kinds: ['seed_phrase'] },
  { name: 'flags a valid 15-word English seed phrase', text: EN15, kinds: ['seed_phrase'] },
  { name: 'flags a valid 18-word English seed phrase', text: EN18, kinds: ['seed_phrase'] },
  { name: 'flags a valid 21-word English seed phrase', text: EN21, kinds: ['seed_phrase'] },
  {
    name: 'flags a valid 24-word English seed phrase embedded in a sentence',
    text: `Hi, my wallet words are: ${EN24} - can you recover it?`,
    kinds: ['seed_phrase'],
  },
  { name: 'flags a numbered seed phrase, one word per line', text: numbered(EN12), kinds: ['seed_phrase'] },
  { name: 'flags a comma-separated seed phrase', text: EN12.split(' ').join(', '), kinds: ['seed_phrase'] },
  {
    name: 'flags a seed phrase laid out in rows of three',
    text: EN12.split(' ').reduce((acc, w, i) => acc + (i === 0 ? '' : i % 3 ? ' ' : '\n') + w, ''),
    kinds: ['seed_phrase'],
  },
  { name: 'flags a seed phrase typed in capitals', text: EN12.toUpperCase(), kinds: ['seed_phrase'] },
  {
    name: 'flags twelve wordlist words with a failed checksum as a suspect',
    text: EN12_BROKEN,
    kinds: ['seed_phrase_suspect'],
  },
  {
    name: 'flags a 24-word phrase with one misspelled word',
    text: EN24.replace(/^(\S+ \S+ )(\S+)/, (_, head, w) => head + w + 'x'),
    kinds: ['seed_phrase'],
  },
  { name: 'flags a spaced simplified Chinese seed phrase', text: ZH12, kinds: ['seed_phrase'] },
  {
    name: 'flags an unspaced simplified Chinese seed phrase on its own',
    text: ZH12.replace(/ /g, ''),
    kinds: ['seed_phrase'],
  },
  {
    name: 'flags an unspaced Chinese seed phrase introduced by 助记词是',
    text: `我的助记词是${ZH24.replace(/ /g, '')}请帮我找回`,
    kinds: ['seed_phrase'],
  },
  {
    name: 'flags an unspaced Chinese seed phrase followed by 这是我的助记词',
    text: `${ZH12.replace(/ /g, '')}，这是我的助记词`,
    kinds: ['seed_phrase'],
  },
  { name: 'flags a spaced seed phrase after a Chinese sentence', text: `请帮我看看 ${ZH12}`, kinds: ['seed_phrase'] },
  { name: 'flags a traditional Chinese seed phrase', text: `助記詞：${TW12}`, kinds: ['seed_phrase'] },
  {
    name: 'flags a spaced Chinese phrase with a failed checksum as a suspect',
    text: ZH12_BROKEN,
    kinds: ['seed_phrase_suspect'],
  },
  {
    name: 'flags an unspaced Chinese phrase with a failed checksum next to 助记词',
    text: `助记词：${ZH12_BROKEN.replace(/ /g, '')}`,
    kinds: ['seed_phrase_suspect'],
  },
];

// Ordinary support messages: many of their words are on the BIP-39 lists, none is a seed phrase.
const ENGLISH_PARAGRAPHS = [
  'Hello, I made a deposit of 500 USDT yesterday evening but it still has not arrived in my account. Could you please check what happened? I used the TRC20 network and the transaction shows as confirmed on the explorer.',
  'I want to know why my withdrawal is taking so long. It has been pending for over three hours now and I need the money urgently for a family emergency. Please help me as soon as possible, thank you very much.',
  'Can you help me? I think someone else may have access to my account because I got an email about a new login from a device I do not recognize. What should I do right now to protect my funds?',
  'Please note that you can only deposit supported assets to this address. Sending any other token may result in the permanent loss of your funds, so double check the network before you confirm the transfer.',
  'Buy low, sell high, hold long, stay calm, trust the process, never panic, always learn, keep going, work hard, save money, invest wisely, enjoy life, help others, smile often, be kind.',
  'I have a dog, a cat, a horse, a cow, a pig, a sheep, a goat and a chicken on my farm near the river where we also grow apple, orange, banana, lemon, grape and cherry trees every year.',
  'Great job team, the new feature works well: fast deposit, easy trade, simple swap, clear chart, quick alert, smooth update, secure vault, happy client, solid profit, bright future ahead.',
  'Winter snow fell over the quiet village, and every child ran outside to play, laugh, slide, throw snowballs and build a giant castle near the old school before dinner time.',
];

const CHINESE_PARAGRAPHS = [
  '我昨天晚上在你们平台充值了五百个USDT但是到现在还没有到账请帮我查一下是什么原因',
  '我的账户突然被冻结了也没有收到任何通知请问是因为什么原因什么时候可以解冻',
  '请问实名认证需要准备哪些材料身份证正反面和手持照片都需要吗审核大概要多长时间',
  '关于助记词的问题：我的账户突然被冻结了也没有收到任何通知请问是因为什么原因什么时候可以解冻',
  '关于助记词的问题：合约爆仓以后账户余额变成了负数这种情况需要我自己补上吗还是平台会处理',
  '我把助记词弄丢了，钱包还能找回来吗？我记得大概是十二个字，现在换了新手机打不开',
  '最近收到很多自称是官方客服的短信让我点击链接验证账户安全这些是真的吗我很担心',
  '系统维护的时间是什么时候维护期间充提币会受到影响吗我需要提前做哪些准备工作',
  '钱包地址复制的时候少了一位数字结果转账失败了手续费还会退回来吗麻烦帮我看看',
];

const falsePositiveTable: DetectRow[] = [
  ...ENGLISH_PARAGRAPHS.map((text, i) => ({
    name: `leaves ordinary English paragraph #${i + 1} alone`,
    text,
    kinds: [],
  })),
  ...CHINESE_PARAGRAPHS.map((text, i) => ({
    name: `leaves ordinary Chinese message #${i + 1} alone`,
    text,
    kinds: [],
  })),
  {
    name: 'leaves eleven seed words alone (too short to be a phrase)',
    text: EN12.split(' ').slice(0, 11).join(' '),
    kinds: [],
  },
  { name: 'treats 64 hex after "txid" as a transaction hash, not a key', text: `txid ${KEY_HEX}`, kinds: [] },
  { name: 'treats 64 hex with 交易哈希 as a transaction hash', text: `交易哈希 0x${KEY_HEX} 一直没确认`, kinds: [] },
  { name: 'treats a bare 64 hex without context as a transaction hash', text: KEY_HEX, kinds: [] },
  {
    name: 'prefers the nearer tx context over a farther key word',
    text: `我的私钥泄露了吗？交易哈希是 ${KEY_HEX}`,
    kinds: [],
  },
  { name: 'does not flag an order number', text: '订单号 2026112312345678 还没处理', kinds: [] },
  {
    name: 'does not flag a six-digit order number even after a 2FA mention',
    text: '验证码没收到，订单号 123456',
    kinds: [],
  },
  { name: 'does not flag an amount', text: 'I sent 100000 USDT, code 3 error', kinds: [] },
  { name: 'does not flag a date', text: 'on 20261123 I deposited, 2fa was on', kinds: [] },
  { name: 'does not flag a phone number', text: '我的手机 13800138000 收不到验证码', kinds: [] },
  { name: 'does not flag a referral code', text: 'my referral code is 123456', kinds: [] },
  { name: 'does not flag an error code', text: 'the app shows error code: 500123', kinds: [] },
  { name: 'does not flag 邀请码', text: '邀请码 123456 填错了', kinds: [] },
  {
    name: 'does not flag a password complaint',
    text: 'my password is wrong and the reset email never came',
    kinds: [],
  },
  { name: 'does not flag a password that is "not working"', text: 'my password is not working', kinds: [] },
  { name: 'does not flag 密码错误', text: '密码错误，密码是对的但登录不了', kinds: [] },
  { name: 'does not flag a masked password', text: 'password: ********', kinds: [] },
  { name: 'does not flag a Solana signature without key context', text: `signature ${SOLANA_SECRET}`, kinds: [] },
  { name: 'does not flag a WIF-shaped string with a broken checksum and no context', text: WIF_BROKEN, kinds: [] },
];

const keyTable: DetectRow[] = [
  {
    name: 'flags 64 hex after "private key"',
    text: `my private key is ${KEY_HEX}`,
    kinds: ['private_key'],
    redacted: 'my private key is [redacted: private key]',
  },
  { name: 'flags 0x-prefixed 64 hex after 私钥', text: `私钥：0x${KEY_HEX}`, kinds: ['private_key'] },
  { name: 'flags 64 hex followed by 这是我的私钥', text: `${KEY_HEX} 这是我的私钥`, kinds: ['private_key'] },
  { name: 'flags an uncompressed WIF key', text: `wallet import: ${WIF_UNCOMPRESSED}`, kinds: ['private_key'] },
  { name: 'flags a compressed WIF key', text: WIF_COMPRESSED, kinds: ['private_key'] },
  {
    name: 'flags a mistyped WIF key when the context says key',
    text: `private key ${WIF_BROKEN}`,
    kinds: ['private_key'],
  },
  { name: 'flags an extended private key', text: `here is my ${XPRV}`, kinds: ['private_key'] },
  {
    name: 'flags a Solana secret key with key context',
    text: `Phantom private key: ${SOLANA_SECRET}`,
    kinds: ['private_key'],
  },
  { name: 'flags a Solana keypair byte array', text: `id.json: ${SOLANA_KEYPAIR_JSON}`, kinds: ['private_key'] },
  {
    name: 'flags a key split into groups of 8 after "key:"',
    text: `key: ${grouped(KEY_HEX, 8, ' ')}`,
    kinds: ['private_key'],
    redacted: 'key: [redacted: private key]',
  },
  {
    name: 'flags a key split into groups of 4 with dashes, keeping the words around it',
    text: `my wallet key: ${grouped(KEY_HEX, 4, '-')} please help`,
    kinds: ['private_key'],
    redacted: 'my wallet key: [redacted: private key] please help',
  },
  {
    name: 'flags a key split into groups of 16 after 私钥',
    text: `私钥 ${grouped(KEY_HEX, 16, ' ')}`,
    kinds: ['private_key'],
    redacted: '私钥 [redacted: private key]',
  },
  {
    name: 'flags a key split into groups with spaced dashes',
    text: `private key: ${grouped(KEY_HEX, 8, ' - ')}`,
    kinds: ['private_key'],
  },
  {
    name: 'flags a key whose groups wrap over lines, as on a paper backup',
    text: `key: ${grouped(KEY_HEX, 16, '\n')}`,
    kinds: ['private_key'],
  },
  {
    name: 'flags only the 64 digits of a split key when a hex-looking word follows',
    text: `key: ${grouped(KEY_HEX, 8, ' ')} face`,
    kinds: ['private_key'],
    redacted: 'key: [redacted: private key] face',
  },
];

const splitKeyNegatives: DetectRow[] = [
  {
    name: 'does not flag a transaction hash split into groups',
    text: `txid ${grouped(KEY_HEX, 8, ' ')}`,
    kinds: [],
  },
  {
    name: 'does not flag grouped hex that is not 64 digits after "key:"',
    text: `key: ${grouped(KEY_HEX.slice(0, 56), 8, ' ')}`,
    kinds: [],
  },
  {
    name: 'does not flag a split key without any key context',
    text: grouped(KEY_HEX, 8, ' '),
    kinds: [],
  },
];

const otpTable: DetectRow[] = [
  { name: 'flags a message that is only six digits', text: '123456', kinds: ['otp_code'] },
  { name: 'flags six digits written as two groups', text: ' 123 456 ', kinds: ['otp_code'] },
  {
    name: 'flags a 2FA code in an English sentence',
    text: 'my 2fa code is 123456',
    kinds: ['otp_code'],
    redacted: 'my 2fa code is [redacted: 2FA code]',
  },
  { name: 'flags a grouped Google code', text: 'google code: 123 456', kinds: ['otp_code'] },
  { name: 'flags 验证码 followed by the code', text: '验证码 654321', kinds: ['otp_code'] },
  { name: 'flags 谷歌验证码', text: '谷歌验证码是112233，快帮我提币', kinds: ['otp_code'] },
  { name: 'flags 动态码', text: '动态码：445566', kinds: ['otp_code'] },
  { name: 'flags a code named after it', text: '987654 is the authenticator code', kinds: ['otp_code'] },
  { name: 'flags full-width digits', text: '验证码１２３４５６', kinds: ['otp_code'] },
  {
    name: 'flags the code and not the order number labelled after it',
    text: '谷歌验证码 123456 订单号 88888888',
    kinds: ['otp_code'],
    redacted: '谷歌验证码 [redacted: 2FA code] 订单号 88888888',
  },
  { name: 'flags a code sent by SMS', text: 'sms 654321', kinds: ['otp_code'] },
  { name: 'does not flag six digits when the flow asked for a code', text: '123456', otpRequested: true, kinds: [] },
];

const passwordTable: DetectRow[] = [
  {
    name: 'flags a password given in English',
    text: 'my password is hunter2',
    kinds: ['password'],
    redacted: 'my password is [redacted: password]',
  },
  {
    name: 'flags a password given in Chinese',
    text: '密码是abc123，帮我看看',
    kinds: ['password'],
    redacted: '密码是[redacted: password]，帮我看看',
  },
  {
    name: 'flags a quoted password with a space',
    text: 'password: "correct horse" thanks',
    kinds: ['password'],
    redacted: 'password: [redacted: password] thanks',
  },
  { name: 'flags pwd=', text: 'login pwd=Secr3t!', kinds: ['password'] },
  { name: 'flags a fund password', text: '我的资金密码：Qwe!2345', kinds: ['password'] },
];

for (const row of [
  ...seedTable,
  ...falsePositiveTable,
  ...keyTable,
  ...splitKeyNegatives,
  ...otpTable,
  ...passwordTable,
]) {
  test(row.name, () => {
    const findings = detectSecrets(row.text, { otpRequested: row.otpRequested });
    assert.deepEqual(
      findings.map((f) => f.kind),
      row.kinds,
      JSON.stringify(findings.map((f) => row.text.slice(f.start, f.end))),
    );
    if (row.redacted !== undefined) assert.equal(redactSecrets(row.text).text, row.redacted);
  });
}

// ---- redaction ----

test('redacts the whole seed phrase and keeps the rest of the message', () => {
  const text = `Hello support, ${EN12} - is my wallet safe? UID 12345678`;
  const result = redactSecrets(text);
  assert.equal(result.text, 'Hello support, [redacted: seed phrase] - is my wallet safe? UID 12345678');
  assert.deepEqual(result.findings, [{ kind: 'seed_phrase', start: 15, end: 15 + EN12.length }]);
});

test('reports offsets into the original text', () => {
  const text = `验证码１２３４５６ and ${EN12}`;
  const { findings } = redactSecrets(text);
  assert.deepEqual(
    findings.map((f) => text.slice(f.start, f.end)),
    ['１２３４５６', EN12],
  );
});

test('redacts several different secrets in one message', () => {
  const text = `密码是abc123，私钥 ${KEY_HEX}，验证码 654321`;
  assert.equal(
    redactSecrets(text).text,
    '密码是[redacted: password]，私钥 [redacted: private key]，验证码 [redacted: 2FA code]',
  );
});

test('leaves a message without secrets unchanged', () => {
  const text = `txid ${KEY_HEX} 充值 100 USDT 还没到`;
  assert.deepEqual(redactSecrets(text), { text, findings: [] });
});

test('redacts a suspect phrase with the same marker as a valid one', () => {
  assert.equal(redactSecrets(EN12_BROKEN).text, '[redacted: seed phrase]');
});

// ---- free-text fields ----

test('screenFreeText redacts a seed phrase and a split key in a field and keeps every other word', () => {
  const text = `Customer wrote: ${EN12} (UID 11873402), then key: ${grouped(KEY_HEX, 8, ' ')} - please check`;
  assert.equal(
    screenFreeText(text),
    'Customer wrote: [redacted: seed phrase] (UID 11873402), then key: [redacted: private key] - please check',
  );
});

test('screenFreeText looks for 2FA codes in prose but not in short values', () => {
  assert.equal(screenFreeText('my 2fa code is 123456'), 'my 2fa code is [redacted: 2FA code]');
  assert.equal(screenFreeText('123456', 'value'), '123456');
  assert.equal(screenFreeText(EN12, 'value'), '[redacted: seed phrase]');
});

test('screenFreeTextIn screens every string of a nested value and keeps keys and other values', () => {
  const value = { reason: `seed: ${EN12}`, slots: { amount: '150000', words: [EN24] }, count: 3, ok: true };
  assert.deepEqual(screenFreeTextIn(value, 'value'), {
    reason: 'seed: [redacted: seed phrase]',
    slots: { amount: '150000', words: ['[redacted: seed phrase]'] },
    count: 3,
    ok: true,
  });
});

// ---- warnings ----

const LOCALES: Locale[] = ['en', 'zh-CN', 'zh-TW'];

const warningTable: { name: string; kind: SecretKind; locale: Locale; mustInclude: RegExp }[] = [
  {
    name: 'tells an English customer to move funds after a seed leak',
    kind: 'seed_phrase',
    locale: 'en',
    mustInclude: /new wallet/,
  },
  {
    name: 'tells a zh-CN customer to move funds after a seed leak',
    kind: 'seed_phrase_suspect',
    locale: 'zh-CN',
    mustInclude: /新钱包/,
  },
  {
    name: 'tells a zh-TW customer to move funds after a key leak',
    kind: 'private_key',
    locale: 'zh-TW',
    mustInclude: /新錢包/,
  },
  {
    name: 'says staff of the exchange must not get the seed either',
    kind: 'seed_phrase',
    locale: 'en',
    mustInclude: /staff/,
  },
  { name: 'says support never asks for a 2FA code', kind: 'otp_code', locale: 'en', mustInclude: /never ask/ },
  {
    name: 'says support never asks for a 2FA code in Chinese',
    kind: 'otp_code',
    locale: 'zh-CN',
    mustInclude: /绝不会/,
  },
  {
    name: 'tells the customer to change a leaked password',
    kind: 'password',
    locale: 'en',
    mustInclude: /change your password/,
  },
];

for (const row of warningTable) {
  test(row.name, () => {
    assert.match(secretWarning(row.kind, row.locale), row.mustInclude);
  });
}

// ---- agent outgoing guard ----

const requestTable: { name: string; text: string; kind: RequestedSecretKind | null }[] = [
  {
    name: 'blocks "please send me your seed phrase"',
    text: 'Please send me your seed phrase so I can check.',
    kind: 'seed_phrase',
  },
  { name: 'blocks "can you share your 12 words"', text: 'Can you share your 12 words?', kind: 'seed_phrase' },
  { name: 'blocks "what is your password"', text: 'What is your password?', kind: 'password' },
  {
    name: 'blocks asking for the private key',
    text: 'Kindly provide the private key of the wallet.',
    kind: 'private_key',
  },
  { name: 'blocks "we need your 2FA code"', text: 'To verify you, we need your 2FA code.', kind: 'otp_code' },
  {
    name: 'blocks "tell me the 6-digit code from Google Authenticator"',
    text: 'Could you tell me the 6-digit code from Google Authenticator?',
    kind: 'otp_code',
  },
  {
    name: 'blocks "type your recovery phrase here"',
    text: 'Type your recovery phrase here and I will restore it.',
    kind: 'seed_phrase',
  },
  {
    name: 'blocks a request hidden after "don\'t worry"',
    text: "Don't worry, just DM me your private key.",
    kind: 'private_key',
  },
  {
    name: 'blocks a request after a warning in the same message',
    text: 'We never ask for your password, but please send your 2FA code.',
    kind: 'otp_code',
  },
  { name: 'blocks 把助记词发给我', text: '把助记词发给我，我帮您恢复', kind: 'seed_phrase' },
  { name: 'blocks 告诉我你的谷歌验证码', text: '告诉我你的谷歌验证码', kind: 'otp_code' },
  { name: 'blocks 请提供私钥', text: '请提供私钥', kind: 'private_key' },
  { name: 'blocks 您的密码是多少', text: '您好，您的登录密码是多少？', kind: 'password' },
  { name: 'blocks 验证码发一下', text: '验证码发一下，我这边帮您操作', kind: 'otp_code' },
  { name: 'blocks a traditional Chinese request', text: '請提供您的助記詞', kind: 'seed_phrase' },
  { name: 'blocks 请发送您的资金密码', text: '为了核实身份，请发送您的资金密码', kind: 'password' },
  {
    name: 'blocks asking for the code the customer received',
    text: 'Please send the code you received via SMS.',
    kind: 'otp_code',
  },
  {
    name: 'allows telling the customer to report anyone who asks for a code',
    text: '如果有人向您索要验证码，请立即举报',
    kind: null,
  },
  { name: 'allows saying 2FA was reset', text: 'I have reset your 2FA, please bind it again.', kind: null },
  { name: 'allows asking whether the phrase is backed up', text: 'Have you backed up your seed phrase?', kind: null },
  { name: 'allows "never share your seed phrase"', text: 'Never share your seed phrase with anyone.', kind: null },
  {
    name: 'allows "don\'t tell anyone your 2FA code"',
    text: "Don't tell anyone your 2FA code, not even us.",
    kind: null,
  },
  { name: 'allows 我们不会向您索要密码', text: '我们不会向您索要密码', kind: null },
  { name: 'allows 请不要把助记词告诉任何人', text: '请不要把助记词告诉任何人', kind: null },
  { name: 'allows 切勿泄露私钥', text: '切勿向他人提供私钥，谨防诈骗', kind: null },
  { name: 'allows asking the customer to enable 2FA', text: 'Please enable 2FA on your account.', kind: null },
  {
    name: 'allows telling the customer a code was sent',
    text: 'We will send you a verification code by email.',
    kind: null,
  },
  { name: 'allows 验证码已发送到您的手机', text: '验证码已发送到您的手机，请在App内输入', kind: null },
  {
    name: 'allows asking whether a code arrived',
    text: 'Please tell me whether you received the verification code.',
    kind: null,
  },
  {
    name: 'allows a password reset link request',
    text: 'Please send me a screenshot of the password reset page.',
    kind: null,
  },
  {
    name: 'allows explaining password rules',
    text: "What's the difference between login password and fund password? Let me explain.",
    kind: null,
  },
  { name: 'allows 新密码要求', text: '新密码要求是什么可以在设置页查看', kind: null },
  {
    name: 'allows asking the customer to back up the phrase',
    text: 'Make sure you have written down your recovery phrase on paper.',
    kind: null,
  },
  { name: 'allows asking for the UID', text: 'Please send me your UID and the txid.', kind: null },
  {
    name: 'allows asking the customer to enter the code in the app',
    text: 'Please enter the 2FA code in the app to confirm the withdrawal.',
    kind: null,
  },
  {
    name: 'allows "we need you to reset your password"',
    text: 'We need you to reset your password first.',
    kind: null,
  },
];

for (const row of requestTable) {
  test(row.name, () => {
    assert.equal(detectSecretRequest(row.text)?.kind ?? null, row.kind);
  });
}

test('returns the offending phrase with the request', () => {
  assert.deepEqual(detectSecretRequest('Hello! Please send me your seed phrase. Thanks'), {
    kind: 'seed_phrase',
    phrase: 'Please send me your seed phrase',
  });
});

for (const kind of ['seed_phrase', 'private_key', 'password', 'otp_code'] as RequestedSecretKind[]) {
  for (const locale of LOCALES) {
    test(`explains to the agent in ${locale} why a ${kind} request was blocked`, () => {
      const text = secretRequestExplanation(kind, locale);
      assert.ok(text.length > 40);
      assert.doesNotMatch(text, /undefined/);
    });
  }
}
