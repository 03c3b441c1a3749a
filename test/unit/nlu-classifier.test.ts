import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BUILTIN_SEED,
  BUILTIN_TRAIN_OPTIONS,
  loadBuiltinTrainingData,
} from '../../src/server/bot/nlu/builtin-model.ts';
import {
  classifyIntent,
  deserializeIntentModel,
  type IntentModel,
  isOutOfScope,
  serializeIntentModel,
  trainIntentModel,
} from '../../src/server/bot/nlu/classifier.ts';
import {
  type LabelledExample,
  parseCsv,
  parseIntentFile,
  parseLabelledCsv,
  readLabelledExamples,
  splitDataset,
} from '../../src/server/bot/nlu/dataset.ts';
import { BUILTIN_INTENTS } from '../../src/contracts/intents.ts';

// Figures reached on three seeded 20% validation splits of data/intents, averaged (one split moves a point or
// two whenever lines are added; three keep the guard tight without flapping). Seeds 7/11/13: accuracy
// 0.911/0.911/0.901, oos recall 0.818/0.849/0.909.
const VALIDATION_SEEDS = [BUILTIN_SEED, 11, 13];
const BUILTIN_VALID_ACCURACY = 0.908;
const ACCURACY_MARGIN = 0.015;
const OOS_RECALL_FLOOR = 0.83;
// The targets for the shipped model on real-style messages it has never seen (data/intent-checks/blind.csv,
// measured 0.933 and 0.90 when it was written).
const BLIND_ACCURACY_TARGET = 0.9;
const BLIND_OOS_RECALL_TARGET = 0.8;

/** Accuracy with oos counted as a class, and the share of oos examples handed off. */
function scoreModel(m: IntentModel, examples: LabelledExample[]): { accuracy: number; oosRecall: number } {
  let correct = 0;
  let oos = 0;
  let caught = 0;
  for (const example of examples) {
    const result = classifyIntent(m, example.text);
    const predicted = isOutOfScope(result) ? 'oos' : result.intent;
    if (predicted === example.label) correct++;
    if (example.label === 'oos') {
      oos++;
      if (predicted === 'oos') caught++;
    }
  }
  return { accuracy: correct / examples.length, oosRecall: caught / oos };
}

const builtin = loadBuiltinTrainingData();
const { train, valid } = splitDataset(builtin, 0.2, BUILTIN_SEED);
const model = trainIntentModel(train, BUILTIN_TRAIN_OPTIONS);

describe('builtin training data', () => {
  it('has at least 40 zh and 40 en utterances for every builtin intent', () => {
    for (const intent of BUILTIN_INTENTS) {
      for (const lang of ['zh', 'en'] as const) {
        const count = builtin.filter((example) => example.label === intent && example.lang === lang).length;
        assert.ok(count >= 40, `${intent}/${lang} has ${count}`);
      }
    }
  });
});

describe('intent classifier on the builtin data', () => {
  it('keeps validation accuracy (oos counted as a class) and oos recall at the measured level', () => {
    const scores = VALIDATION_SEEDS.map((seed) => {
      const split = splitDataset(builtin, 0.2, seed);
      return scoreModel(
        seed === BUILTIN_SEED ? model : trainIntentModel(split.train, BUILTIN_TRAIN_OPTIONS),
        split.valid,
      );
    });
    const mean = (pick: (s: { accuracy: number; oosRecall: number }) => number) =>
      scores.reduce((sum, s) => sum + pick(s), 0) / scores.length;
    const accuracy = mean((s) => s.accuracy);
    const oosRecall = mean((s) => s.oosRecall);
    assert.ok(accuracy >= BUILTIN_VALID_ACCURACY - ACCURACY_MARGIN, `accuracy ${accuracy.toFixed(3)}`);
    assert.ok(oosRecall >= OOS_RECALL_FLOOR, `oos recall ${oosRecall.toFixed(3)}`);
  });

  it('meets the targets on the blind set of real-style messages', () => {
    const shipped = trainIntentModel(builtin, BUILTIN_TRAIN_OPTIONS);
    const blind = readLabelledExamples(fileURLToPath(new URL('../../data/intent-checks/blind.csv', import.meta.url)));
    assert.ok(blind.length >= 500);
    const { accuracy, oosRecall } = scoreModel(shipped, blind);
    assert.ok(accuracy >= BLIND_ACCURACY_TARGET, `accuracy ${accuracy.toFixed(3)}`);
    assert.ok(oosRecall >= BLIND_OOS_RECALL_TARGET, `oos recall ${oosRecall.toFixed(3)}`);
  });

  const cases: [string, string][] = [
    ['我的USDT充值还没到账', 'deposit_missing'],
    ['my deposit hasnt arrived after 3 hours', 'deposit_missing'],
    ['充错链了，TRC20转到了ERC20地址', 'deposit_wrong_network'],
    ['forgot the memo for my XRP deposit', 'deposit_missing_memo'],
    ['提币一直在审核中', 'withdrawal_status'],
    ['合约爆仓了', 'futures_liquidation'],
    ['谷歌验证器丢了', 'twofa_reset'],
    ['转人工', 'human_agent'],
    ['你们客服电话是多少', 'verify_official'],
    ['hi', 'greeting'],
    ['thanks a lot', 'thanks_bye'],
  ];
  for (const [text, intent] of cases) {
    it(`classifies "${text}" as ${intent}`, () => assert.equal(classifyIntent(model, text).intent, intent));
  }

  it('hands off messages that have nothing to do with an exchange', () => {
    for (const text of ['红烧肉怎么做', 'what is the weather like in paris tomorrow']) {
      assert.ok(isOutOfScope(classifyIntent(model, text)), text);
    }
  });

  it('returns calibrated probabilities with a top-3 ranking', () => {
    const result = classifyIntent(model, '提币手续费是多少');
    assert.equal(result.ranking.length, 3);
    assert.equal(result.ranking[0].intent, result.intent);
    assert.equal(result.ranking[0].confidence, result.confidence);
    assert.ok(result.ranking[0].confidence >= result.ranking[1].confidence);
    const total = result.ranking.reduce((sum, entry) => sum + entry.confidence, 0);
    assert.ok(total <= 1 + 1e-9 && result.confidence > 0 && result.confidence <= 1);
    assert.ok(result.outOfScope >= 0 && result.outOfScope <= 1);
  });

  it('survives a serialisation round trip with the same predictions', () => {
    const restored = deserializeIntentModel(serializeIntentModel(model));
    for (const example of valid) {
      const before = classifyIntent(model, example.text);
      const after = classifyIntent(restored, example.text);
      // Int8 weights may swap two intents that were within a few points of each other, never a clear answer.
      const nearTie = before.ranking[0].confidence - before.ranking[1].confidence < 0.05;
      if (!nearTie) assert.equal(after.intent, before.intent, example.text);
      assert.ok(Math.abs(after.confidence - before.confidence) < 0.05, example.text);
    }
  });
});

describe('intent classifier on a toy set', () => {
  const toy = [
    ...['where is my deposit', 'deposit not arrived', 'my deposit is missing', 'deposit still pending'].map((text) => ({
      text,
      label: 'deposit',
    })),
    ...['reset my password', 'forgot password', 'change my password', 'password reset link'].map((text) => ({
      text,
      label: 'password',
    })),
  ];

  it('is deterministic for a given seed', () => {
    const a = serializeIntentModel(trainIntentModel(toy, { seed: 3 }));
    const b = serializeIntentModel(trainIntentModel(toy, { seed: 3 }));
    assert.equal(a, b);
  });

  it('falls back to a max-probability out-of-scope score when there is no oos label', () => {
    const toyModel = trainIntentModel(toy, { seed: 3 });
    const result = classifyIntent(toyModel, 'my deposit has not arrived');
    assert.equal(result.intent, 'deposit');
    assert.ok(result.outOfScope < 0.5);
  });

  it('rejects an empty training set', () => {
    assert.throws(() => trainIntentModel([]));
  });
});

describe('dataset readers', () => {
  it('parses quoted CSV fields with commas, doubled quotes and newlines', () => {
    assert.deepEqual(parseCsv('a,b\n"x, y","say ""hi""\nthere"\r\n'), [
      ['a', 'b'],
      ['x, y', 'say "hi"\nthere'],
    ]);
  });

  it('accepts a category column as the label and ignores other columns', () => {
    assert.deepEqual(parseLabelledCsv('id,text,category\n1,card lost,lost_card\n'), [
      { text: 'card lost', label: 'lost_card' },
    ]);
  });

  it('reads tab-separated intent files and rejects malformed lines', () => {
    assert.deepEqual(parseIntentFile('# comment\nzh\t你好\n\nen\thi\n', 'greeting'), [
      { text: '你好', label: 'greeting', lang: 'zh' },
      { text: 'hi', label: 'greeting', lang: 'en' },
    ]);
    assert.throws(() => parseIntentFile('fr\tbonjour', 'greeting'));
  });

  it('splits deterministically and keeps every label on both sides', () => {
    const first = splitDataset(builtin, 0.2, 11);
    const second = splitDataset(builtin, 0.2, 11);
    assert.deepEqual(first.valid, second.valid);
    assert.equal(first.train.length + first.valid.length, builtin.length);
    for (const intent of BUILTIN_INTENTS) {
      assert.ok(first.valid.some((example) => example.label === intent));
      assert.ok(first.train.some((example) => example.label === intent));
    }
  });
});
