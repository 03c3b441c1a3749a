import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectLanguage } from '../../src/server/bot/nlu/language.ts';

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
  ];
  for (const [behaviour, input, expected] of cases) {
    it(behaviour, () => assert.equal(detectLanguage(input), expected));
  }
});
