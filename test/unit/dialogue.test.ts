import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BotState, decideTurn, INITIAL_BOT_STATE, type Understanding } from '../../src/server/bot/dialogue.ts';
import {
  isBareFollowUp,
  readsAsFollowUp,
  settleIntent,
  wantsHuman,
  wantsToComplain,
} from '../../src/server/bot/cues.ts';
import { extractEntities } from '../../src/server/text/entities.ts';

const TRON_TX = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

function understand(text: string, over: Partial<Understanding> = {}): Understanding {
  return {
    text,
    locale: /[\u4e00-\u9fff]/.test(text) ? 'zh-CN' : 'en',
    intent: 'oos',
    confidence: 0.9,
    outOfScope: false,
    entities: extractEntities(text),
    sentiment: { score: 0, label: 'neutral' },
    redactions: [],
    kb: { title: 'How deposits work', snippet: 'Deposits are credited after confirmations.', url: '/help/en/deposits' },
    orgName: 'Lumen',
    verified: false,
    canLookUp: false,
    ...over,
  };
}

type Row = {
  name: string;
  state?: Partial<BotState>;
  u: Understanding;
  action: string | RegExp;
  handoff?: { reason: string; priority?: string } | null;
  reply?: RegExp;
  lookup?: string;
};

const rows: Row[] = [
  {
    name: '"转人工" hands over whatever the classifier says',
    u: understand('转人工', { intent: 'greeting' }),
    action: 'handoff:customer_asked',
    handoff: { reason: 'customer_asked' },
  },
  {
    name: 'a compromised account is urgent and offers the freeze',
    u: understand('my account was hacked', { intent: 'account_compromised' }),
    action: 'handoff:account_compromised',
    handoff: { reason: 'account_compromised', priority: 'urgent' },
    reply: /FREEZE/,
  },
  {
    name: 'a complaint goes to a human, high',
    u: understand('I want to file a complaint', { intent: 'complaint' }),
    action: 'handoff:complaint',
    handoff: { reason: 'complaint', priority: 'high' },
  },
  {
    name: 'strong anger hands over even on a known intent',
    u: understand('SCAM!!!', { intent: 'withdrawal_status', sentiment: { score: -0.9, label: 'very_negative' } }),
    action: 'handoff:negative_sentiment',
    handoff: { reason: 'negative_sentiment', priority: 'high' },
  },
  {
    name: 'the first unclear message is asked again',
    u: understand('asdf qwer', { outOfScope: true }),
    action: 'clarify',
    handoff: null,
  },
  {
    name: 'the second unclear message in a row hands over',
    state: { lowConfidenceStreak: 1 },
    u: understand('zzz', { outOfScope: true }),
    action: 'handoff:low_confidence',
    handoff: { reason: 'low_confidence' },
  },
  {
    name: 'a deposit question with coin and hash asks only for the network',
    u: understand(`USDT deposit missing, hash ${TRON_TX}`, { intent: 'deposit_missing' }),
    action: 'ask_slots',
    reply: /network/,
  },
  {
    name: 'with everything given and sources configured, the deposit is looked up',
    u: understand(`USDT TRC20 deposit missing ${TRON_TX}`, { intent: 'deposit_missing', canLookUp: true }),
    action: 'lookup_deposit',
    lookup: 'deposit',
  },
  {
    name: 'naming a network is not a wrong-network deposit',
    u: understand('我的 USDT 充值还没到账，ERC20 网络', { intent: 'deposit_wrong_network' }),
    action: 'ask_slots',
    reply: /交易哈希/,
  },
  {
    name: 'asking whether a deposit needs a memo is answered from the article, not asked for a TxID',
    u: understand('充值XRP需要填memo吗', { intent: 'deposit_missing_memo' }),
    action: 'kb_answer',
  },
  {
    name: 'a deposit that "never arrived", read as a wrong network, is looked up',
    u: understand('I sent USDT on ERC20 but it never arrived', { intent: 'deposit_wrong_network' }),
    action: 'ask_slots',
  },
  {
    name: 'a memo deposit that has not arrived is looked up like any missing deposit',
    u: understand('XRP充值还没到账，有memo的', { intent: 'deposit_missing_memo' }),
    action: 'ask_slots',
  },
  {
    name: 'how long deposits usually take is answered from the article, not asked for a TxID',
    u: understand('充值一般多久到账', { intent: 'deposit_missing' }),
    action: 'kb_answer',
  },
  {
    name: 'how long a BTC deposit takes is a question about deposits, not one to look up',
    u: understand('how long does a BTC deposit take', { intent: 'deposit_missing' }),
    action: 'kb_answer',
  },
  {
    name: 'how long withdrawals usually take needs no sign-in',
    u: understand('how long do withdrawals usually take', { intent: 'withdrawal_status' }),
    action: 'kb_answer',
  },
  {
    name: 'a withdrawal of the customer’s own that usually takes less is looked up',
    u: understand('my withdrawal usually takes 10 minutes, this one is stuck', {
      intent: 'withdrawal_status',
      verified: true,
      canLookUp: true,
    }),
    action: /withdrawal/,
  },
  {
    name: 'a real wrong-network deposit starts a recovery',
    u: understand('我充币的时候选错网络了', { intent: 'deposit_wrong_network' }),
    action: 'ask_slots',
    reply: /找回工单/,
  },
  {
    name: 'investment advice is declined',
    u: understand('which coin will go up?', { intent: 'investment_advice' }),
    action: 'decline_advice',
    reply: /cannot give investment advice/,
  },
  {
    name: 'a greeting is answered in kind',
    u: understand('hi', { intent: 'greeting' }),
    action: 'greet',
    reply: /Lumen/,
  },
  {
    name: 'the same question answered before goes to a human instead of looping',
    state: { answered: ['fees_trading'] },
    u: understand('what are the fees?', { intent: 'fees_trading' }),
    action: 'handoff:repeated_question',
    handoff: { reason: 'repeated_question' },
  },
  {
    name: '"still not working" after a knowledge-base answer goes to a human',
    state: { answered: ['account_locked'], awaitingFeedback: 'account_locked' },
    u: understand('還是不行', { intent: 'oos', confidence: 0.9, outOfScope: true, locale: 'zh-TW' }),
    action: 'handoff:answer_unhelpful',
    handoff: { reason: 'answer_unhelpful' },
    reply: /轉接人工/,
  },
  {
    name: '"that didn\'t help" is not taken for thanks after a knowledge-base answer',
    state: { answered: ['fees_trading'], awaitingFeedback: 'fees_trading' },
    u: understand("that didn't help", { intent: 'thanks_bye', confidence: 0.9 }),
    action: 'handoff:answer_unhelpful',
    handoff: { reason: 'answer_unhelpful' },
  },
  {
    name: 'a new question after a knowledge-base answer is answered, not handed off',
    state: { answered: ['account_locked'], awaitingFeedback: 'account_locked' },
    u: understand('不是这个问题，我想问交易手续费', { intent: 'fees_trading', confidence: 0.9 }),
    action: 'kb_answer',
  },
  {
    name: 'a bare "still not working" with nothing answered before asks to rephrase, whatever the classifier guessed',
    u: understand('試過了，還是不行啊', { intent: 'investment_advice', confidence: 0.76 }),
    action: 'clarify',
  },
  {
    name: '"still can\'t withdraw" has a topic of its own and is not taken for bare feedback',
    u: understand('还是不能提币', { intent: 'withdrawal_status', verified: true, canLookUp: true }),
    action: /withdrawal/,
  },
  {
    name: '"thanks, but it still fails" asks to rephrase instead of saying goodbye',
    u: understand('谢谢，但还是不行', { intent: 'thanks_bye', confidence: 0.9 }),
    action: 'clarify',
  },
  {
    name: 'a follow-up on a withdrawal looks the withdrawal up again',
    state: { topic: { intent: 'withdrawal_status', text: '我的提币在审核中', followUps: 0 } },
    u: understand('要多久', { intent: 'withdrawal_status', followUp: true, verified: true, canLookUp: true }),
    action: /withdrawal/,
  },
  {
    name: 'a second follow-up on the same topic goes to a human instead of a third round',
    state: { topic: { intent: 'withdrawal_status', text: '我的提币在审核中', followUps: 1 } },
    u: understand('到底要多久', { intent: 'withdrawal_status', followUp: true, verified: true, canLookUp: true }),
    action: 'handoff:repeated_question',
  },
  {
    name: '"are you a bot?" gets a straight answer and the way to a person',
    u: understand('are you a bot?', { outOfScope: true }),
    action: 'bot_identity',
    reply: /automated assistant.*agent/,
  },
  {
    name: '"你是机器人吗" gets a straight answer too',
    u: understand('你是机器人吗', { outOfScope: true }),
    action: 'bot_identity',
    reply: /智能客服机器人.*人工/,
  },
  {
    name: '"I need a person, not a bot" is a request for a person, not a question about the bot',
    u: understand('I need a real person, not a bot'),
    action: 'handoff:customer_asked',
  },
  {
    name: 'a lost authenticator asks for an identity-verification case',
    u: understand('lost my google authenticator', { intent: 'twofa_reset', canLookUp: true }),
    action: 'open_identity_verification',
    lookup: 'identity_verification',
  },
];

for (const row of rows) {
  test(`dialogue: ${row.name}`, () => {
    const turn = decideTurn({ ...INITIAL_BOT_STATE, ...row.state }, row.u);
    if (row.action instanceof RegExp) assert.match(turn.action, row.action);
    else assert.equal(turn.action, row.action);
    if (row.handoff === null) assert.equal(turn.handoff, null);
    if (row.handoff) {
      assert.equal(turn.handoff?.reason, row.handoff.reason);
      if (row.handoff.priority) assert.equal(turn.handoff?.priority, row.handoff.priority);
      assert.equal(turn.state.active, false, 'the bot steps back after a hand-off');
    }
    if (row.reply)
      assert.ok(
        turn.replies.some((r) => row.reply!.test(r)),
        JSON.stringify(turn.replies),
      );
    if (row.lookup) assert.equal(turn.lookup?.kind, row.lookup);
  });
}

test('a slot flow re-asks at most twice, then hands over with what it has', () => {
  let state: BotState = { ...INITIAL_BOT_STATE };
  const actions: string[] = [];
  for (const text of ['my USDT deposit is missing', 'still missing', 'help', 'hello?']) {
    const turn = decideTurn(state, understand(text, { intent: 'deposit_missing' }));
    actions.push(turn.action);
    state = turn.state;
    if (turn.handoff) break;
  }
  assert.deepEqual(actions, ['ask_slots', 'ask_slots', 'handoff:details_incomplete']);
});

const humanRequests: [string, boolean][] = [
  ['转人工', true],
  ['人工', true],
  ['can I talk to a real person', true],
  ['agent', true],
  ['I am an agent of change', false],
  ['我的充值没到账', false],
];
for (const [text, expected] of humanRequests) {
  test(`"${text}" ${expected ? 'asks' : 'does not ask'} for a human`, () => assert.equal(wantsHuman(text), expected));
}

const complaintRequests: [string, boolean][] = [
  ['My futures position was liquidated at the wrong price. I want a formal complaint.', true],
  ['我要投诉你们的客服', true],
  ['我要投訴', true],
  ['how do I file a complaint', true],
  ['please escalate this', true],
  ['my complaint was answered, thanks', false],
  ['提币一直在审核中', false],
  ['I was liquidated unfairly and I want my money back', true],
  ['插针爆仓，我要求赔偿', true],
  ['what compensation do VIPs get on fees', false],
  ['I demand compensation for the outage', true],
];
for (const [text, expected] of complaintRequests) {
  test(`"${text}" ${expected ? 'asks' : 'does not ask'} to complain`, () =>
    assert.equal(wantsToComplain(text), expected));
}

test('an explicit complaint hands over as a complaint even when the topic reads as another intent', () => {
  const turn = decideTurn(
    { ...INITIAL_BOT_STATE },
    understand('I was liquidated below my liquidation price and I want to make a formal complaint', {
      intent: 'futures_liquidation',
    }),
  );
  assert.equal(turn.action, 'handoff:complaint');
  assert.equal(turn.handoff?.priority, 'high');
});

test('a knowledge-base answer waits for feedback for one turn only', () => {
  const answered = decideTurn(
    { ...INITIAL_BOT_STATE },
    understand('my account is locked', { intent: 'account_locked' }),
  );
  assert.equal(answered.action, 'kb_answer');
  const rejected = decideTurn(answered.state, understand('still not working', { intent: 'oos', outOfScope: true }));
  assert.equal(rejected.action, 'handoff:answer_unhelpful');
  // Two turns later the same words no longer refer to that answer: ask to rephrase as for any unclear message.
  const greeted = decideTurn(answered.state, understand('hello', { intent: 'greeting' }));
  const unclear = decideTurn(greeted.state, understand('still not working', { intent: 'oos', outOfScope: true }));
  assert.equal(unclear.action, 'clarify');
});

const followUps: [string, boolean][] = [
  ['要多久', true],
  ['现在呢？', true],
  ['為什麼', true],
  ['how long?', true],
  ['why is it taking so long', true],
  ['我的充值还没到账', false],
  ['hello', false],
  ['when will the withdrawal I sent yesterday to my hardware wallet address finally arrive there', false],
];
for (const [text, expected] of followUps) {
  test(`"${text}" ${expected ? 'reads' : 'does not read'} as a follow-up`, () =>
    assert.equal(readsAsFollowUp(text), expected));
}

test('a topic is remembered from an understood question, and a follow-up counts against it', () => {
  const asked = decideTurn(
    { ...INITIAL_BOT_STATE },
    understand('my withdrawal is stuck', { intent: 'withdrawal_status', verified: true, canLookUp: true }),
  );
  const { intent, text, followUps } = asked.state.topic ?? {};
  assert.deepEqual(
    { intent, text, followUps },
    { intent: 'withdrawal_status', text: 'my withdrawal is stuck', followUps: 0 },
  );
  const followed = decideTurn(
    asked.state,
    understand('how long?', { intent: 'withdrawal_status', followUp: true, verified: true, canLookUp: true }),
  );
  assert.equal(followed.state.topic?.followUps, 1);
  const thanked = decideTurn(followed.state, understand('thanks', { intent: 'thanks_bye' }));
  assert.equal(thanked.state.topic?.intent, 'withdrawal_status', 'a goodbye is not a new topic');
});

const settled: [string, string, string][] = [
  ['twofa_reset', '开通谷歌验证的步骤', 'getting_started'],
  ['twofa_reset', 'how do I set up google authenticator', 'getting_started'],
  ['twofa_reset', '换手机了谷歌验证怎么办', 'twofa_reset'],
  ['twofa_reset', 'lost my google authenticator', 'twofa_reset'],
  ['twofa_reset', 'my 2fa code is invalid', 'twofa_reset'],
  ['deposit_missing', 'how do I enable 2FA', 'deposit_missing'],
  ['account_compromised', 'how do I protect my account from hackers', 'getting_started'],
  ['account_compromised', '怎么防止账户被盗', 'getting_started'],
  ['account_compromised', 'what happens if my account gets hacked', 'getting_started'],
  ['account_compromised', '我的账户被盗了', 'account_compromised'],
  ['account_compromised', 'how do I protect my account, I think it was hacked', 'account_compromised'],
  ['account_compromised', '怎么防止再被盗？刚才有人登录了我的账户', 'account_compromised'],
  ['account_compromised', '收到陌生登录提醒', 'account_compromised'],
];
for (const [intent, text, expected] of settled) {
  test(`"${text}" read as ${intent} settles as ${expected}`, () => assert.equal(settleIntent(intent, text), expected));
}

const bareFeedback: [string, string][] = [
  ['没用', 'clarify'],
  ['还是没解决', 'clarify'],
  ['答非所问', 'clarify'],
  ["nope, that didn't help at all", 'clarify'],
  ['still not working', 'clarify'],
  ['still not working, my deposit is missing', 'ask_slots'],
];
for (const [text, action] of bareFeedback) {
  test(`"${text}" with nothing answered before: ${action}`, () => {
    const intent = action === 'ask_slots' ? 'deposit_missing' : 'investment_advice';
    assert.equal(decideTurn({ ...INITIAL_BOT_STATE }, understand(text, { intent, confidence: 0.8 })).action, action);
  });
}

const bareFollowUps: [string, boolean][] = [
  ['现在呢？', true],
  ['要多久', true],
  ['到底还要等多久啊', true],
  ['how long?', true],
  ['any update?', true],
  ['how long does a BTC deposit take', false],
  ['为什么我的提币被拒绝了', false],
];
for (const [text, expected] of bareFollowUps) {
  test(`"${text}" ${expected ? 'is' : 'is not'} a bare follow-up`, () => assert.equal(isBareFollowUp(text), expected));
}

test('a follow-up on a deposit looks the same deposit up again with the details already given', () => {
  const slots = { coin: 'USDT', network: 'TRC20', txHash: TRON_TX };
  const turn = decideTurn(
    { ...INITIAL_BOT_STATE, topic: { intent: 'deposit_missing', text: '我的USDT没到账', followUps: 0, slots } },
    understand('现在呢？', { intent: 'deposit_missing', followUp: true, canLookUp: true }),
  );
  assert.equal(turn.action, 'lookup_deposit');
  assert.deepEqual(turn.lookup?.slots, slots);
});
