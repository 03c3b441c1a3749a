import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildGroundedPrompt,
  judgeAnswer,
  looksLikeInvestmentAdvice,
  maskForModel,
} from '../../src/server/ai/grounded-answer.ts';
import { completionsUrl } from '../../src/server/ai/llm-client.ts';

describe('what of a model answer may be sent', () => {
  const cases: [string, string, ReturnType<typeof judgeAnswer>][] = [
    ['a cited answer', '划转即时到账 [1]。', { ok: true, text: '划转即时到账 [1]。', cited: [1] }],
    [
      'two passages cited',
      'Use the address book [2]; fees are shown first [1][2].',
      {
        ok: true,
        text: 'Use the address book [2]; fees are shown first [1][2].',
        cited: [1, 2],
      },
    ],
    ['a citation out of range is dropped, a valid one kept', 'A [1] B [9]', { ok: true, text: 'A [1] B ', cited: [1] }],
    ['no citation at all', '划转即时到账。', { ok: false, reason: 'no_citation' }],
    ['only invalid citations', 'Fees are zero [4].', { ok: false, reason: 'no_citation' }],
    ['the refusal word', 'NO_ANSWER', { ok: false, reason: 'no_answer' }],
    ['nothing', '   ', { ok: false, reason: 'empty' }],
    ['asks for the seed phrase (zh)', '请提供您的助记词以便核实 [1]', { ok: false, reason: 'asks_secret' }],
    [
      'asks for the 2FA code (en)',
      'Please send me your 2FA code so I can check [1].',
      { ok: false, reason: 'asks_secret' },
    ],
    ['advice to buy (zh)', '建议您现在买入 [1]', { ok: false, reason: 'investment_advice' }],
    ['a price prediction (en)', 'BTC will rise next week [1].', { ok: false, reason: 'investment_advice' }],
  ];
  for (const [name, output, verdict] of cases) {
    test(name, () => assert.deepEqual(judgeAnswer(output, 3), verdict));
  }
});

describe('investment advice', () => {
  const cases: [string, boolean][] = [
    ['你应该现在抄底', true],
    ['比特币马上会涨', true],
    ['I recommend buying ETH now', true],
    ['It is a good time to buy', true],
    ['提币手续费会在提交前显示', false],
    ['You can buy USDT with a card on the Buy Crypto page.', false],
    ['Funding is paid every 8 hours.', false],
  ];
  for (const [text, advice] of cases) {
    test(`${text} → ${advice}`, () => assert.equal(looksLikeInvestmentAdvice(text), advice));
  }
});

describe('what leaves kefu', () => {
  test('contact details and identifiers are masked in the question', () => {
    assert.equal(
      maskForModel('邮箱 lee@example.com，电话 +86 138 0013 8000，交易 0x' + 'ab'.repeat(32)),
      '邮箱 [email]，电话 [number]，交易 [hash]',
    );
  });
  test('the prompt holds numbered passages, the question and the reply language, nothing else', () => {
    const prompt = buildGroundedPrompt(
      'How many transfers a day?',
      [{ slug: 'sub-account-transfers', title: 'Sub-account transfers', url: '/help/en/x', text: 'Unlimited.' }],
      'zh-TW',
      'Lumen',
    );
    assert.match(prompt.system, /Traditional Chinese as used in Taiwan/);
    assert.match(prompt.system, /NO_ANSWER/);
    assert.equal(
      prompt.user,
      'Passages:\n\n[1] Sub-account transfers\nUnlimited.\n\nQuestion: How many transfers a day?',
    );
  });
  test('the endpoint is the base URL or the full completions URL', () => {
    assert.equal(completionsUrl('http://127.0.0.1:8000/v1'), 'http://127.0.0.1:8000/v1/chat/completions');
    assert.equal(completionsUrl('http://h/v1/chat/completions/'), 'http://h/v1/chat/completions');
  });
});
