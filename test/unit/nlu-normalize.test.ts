import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normalizeText } from '../../src/server/text/normalize.ts';
import { extractFeatures, tokenizeWords } from '../../src/server/bot/nlu/tokenize.ts';

describe('normalizeText', () => {
  const cases: [string, string, string][] = [
    ['turns full-width letters, digits and punctuation into half-width', 'ＵＳＤＴ１００！', 'usdt100!'],
    ['lowercases Latin text', 'My Deposit', 'my deposit'],
    ['converts Traditional to Simplified Chinese', '帳號被凍結了', '帐号被冻结了'],
    ['removes emoji', '充值没到😡😡👍🏻', '充值没到'],
    ['collapses letter runs of three or more', 'helppppp', 'help'],
    ['collapses repeated punctuation', '！！！', '!'],
    ['keeps two of a repeated CJK character', '啊啊啊啊', '啊啊'],
    ['folds CJK punctuation to ASCII', '你好，在吗。', '你好,在吗.'],
    ['collapses whitespace', '  hi \t there  ', 'hi there'],
    ['leaves hashes with digits untouched', '0xaaa111bbb', '0xaaa111bbb'],
    ['keeps ordinary doubled letters', 'hello  account', 'hello account'],
  ];
  for (const [behaviour, input, expected] of cases) {
    it(behaviour, () => assert.equal(normalizeText(input), expected));
  }
});

describe('tokenizer', () => {
  it('reads U after an amount or next to Chinese as USDT, and a lone u in English as you', () => {
    assert.deepEqual(tokenizeWords(normalizeText('充了100U')).slice(-2), ['num', 'usdt']);
    assert.ok(tokenizeWords(normalizeText('我的U没到')).includes('usdt'));
    assert.ok(tokenizeWords(normalizeText('can u help')).includes('you'));
  });

  it('replaces transaction hashes and addresses by placeholders', () => {
    const words = tokenizeWords(
      normalizeText(
        'tx 0x9b2c4e6a8d0f1b3c5e7a9d2f4b6c8e0a1d3f5b7c9e2a4d6f8b0c1e3a5d7f9b2c to 0x52908400098527886e0f7030069857d2e4169ee7',
      ),
    );
    assert.deepEqual(words, ['tx', 'txhash', 'to', 'address']);
  });

  it('rewrites Chinese slang to one spelling so 冲币 and 充币 share features', () => {
    const slang = new Set(extractFeatures('冲币没到账').words);
    const proper = new Set(extractFeatures('充币没到账').words);
    assert.deepEqual(slang, proper);
  });

  const sameWords: [string, string][] = [
    ['出金要多久', '提币要多久'],
    ['入金没到账', '充值没到账'],
    ['提幣在稽核中', '提币在审核中'],
    ['帳號被鎖', '账号被锁'],
    ['提不了币', '无法提币'],
    ['充不进去币', '无法充值'],
  ];
  for (const [variant, usual] of sameWords) {
    it(`reads ${variant} with the words of ${usual}`, () =>
      assert.deepEqual(extractFeatures(variant).words, extractFeatures(usual).words));
  }

  it('gives 提现 and withdrawal a shared concept feature', () => {
    assert.ok(extractFeatures('提现还没到').words.includes('k:withdraw'));
    assert.ok(extractFeatures('my withdrawl is stuck').words.includes('k:withdraw'));
  });

  it('emits CJK character grams and padded Latin character grams', () => {
    const { chars } = extractFeatures('充值 deposit');
    assert.ok(chars.includes('c:充值'));
    assert.ok(chars.includes('c: dep'));
    assert.ok(chars.includes('c:sit '));
  });
});
