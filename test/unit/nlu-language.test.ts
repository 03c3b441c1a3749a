import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseReplyLocale, detectLanguage } from '../../src/server/text/language.ts';

describe('detectLanguage', () => {
  const cases: [string, string, string][] = [
    ['reads plain Chinese as zh', '我的充值还没到账', 'zh'],
    ['reads Traditional Chinese as zh', '帳號被凍結了', 'zh'],
    ['reads plain English as en', 'my deposit has not arrived', 'en'],
    ['keeps Chinese with crypto tickers as zh', '我的USDT充值没到，TRC20的', 'zh'],
    ['reads a Chinese sentence with an English verb as mixed', '我的USDT deposit还没到', 'mixed'],
    ['reads half English half Chinese as mixed', 'hello 你好 can you help 我', 'mixed'],
    ['ignores tx hashes when judging English', '0x9b2c4e6a8d0f1b3c5e7a9d2f4b6c8e0a1d3f5b7c 没到账', 'zh'],
    ['returns unknown for an empty message', '', 'unknown'],
    ['returns unknown for digits and punctuation only', '123 456 ?!', 'unknown'],
    ['returns unknown for emoji only', '😡😡😡', 'unknown'],
    ['reads a short greeting as en', 'hi', 'en'],
    ['reads a short Chinese message as zh', '在吗', 'zh'],
    ['returns unknown for a bare network name', 'TRC20', 'unknown'],
    ['returns unknown for tickers and networks only', 'USDT ERC20', 'unknown'],
    ['reads a ticker in an English sentence as en', 'USDT please', 'en'],
  ];
  for (const [behaviour, input, expected] of cases) {
    it(behaviour, () => assert.equal(detectLanguage(input), expected));
  }
});

describe('chooseReplyLocale', () => {
  const cases: [string, string, string | null, string][] = [
    ['keeps Chinese when the answer is a bare network name', 'TRC20', 'zh-CN', 'zh-CN'],
    ['keeps zh-TW when the answer is a ticker and a network', 'USDT ERC20', 'zh-TW', 'zh-TW'],
    [
      'keeps English when the answer is a tx hash',
      '0x9b2c4e6a8d0f1b3c5e7a9d2f4b6c8e0a1d3f5b7c9e1a3c5e7f9b1d3f5a7c9e1b3d',
      'en',
      'en',
    ],
    ['keeps the conversation language for an email address', 'me@example.com', 'zh-TW', 'zh-TW'],
    ['switches to English when the customer writes English', 'my deposit has not arrived', 'zh-CN', 'en'],
    ['switches to Chinese when the customer writes Chinese', '我的充值还没到账', 'en', 'zh-CN'],
    ['keeps the Traditional variant for Chinese', '我的充值還沒到帳', 'zh-TW', 'zh-TW'],
    ['falls back to zh-CN with nothing to go on', '12345', null, 'zh-CN'],
  ];
  for (const [behaviour, input, previous, expected] of cases) {
    it(behaviour, () => assert.equal(chooseReplyLocale(input, previous), expected));
  }
});
