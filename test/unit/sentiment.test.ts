import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeSentiment, labelScore, VERY_NEGATIVE_THRESHOLD } from '../../src/server/bot/sentiment.ts';

type Case = [behaviour: string, message: string, label: ReturnType<typeof analyzeSentiment>['label']];

describe('analyzeSentiment labels', () => {
  const cases: Case[] = [
    // Calm problem reports: a missing deposit is a problem, not an emotion.
    ['treats a calm Chinese report of a missing deposit as neutral', '我的充值还没到账，请帮我查一下', 'neutral'],
    ['treats a calm Traditional Chinese report as neutral', '我的提幣還沒到帳，麻煩幫我看一下', 'neutral'],
    [
      'treats a calm English pending-withdrawal question as neutral',
      'my withdrawal is pending, can you check?',
      'neutral',
    ],
    ['does not read shouting alone as anger', 'MY DEPOSIT IS NOT CREDITED', 'neutral'],
    ['does not read question marks alone as anger', 'where is my deposit???', 'neutral'],
    ['does not read 没用过 (never used) as 没用 (useless)', '我没用过合约，怎么开始', 'neutral'],
    // Genuinely angry messages.
    [
      'flags Chinese insults plus a police threat as very negative',
      '你们这个垃圾平台，骗子！再不给我处理我就报警！',
      'very_negative',
    ],
    ['flags the same anger written in Traditional Chinese', '你們這個垃圾平台，騙子！我要報警', 'very_negative'],
    [
      'flags an English scam accusation with caps and !!! as very negative',
      'This is a SCAM. Worst exchange ever, give me my money back NOW!!!',
      'very_negative',
    ],
    ['flags rage about being ignored', '气死我了，没人管', 'very_negative'],
    ['flags desperation about missing money', '急死了，我的钱呢？？？', 'very_negative'],
    [
      'flags exasperation at being ignored for days',
      'I have been waiting 3 days, nobody cares, this is ridiculous',
      'very_negative',
    ],
    // Milder negatives stay below the hand-off threshold.
    ['rates a plain complaint about slowness as negative, not very negative', '太慢了', 'negative'],
    ['rates a lone wish to complain as negative', '我要投诉', 'negative'],
    ['dampens fraud words inside a question', 'is this a scam?', 'negative'],
    ['dampens 骗子 inside a 吗 question', '这个人是骗子吗？', 'negative'],
    // Negation.
    ['reads 不错 as positive', '不错', 'positive'],
    ['reads "not bad" as positive', 'not bad', 'positive'],
    ['reads 不满意 as negative', '不满意', 'negative'],
    ['reads "not happy" as negative', 'not happy', 'negative'],
    ['reads 没问题 as positive-leaning, never negative', '没问题', 'positive'],
    ['flips a negated positive in Chinese', '不给力', 'negative'],
    [
      'keeps "never use this garbage" negative: the negator does not reach a distant insult',
      'never use this garbage again',
      'negative',
    ],
    // Positive.
    ['reads Chinese thanks as positive', '谢谢，解决了', 'positive'],
    ['reads Traditional Chinese thanks as positive', '謝謝，太好了', 'positive'],
    ['reads English thanks as positive', 'thanks, that solved it, appreciate it', 'positive'],
    ['lets the clause after "but" dominate', 'thanks but this is useless', 'negative'],
    ['lets the clause after 但是 dominate', '谢谢，但是你们太慢了', 'negative'],
  ];
  for (const [behaviour, message, label] of cases) {
    it(behaviour, () => {
      const result = analyzeSentiment(message);
      assert.equal(result.label, label, `${message} → ${result.score} ${JSON.stringify(result.cues)}`);
    });
  }
});

describe('analyzeSentiment modifiers', () => {
  const stronger: [behaviour: string, weaker: string, stronger: string][] = [
    ['makes 非常 stronger than the bare word', '慢', '非常慢'],
    ['makes 太 stronger than the bare word', '失望', '太失望'],
    ['makes "extremely" stronger than the bare word', 'disappointed', 'extremely disappointed'],
    ['makes an ALL CAPS sentiment word stronger', 'this is useless', 'this is USELESS'],
    ['makes repeated exclamation marks stronger', '太慢了', '太慢了！！！'],
    [
      'makes repeated question marks stronger when there is already sentiment',
      'where is my money',
      'where is my money???',
    ],
    ['makes intensified thanks more positive', 'thanks', 'thanks so much, really great'],
  ];
  for (const [behaviour, weaker, strong] of stronger) {
    it(behaviour, () => {
      const a = Math.abs(analyzeSentiment(weaker).score);
      const b = Math.abs(analyzeSentiment(strong).score);
      assert.ok(b > a, `|${strong}| = ${b} should exceed |${weaker}| = ${a}`);
    });
  }

  it('makes "not very happy" milder than "not happy"', () => {
    assert.ok(analyzeSentiment('not very happy').score >= analyzeSentiment('not happy').score);
  });

  it('softens a negated insult instead of flipping it', () => {
    const score = analyzeSentiment('别坑人了').score;
    assert.ok(score < 0 && score > analyzeSentiment('坑人').score, String(score));
  });
});

describe('analyzeSentiment result', () => {
  it('reports the lexicon hits with their modifiers as cues', () => {
    const { cues } = analyzeSentiment('你们太不专业了，垃圾平台！！');
    assert.deepEqual(cues, ['太不专业', '垃圾平台', '!!!']);
  });

  it('keeps the score within -1..1 for an extreme message', () => {
    const { score } = analyzeSentiment(
      'SCAM SCAM SCAM!!!! fraud thieves worst garbage, I will sue and call the police',
    );
    assert.ok(score >= -1 && score <= VERY_NEGATIVE_THRESHOLD, String(score));
  });

  it('returns neutral with no cues for an empty message', () => {
    assert.deepEqual(analyzeSentiment(''), { score: 0, label: 'neutral', cues: [] });
  });

  it('labels exactly at the exported threshold as very negative', () => {
    assert.equal(labelScore(VERY_NEGATIVE_THRESHOLD), 'very_negative');
    assert.equal(labelScore(VERY_NEGATIVE_THRESHOLD + 0.001), 'negative');
  });
});
