import * as OpenCC from 'opencc-js/cn2t';
import type { Locale } from '../../contracts/domain.ts';

/**
 * Everything the bot says, written once in Simplified Chinese and English. Traditional Chinese is derived from the
 * Simplified text with OpenCC (cn → tw, with Taiwan phrases), so the three locales never drift apart.
 */
const REPLIES = {
  greeting: {
    'zh-CN': '您好！我是{org}的智能客服，请问有什么可以帮您？例如：充值未到账、提币进度、账户安全。',
    en: 'Hi! I am the {org} support assistant. How can I help — a missing deposit, a withdrawal, account security?',
  },
  thanks: {
    'zh-CN': '不客气！如果还有其他问题，随时在这里留言，我们 24 小时在线。',
    en: 'You are welcome! If anything else comes up, just write here — we are online 24/7.',
  },
  investmentAdvice: {
    'zh-CN':
      '抱歉，我们不提供投资建议，也不预测价格。数字资产价格波动很大，请根据自己的情况谨慎决策。如果是账户或交易操作上的问题，我很乐意帮忙。',
    en: 'Sorry, we cannot give investment advice or predict prices. Crypto prices are very volatile; please decide based on your own situation. I am happy to help with anything about your account or trades.',
  },
  clarify: {
    'zh-CN':
      '抱歉，我没太理解您的问题。能换个说法吗？例如：“USDT 充值没到账”“提币一直在审核”“账户被锁了”。需要人工客服请回复“人工”。',
    en: 'Sorry, I did not quite get that. Could you put it another way? For example: "my USDT deposit has not arrived", "my withdrawal is stuck in review", "my account is locked". Reply "agent" to talk to a person.',
  },
  askDeposit: {
    'zh-CN': '为了帮您查询这笔充值，请提供：{missing}。',
    en: 'To look this deposit up, please send me: {missing}.',
  },
  askDepositAgain: {
    'zh-CN': '还差一点信息：{missing}。可以一次全部发给我。',
    en: 'I still need: {missing}. You can send everything in one message.',
  },
  askWithdrawal: {
    'zh-CN': '请提供提币的币种和提币单号（或链上交易哈希），我来帮您查询进度。',
    en: 'Please send the coin and the withdrawal ID (or the on-chain transaction hash), and I will check its progress.',
  },
  invalidTxHash: {
    'zh-CN': '这个交易哈希与 {network} 网络的格式不符，请从钱包或区块浏览器复制完整的交易哈希（TxID）再发给我。',
    en: 'That transaction hash does not match the {network} network. Please copy the full transaction hash (TxID) from your wallet or a block explorer and send it again.',
  },
  invalidAddress: {
    'zh-CN': '您发来的地址 {value} 校验不通过（可能有字符输错），请复制粘贴原地址，不要手动输入。',
    en: 'The address {value} fails its checksum (a character may be mistyped). Please copy and paste it rather than typing it.',
  },
  kbAnswer: {
    'zh-CN': '{title}\n{snippet}\n详情：{url}\n\n这能解决您的问题吗？如果还需要帮助，请回复“人工”。',
    en: '{title}\n{snippet}\nMore: {url}\n\nDid this help? If you still need help, reply "agent".',
  },
  handoff: {
    'zh-CN': '正在为您转接人工客服，请稍候。您提供的信息会一并交给客服，无需重复说明。',
    en: 'I am connecting you with our support team now. They will see everything you have told me, so you will not need to repeat it.',
  },
  handoffDeposit: {
    'zh-CN': '谢谢，信息已收到（{summary}）。正在为您转接人工客服核实链上记录，请稍候。',
    en: 'Thank you, I have the details ({summary}). I am handing this to our support team to check the on-chain record now.',
  },
  handoffIncomplete: {
    'zh-CN': '没关系，我先为您转接人工客服，已收集到的信息（{summary}）会一并转交。',
    en: 'No problem — I am passing you to our support team together with what I have so far ({summary}).',
  },
  handoffCompromised: {
    'zh-CN':
      '您的会话已标记为紧急安全事件，正在优先为您转接安全专员。请立即：1）修改登录密码；2）检查并重置两步验证；3）不要向任何人提供验证码或助记词。',
    en: 'Your chat is marked as an urgent security case and a security specialist is being connected now. Right away, please: 1) change your password; 2) check and reset your 2FA; 3) never give anyone your codes or seed phrase.',
  },
  handoffComplaint: {
    'zh-CN': '非常抱歉给您带来不好的体验。您的投诉已记录，正在为您转接主管处理。',
    en: 'I am very sorry about this experience. Your complaint is recorded and I am passing you to a supervisor now.',
  },
  handoffUpset: {
    'zh-CN': '非常理解您的着急，我马上为您转接人工客服优先处理。',
    en: 'I understand this is stressful. I am getting a member of our team to you as a priority right now.',
  },
  handoffRepeat: {
    'zh-CN': '看来刚才的回答没有解决您的问题，我为您转接人工客服。',
    en: 'It looks like my answer did not solve it — I am connecting you with our support team.',
  },
  slotCoin: { 'zh-CN': '币种（如 USDT）', en: 'the coin (e.g. USDT)' },
  slotNetwork: { 'zh-CN': '充值网络（如 TRC20、ERC20、BEP20）', en: 'the network (e.g. TRC20, ERC20, BEP20)' },
  slotTxHash: { 'zh-CN': '交易哈希（TxID）', en: 'the transaction hash (TxID)' },
  listSeparator: { 'zh-CN': '、', en: ', ' },
} as const satisfies Record<string, { 'zh-CN': string; en: string }>;

export type ReplyKey = keyof typeof REPLIES;

let toTraditional: ((text: string) => string) | undefined;

export function reply(key: ReplyKey, locale: Locale, vars: Record<string, string> = {}): string {
  const entry = REPLIES[key];
  let text: string = locale === 'en' ? entry.en : entry['zh-CN'];
  if (locale === 'zh-TW') {
    const convert = toTraditional ?? OpenCC.Converter({ from: 'cn', to: 'twp' });
    toTraditional = convert;
    text = convert(text);
  }
  // Variables are filled after conversion: a TxID or a name must reach the customer exactly as given.
  return text.replace(/\{(\w+)\}/g, (_, name: string) => vars[name] ?? '');
}

export function joinList(items: string[], locale: Locale): string {
  return items.join(reply('listSeparator', locale));
}
