import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Locale } from '../../src/contracts/domain.ts';
import { type BotState, decideTurn, INITIAL_BOT_STATE } from '../../src/server/bot/dialogue.ts';
import { trainBuiltinModel } from '../../src/server/bot/nlu/builtin-model.ts';
import { chooseReplyLocale } from '../../src/server/text/language.ts';
import { understandMessage } from '../../src/server/bot/understand.ts';
import { loadStarterKb } from '../../src/server/kb/starter.ts';
import { buildKbIndex } from '../../src/server/kb/search.ts';

/**
 * Whole conversations as customers write them, through the shipped model, the seed FAQ and the dialogue: each turn's
 * action, and where it matters the language of the reply. The look-ups themselves are the integration tests' job.
 */
const model = trainBuiltinModel();
const kb = buildKbIndex(loadStarterKb());
const TRON_TX = '7c2d9a4f1b3e8c6d5a2f9e0b4c7d1a3e6f8b2c5d9e1a4f7b0c3d6e9f2a5b8c1d';

type Turn = [text: string, action: string | RegExp, reply?: RegExp, handoffReason?: string];
type Scenario = { name: string; locale?: Locale; verified?: boolean; turns: Turn[] };

const scenarios: Scenario[] = [
  {
    name: 'a Chinese deposit question collects the missing details, in Chinese even for a bare network name',
    turns: [
      ['我充值的USDT还没到账', 'ask_slots', /交易哈希/],
      ['TRC20', 'ask_slots', /还差一点信息/],
      [TRON_TX, 'lookup_deposit'],
      ['现在呢？', 'lookup_deposit'],
    ],
  },
  {
    name: 'details given one per message are progress, not re-asks, and "why so slow?" asks about that deposit',
    turns: [
      ['my deposit is missing', 'ask_slots'],
      ['USDT', 'ask_slots'],
      ['ERC20', 'ask_slots', /still need: the transaction hash/],
      ['0x9b2c4e6a8d0f1b3c5e7a9d2f4b6c8e0a1d3f5b7c9e1a3c5e7f9b1d3f5a7c9e1b', 'lookup_deposit'],
      ['why so slow?', 'lookup_deposit'],
    ],
  },
  {
    name: 'an SMS code that does not arrive gets its article, not a 2FA identity case',
    turns: [
      ['忘记密码了怎么办', 'kb_answer', /重置/],
      ['收不到验证码', 'kb_answer', /收不到短信或邮箱验证码/],
    ],
  },
  {
    name: '"why?" after an article is a sign it did not help',
    turns: [
      ['我的合约爆仓了', 'kb_answer'],
      ['为什么会这样', 'handoff:repeated_question'],
    ],
  },
  {
    name: 'an article that did not help hands over',
    turns: [
      ['我的账户被锁了，登录不了', 'kb_answer'],
      ['还是不行', 'handoff:answer_unhelpful', /转接人工/],
    ],
  },
  {
    name: 'a follow-up on a withdrawal looks it up again, then a person takes over',
    verified: true,
    turns: [
      ['我的BTC提币一直在审核中', 'lookup_withdrawal'],
      ['要多久', 'lookup_withdrawal'],
      ['到底要多久', 'handoff:repeated_question'],
    ],
  },
  {
    name: 'a vague "help with my account" gets one question back, then the answer',
    turns: [
      ['i need help with my account', 'clarify'],
      ['it says locked', 'kb_answer', /locked/],
    ],
  },
  {
    name: 'a bare withdrawal id after a look-up names the withdrawal meant',
    verified: true,
    turns: [
      ['my withdrawal to binance is stuck', 'lookup_withdrawal'],
      ['W-5571340', 'lookup_withdrawal'],
    ],
  },
  {
    name: 'a TxID after a withdrawal answer is that withdrawal’s, not a new deposit question',
    verified: true,
    turns: [
      ['My BTC withdrawal was completed but my wallet shows nothing', 'lookup_withdrawal'],
      ['tx is 4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b', 'lookup_withdrawal'],
    ],
  },
  {
    name: 'asking for one’s deposit address gets the how-to, not a TxID request',
    turns: [['我的充值地址是多少', 'kb_answer', /充值地址/]],
  },
  {
    name: 'switching 2FA on is a how-to',
    turns: [['how do I enable 2FA', 'kb_answer', /Set up Google Authenticator/]],
  },
  { name: 'a lost authenticator opens a case', turns: [['换手机了，谷歌验证没了', 'open_identity_verification']] },
  {
    name: 'protecting an account is a how-to, a break-in is urgent',
    turns: [
      ['how do I protect my account from hackers', 'kb_answer'],
      ['someone logged into my account and withdrew my ETH', 'handoff:account_compromised'],
    ],
  },
  { name: 'asking whether a memo is needed is a how-to', turns: [['充值XRP需要填memo吗', 'kb_answer']] },
  { name: 'deposit times in general need no TxID', turns: [['how long does a BTC deposit take', 'kb_answer']] },
  {
    name: '"are you a bot?" is answered straight, and a person is one message away',
    turns: [
      ['are you a bot?', 'bot_identity', /automated assistant/],
      ['ok, let me talk to a real person', 'handoff:customer_asked'],
    ],
  },
  {
    name: 'two messages the bot cannot place hand over',
    turns: [
      ['今天天气怎么样', 'clarify'],
      ['推荐一部好看的电影', 'handoff:low_confidence'],
    ],
  },
  { name: 'investment advice is declined', turns: [['which coin will pump next week?', 'decline_advice']] },
  { name: 'a complaint goes to a person', turns: [['我要投诉你们的客服', 'handoff:complaint']] },
  {
    name: 'greetings and goodbyes are answered in kind',
    turns: [
      ['hi', 'greet'],
      ['thanks, bye', 'thank'],
    ],
  },
  {
    name: 'an account claiming to be support is checked',
    turns: [['is @lumen_support_vip on telegram your official account?', 'check_official']],
  },
  {
    name: 'the account the customer names after "which one contacted you?" is checked',
    turns: [
      ['有人自称你们客服加我，是真的吗', 'check_official'],
      ['他的电报是 @lumen_cs_help', 'check_official'],
    ],
  },
  {
    name: 'a customer already cheated by fake support goes to the security team at once',
    turns: [['我被骗了，有人冒充你们客服让我转账 @lumen_cs_help', 'check_official', /诈骗.*安全团队/, 'scam_reported']],
  },
  {
    name: 'a P2P seller who released the crypto without being paid goes to the security team',
    turns: [['放币了对方没付钱怎么办', 'handoff:scam_reported', /诈骗/]],
  },
  {
    name: 'an OTC trade that has not settled gets the OTC desk article and a person, not the P2P article',
    locale: 'en',
    turns: [['my OTC trade of 50k has not settled', 'handoff:otc_not_settled', /OTC desk[\s\S]*otc-settlement/]],
  },
  {
    name: 'an unsettled OTC block trade in Chinese, too',
    turns: [['我的OTC大宗交易5万U还没结算', 'handoff:otc_not_settled', /OTC 大宗交易[\s\S]*交易台/]],
  },
  {
    name: 'how the OTC desk works is the OTC article',
    locale: 'en',
    turns: [['what is the minimum size for an OTC block trade?', 'kb_answer', /otc-settlement/]],
  },
  {
    name: 'OTC 大宗交易怎么询价 is the OTC article',
    turns: [['大宗交易怎么询价，最低多少', 'kb_answer', /otc-settlement/]],
  },
  {
    name: 'a P2P seller who does not release is still P2P',
    turns: [['P2P买币付款了，卖家一直不放币', 'kb_answer', /p2p-disputes/]],
  },
  {
    name: 'losses during a crash are a complaint for people, not investment advice',
    turns: [['大盘暴跌，你们的app卡死了我没法平仓，损失谁负责', 'handoff:complaint']],
  },
  {
    name: 'a phishing link in a message the bot cannot place is checked',
    turns: [
      [
        'I got an email saying my account will be suspended unless I verify, link: lumen-verify-account.com',
        'check_official',
      ],
    ],
  },
  { name: 'a maintenance question reads the platform status', turns: [['平台是不是在维护', 'platform_status']] },
  { name: 'slang for a stuck withdrawal is understood', verified: true, turns: [['提不了币啊', 'lookup_withdrawal']] },
  {
    name: 'a wrong-network deposit starts a recovery',
    turns: [['I sent USDT on BEP20 instead of ERC20', 'ask_slots']],
  },
  {
    name: 'a Taiwan customer is answered in Taiwan wording',
    locale: 'zh-TW',
    turns: [['我的帳號被鎖住了，登入不了', 'kb_answer', /帳戶/]],
  },
];

for (const scenario of scenarios) {
  test(`conversation: ${scenario.name}`, () => {
    let state: BotState = { ...INITIAL_BOT_STATE, locale: scenario.locale ?? 'zh-CN' };
    for (const [text, action, reply, handoffReason] of scenario.turns) {
      const locale = chooseReplyLocale(text, state.locale ?? null);
      const u = understandMessage(text, {
        model,
        kb,
        locale,
        topic: state.topic,
        redactions: [],
        orgName: 'Lumen',
        verified: scenario.verified ?? false,
        canLookUp: true,
      });
      const turn = decideTurn(state, u);
      const where = `"${text}" (read as ${u.intent} ${u.confidence.toFixed(2)}${u.followUp ? ', follow-up' : ''})`;
      if (typeof action === 'string') assert.equal(turn.action, action, where);
      else assert.match(turn.action, action, where);
      if (reply) assert.match(turn.replies.join('\n'), reply, where);
      if (handoffReason) assert.equal(turn.handoff?.reason, handoffReason, where);
      state = { ...turn.state, locale };
    }
  });
}
