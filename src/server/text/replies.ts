import type { Locale } from '../../contracts/domain.ts';
import { toTaiwanText } from './taiwan-text.ts';

/**
 * Everything the bot says, written once in Simplified Chinese and English. Traditional Chinese is derived from the
 * Simplified text with OpenCC (cn → tw, with Taiwan phrases), so the three locales never drift apart.
 */
const REPLIES = {
  botIdentity: {
    'zh-CN':
      '我是{org}的智能客服机器人，可以帮您查询充值和提币进度、处理账户安全问题。想和真人客服沟通，回复“人工”即可。',
    en: 'I am the {org} automated assistant: I can look up deposits and withdrawals and help with account security. To talk to a person instead, reply "agent".',
  },
  whileWaiting: {
    'zh-CN': '在等待人工客服接入的同时，我先帮您查一下：',
    en: 'While you wait for a colleague, I can look this up for you:',
  },
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
  fileReceived: {
    'zh-CN':
      '收到您的文件。能用一句话说说您遇到的问题吗？例如：“USDT 充值没到账”“提币一直在审核”。请勿发送助记词、私钥或验证码的截图。需要人工客服请回复“人工”。',
    en: 'Thanks, I have your file. Could you tell me in a sentence what the problem is? For example: "my USDT deposit has not arrived", "my withdrawal is stuck in review". Never send a picture of your seed phrase, private key or 2FA codes. Reply "agent" to talk to a person.',
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
  aiAnswer: {
    'zh-CN':
      '{answer}\n\n来源：\n{sources}\n\n（此回答由 AI 根据帮助中心文章生成，可能有不准确之处。如需人工帮助，请回复“人工”。）',
    en: '{answer}\n\nSources:\n{sources}\n\n(This answer was written by AI from our help articles and may be imperfect. Reply "agent" to talk to a person.)',
  },
  handoffAlreadyRead: {
    'zh-CN': '您已经看过《{title}》，看来它没能解决您的问题。我为您转接人工客服，请稍候。',
    en: 'You have already read "{title}" and it did not solve this, so I am connecting you with our support team.',
  },
  handoff: {
    'zh-CN': '正在为您转接人工客服，请稍候。您提供的信息会一并交给客服，无需重复说明。',
    en: 'I am connecting you with our support team now. They will see everything you have told me, so you will not need to repeat it.',
  },
  handoffOtc: {
    'zh-CN':
      '您的 OTC 大宗交易结算我已转交人工客服，他们会立即联系 OTC 交易台核对。请准备好报价单号、成交金额和付款凭证。提醒：OTC 交易台绝不会要求您向个人账户付款。',
    en: 'I have passed your OTC settlement to our support team, who will check it with the OTC desk right away. Please have the quote number, the traded amount and your payment proof ready. Remember: the OTC desk never asks you to pay a personal account.',
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
  handoffScam: {
    'zh-CN':
      '很抱歉您遇到了诈骗。我已把对话标记为高优先级并转给安全团队。请不要再向对方转账或提供任何验证码；如果已经泄露密码或验证码，请立即修改密码并重置谷歌验证。',
    en: 'I am sorry you were targeted by a scam. I have marked this chat high priority and am bringing in our security team. Do not send the scammer anything more or share any code; if you gave away a password or code, change your password and reset your 2FA now.',
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
  depositNotFound: {
    'zh-CN':
      '在 {network} 网络上没有找到这笔交易（{tx}）。请确认哈希是否完整、网络是否选对；刚发出的交易可能还没有广播，请几分钟后再试。',
    en: 'I could not find this transaction ({tx}) on the {network} network. Please check the hash is complete and the network is right; a transaction sent moments ago may not be broadcast yet, so try again in a few minutes.',
  },
  depositWrongNetwork: {
    'zh-CN':
      '这笔交易不在 {network} 网络上，而是在 {foundOn} 网络上——这是常见的“充错网络”情况。我已为您创建找回工单（{caseRef}），客服会核实能否找回并告诉您步骤和费用。',
    en: 'This transaction is not on {network} but on {foundOn} — the classic wrong-network deposit. I have opened a recovery case ({caseRef}); our team will check whether it can be recovered and tell you the steps and any fee.',
  },
  depositFailed: {
    'zh-CN': '这笔交易在链上执行失败（状态为 failed），资产没有转出，仍在您的钱包里。请在钱包中重新发起转账。',
    en: 'This transaction failed on chain, so the funds never left your wallet. Please send it again from your wallet.',
  },
  depositNotYourAddress: {
    'zh-CN':
      '这笔交易已上链，但收款地址（{to}）不是您在本平台的充值地址。请核对您复制的地址；如果是转给了别人，平台无法追回。我为您转接人工进一步确认。',
    en: 'This transaction is on chain, but it was sent to {to}, which is not one of your deposit addresses here. Please check the address you used; funds sent to someone else cannot be recovered by us. I am passing you to our team to confirm.',
  },
  depositPending: {
    'zh-CN':
      '找到了！这笔充值正在确认中：{confirmations}/{required} 个区块确认，预计还需约 {eta}。达到确认数后会自动入账，无需任何操作。',
    en: 'Found it! Your deposit is confirming: {confirmations} of {required} confirmations, about {eta} to go. It will be credited automatically once it reaches {required}; nothing else to do.',
  },
  depositCredited: {
    'zh-CN':
      '这笔充值（{amount} {coin}）已于 {creditedAt} 入账。请在“资产 → 资金账户”中查看；如果看不到，请刷新或检查是否在其他子账户。',
    en: 'This deposit ({amount} {coin}) was credited at {creditedAt}. Check Assets → Funding; if you do not see it, refresh or check your sub-accounts.',
  },
  depositBelowMinimum: {
    'zh-CN':
      '这笔充值金额为 {amount} {coin}，低于该网络的最小充值额 {minimum} {coin}，因此不会自动入账。我已为您转接人工处理。',
    en: 'This deposit of {amount} {coin} is below the minimum deposit of {minimum} {coin} on this network, so it is not credited automatically. I am passing you to our team.',
  },
  depositMemoMissing: {
    'zh-CN':
      '这个网络充值需要填写 Memo/标签，但这笔交易没有带上正确的 Memo。我已为您创建找回工单（{caseRef}），请按客服指引提交证明，通常 1–3 个工作日处理。',
    en: "Deposits on this network need a memo/tag, and this transaction did not carry the right one. I have opened a recovery case ({caseRef}); follow our team's instructions to submit proof — it usually takes 1–3 business days.",
  },
  depositNotCredited: {
    'zh-CN':
      '这笔充值已在链上确认（{confirmations} 个确认），但还没有入账。我已创建充值核查工单（{caseRef}，高优先级）并附上链上证据，正在为您转接人工。',
    en: 'This deposit is confirmed on chain ({confirmations} confirmations) but not credited yet. I have opened a deposit investigation ({caseRef}, high priority) with the on-chain evidence and am passing you to our team.',
  },
  depositUnverified: {
    'zh-CN':
      '这笔交易已在链上确认（{confirmations} 个确认）。由于您当前未登录，我无法核对入账情况，已为您转接人工客服，链上信息会一并转交。',
    en: 'This transaction is confirmed on chain ({confirmations} confirmations). As you are not signed in, I cannot check the crediting myself, so I am passing you to our team with the on-chain details.',
  },
  lookupUnavailable: {
    'zh-CN': '抱歉，暂时无法查询{what}（系统繁忙）。我不会猜测结果，已为您转接人工客服，您提供的信息会一并转交。',
    en: 'Sorry, I cannot check {what} right now (the system is busy). Rather than guess, I am passing you to our team with everything you told me.',
  },
  whatChain: { 'zh-CN': '链上记录', en: 'the blockchain' },
  whatExchange: { 'zh-CN': '账户记录', en: 'your account records' },
  networkCongested: {
    'zh-CN': '提示：{coin} 的 {network} 网络目前拥堵，到账会比平时慢。{note}',
    en: 'Note: the {network} network for {coin} is congested right now, so it is slower than usual. {note}',
  },
  networkSuspended: {
    'zh-CN': '提示：{coin} 的 {network} 网络{direction}目前暂停。{note}',
    en: 'Note: {direction} of {coin} on {network} are suspended right now. {note}',
  },
  platformIncidentsIntro: {
    'zh-CN': '目前只有以下网络有异常，其他币种的充值和提币都正常：',
    en: 'Only these networks have issues right now; every other deposit and withdrawal runs normally:',
  },
  platformAllNormal: {
    'zh-CN': '目前所有币种的充值和提币都正常运行。如果您遇到具体问题，请告诉我币种和网络。',
    en: 'All deposits and withdrawals are running normally right now. If something is not working for you, tell me the coin and network.',
  },
  withdrawalState: {
    'zh-CN': '您的提币 #{id}（{amount} {coin}）{state}',
    en: 'Your withdrawal #{id} ({amount} {coin}) {state}',
  },
  withdrawalNotFound: {
    'zh-CN': '没有找到这笔提币（{ref}）。请确认提币单号，或告诉我币种，我来查您最近的提币。',
    en: 'I could not find that withdrawal ({ref}). Please check the withdrawal ID, or tell me the coin and I will look at your recent ones.',
  },
  withdrawalNeedsSignIn: {
    'zh-CN': '查询提币进度需要先登录您的账户。请在网站登录后再打开客服窗口，或回复“人工”由客服为您核实身份后查询。',
    en: 'To check a withdrawal I need you to be signed in. Please sign in on the website and open the chat again, or reply "agent" and our team will verify you.',
  },
  freezeOffer: {
    'zh-CN':
      '如果您怀疑账户被盗，我可以立即为您冻结账户：冻结后所有登录会话和 API Key 会被撤销，任何人（包括您）都无法交易或提币，直到核实身份后解冻。确认冻结请回复“冻结”。',
    en: 'If you think your account was taken over, I can freeze it right now: all sessions and API keys are revoked and nobody (you included) can trade or withdraw until it is unfrozen after identity checks. Reply "FREEZE" to confirm.',
  },
  freezeAskEmail: {
    'zh-CN': '为了确认是您本人，请发送您注册账户的邮箱地址。我们会向该邮箱发送一个 6 位一次性验证码。',
    en: 'To confirm it is you, please send the email address of your account. We will email you a 6-digit one-time code.',
  },
  freezeCodeSent: {
    'zh-CN':
      '如果该邮箱对应一个账户，我们已发送 6 位一次性验证码（10 分钟内有效）。请把验证码发在这里——这是本次冻结专用的一次性码，不是您的谷歌验证码。',
    en: 'If that email belongs to an account, we have sent a 6-digit one-time code (valid for 10 minutes). Please send it here — it is a one-time code for this freeze only, not your authenticator code.',
  },
  freezeCodeWrong: {
    'zh-CN': '验证码不正确或已过期。请重新发送邮件中的 6 位验证码，或回复“人工”。',
    en: 'That code is wrong or has expired. Please send the 6-digit code from the email again, or reply "agent".',
  },
  freezeDone: {
    'zh-CN':
      '已冻结您的账户（UID {uid}），撤销了 {sessions} 个登录会话和 {keys} 个 API Key，并创建了紧急安全工单（{caseRef}）。安全专员正在接手。解冻需要核实身份并由两名工作人员审批。',
    en: 'Your account (UID {uid}) is frozen: {sessions} sessions and {keys} API keys were revoked, and an urgent security case ({caseRef}) is open. A security specialist is taking over. Unfreezing needs identity checks and approval by two staff members.',
  },
  officialYes: {
    'zh-CN': '✅ {value} 是{org}的官方渠道（{label}）。',
    en: '✅ {value} is an official {org} channel ({label}).',
  },
  officialNo: {
    'zh-CN':
      '⚠️ {value} 不是{org}的官方渠道。请不要向其转账、提供验证码或助记词，也不要点击其发送的链接。官方客服绝不会私信您索要这些信息。如已泄露信息，请立即修改密码并联系我们。',
    en: '⚠️ {value} is NOT an official {org} channel. Do not send it funds, codes or your seed phrase, and do not click its links. Our support never DMs you first or asks for these. If you shared anything, change your password now and tell us.',
  },
  officialEmailCode: {
    'zh-CN': '另外，我们发出的每封邮件都会在顶部显示您设置的防钓鱼码；没有防钓鱼码的邮件不是我们发的。',
    en: 'Also: every email we send shows your anti-phishing code at the top; an email without it is not from us.',
  },
  officialAsk: {
    'zh-CN': '请把您想核实的网址、邮箱、Telegram 账号、电话号码或钱包地址发给我，我来确认它是否为官方渠道。',
    en: 'Send me the website, email address, Telegram handle, phone number or wallet address you want to check, and I will tell you whether it is official.',
  },
  recoverySteps: {
    'zh-CN': '{title}\n{snippet}\n详情：{url}',
    en: '{title}\n{snippet}\nMore: {url}',
  },
  askRecovery: {
    'zh-CN': '我来为您创建找回工单，请提供：{missing}（如果知道，也请告诉我您转出时选择的网络）。',
    en: 'I will open a recovery case for you. Please send: {missing} (and, if you know it, the network you sent on).',
  },
  recoveryOpened: {
    'zh-CN':
      '已为您创建找回工单 {caseRef}（{summary}）。客服会核实链上记录，告诉您能否找回以及所需步骤和费用；您可以随时在这里查看进度。',
    en: 'I have opened recovery case {caseRef} ({summary}). Our team will check the on-chain record and tell you whether it can be recovered, the steps and any fee; you can follow its status here any time.',
  },
  verificationOpened: {
    'zh-CN':
      '已为您创建身份验证工单 {caseRef}。重置两步验证需要人工核实身份（通常需要证件照片和手持证件自拍），客服会在这里指引您。请勿向任何人提供密码或验证码。',
    en: 'I have opened identity-verification case {caseRef}. Resetting 2FA needs a person to verify your identity (usually an ID photo and a selfie holding it); our team will guide you here. Never give anyone your password or codes.',
  },
  slotCoin: { 'zh-CN': '币种（如 USDT）', en: 'the coin (e.g. USDT)' },
  slotNetwork: { 'zh-CN': '充值网络（如 TRC20、ERC20、BEP20）', en: 'the network (e.g. TRC20, ERC20, BEP20)' },
  slotTxHash: { 'zh-CN': '交易哈希（TxID）', en: 'the transaction hash (TxID)' },
  listSeparator: { 'zh-CN': '、', en: ', ' },
  caseStatusChanged: { 'zh-CN': '工单 {ref} 当前状态：{status}。', en: 'Case {ref} is now {status}.' },
  freezeCodeSubject: { 'zh-CN': '紧急冻结账户验证码', en: 'Emergency account freeze code' },
  freezeCodeBody: {
    'zh-CN': '您用于紧急冻结账户的一次性验证码是 {code}，{minutes} 分钟内有效。如果不是您本人操作，请立即联系客服。',
    en: 'Your one-time code to freeze your account is {code}. It expires in {minutes} minutes. If you did not ask for this, someone may be trying to act for you: contact support.',
  },
  directionDeposits: { 'zh-CN': '充值', en: 'deposits' },
  directionWithdrawals: { 'zh-CN': '提币', en: 'withdrawals' },
  durationMinutes: { 'zh-CN': '{n} 分钟', en: '{n} min' },
  durationHours: { 'zh-CN': '{n} 小时', en: '{n} h' },
} as const satisfies Record<string, { 'zh-CN': string; en: string }>;

export type ReplyKey = keyof typeof REPLIES;

export function reply(key: ReplyKey, locale: Locale, vars: Record<string, string> = {}): string {
  const entry = REPLIES[key];
  let text: string = locale === 'en' ? entry.en : entry['zh-CN'];
  if (locale === 'zh-TW') text = toTaiwanText(text);
  // Variables are filled after conversion: a TxID or a name must reach the customer exactly as given.
  return text.replace(/\{(\w+)\}/g, (_, name: string) => vars[name] ?? '');
}

export function joinList(items: string[], locale: Locale): string {
  return items.join(reply('listSeparator', locale));
}
