import { createTeamBodySchema } from '../../contracts/routing.ts';
import { createMacroBodySchema } from '../../contracts/tools.ts';
import type { Db } from '../db/db.ts';
import { insertMacro } from '../macros/macros.queries.ts';
import { insertTeam, replaceTeamMembers } from '../teams/teams.queries.ts';

/**
 * The demo exchange's canned replies and teams: what a support desk at a crypto exchange has on its first day, so a
 * newcomer sees "/" in the reply box and the team routing do something real. Every text is checked against the same
 * contract the console's editor uses, so the seed cannot hold what an admin could not have typed. No reply ever asks
 * for a password, a 2FA code, a seed phrase or a private key: the phishing warning says so in as many words.
 */

type DemoMacro = {
  name: string;
  shortcut: string;
  zh: string;
  en: string;
  actions?: { status?: 'open' | 'pending' | 'resolved'; priority?: 'urgent' | 'high'; addTags?: string[] };
};

export const DEMO_MACROS: DemoMacro[] = [
  {
    name: '充值未到账 · Deposit not credited',
    shortcut: 'deposit-pending',
    zh: '{{contact.name | 您}}好，充值需要区块链确认足够次数后才会入账（BTC 2 次、ETH 12 次、TRC20 20 次）。请提供：币种、充值网络、金额和交易哈希（TxID），我马上为您查询链上状态。',
    en: 'Hi {{contact.name | there}}, a deposit is credited once the blockchain has confirmed it enough times (BTC 2, ETH 12, TRC20 20). Please send the coin, the network, the amount and the transaction hash (TxID) and I will check it on-chain for you right away.',
    actions: { addTags: ['deposit'] },
  },
  {
    name: '充值已入账 · Deposit credited',
    shortcut: 'deposit-credited',
    zh: '已核实：您的这笔充值已经入账，可以在「资产 → 充值记录」中看到。如果余额显示还没更新，请刷新页面或重新登录。',
    en: 'Confirmed: this deposit has been credited to your account and shows under Assets → Deposit history. If the balance has not refreshed yet, please reload the page or sign in again.',
    actions: { status: 'resolved', addTags: ['deposit'] },
  },
  {
    name: '充错网络 · Wrong network',
    shortcut: 'wrong-network',
    zh: '您选择的网络和充值地址的网络不一致。很多情况下资产可以找回：我们已为您提交找回申请，需要 7–14 个工作日，会收取找回手续费，成功后直接返还到您的账户。请勿再向该地址重复转账。',
    en: 'The network you sent on does not match the deposit address. In many cases the funds can be recovered: I have filed a recovery request for you. It takes 7–14 business days, a recovery fee applies, and the funds are returned to your account. Please do not send to that address again.',
    actions: { status: 'pending', addTags: ['deposit', 'wrong-network'] },
  },
  {
    name: '漏填 MEMO · Missing memo/tag',
    shortcut: 'missing-memo',
    zh: 'XRP、XLM、EOS、TON 等币种充值需要同时填写地址和 MEMO（标签）。漏填的充值可以找回：请提供交易哈希（TxID）、金额和您的 UID，我们核实后会人工入账，一般 1–3 个工作日。',
    en: 'Coins such as XRP, XLM, EOS and TON need both the address and the memo (tag). A deposit without the memo can be recovered: send the TxID, the amount and your UID, and once we have verified it we credit it by hand, usually within 1–3 business days.',
    actions: { status: 'pending', addTags: ['deposit', 'memo'] },
  },
  {
    name: '提币审核中 · Withdrawal under review',
    shortcut: 'withdrawal-review',
    zh: '您的提币正在风控审核中，这是为了保护您的资产安全。审核通常在 2 小时内完成，大额或新地址可能需要更久，无需重复提交。审核完成后您会收到邮件和站内通知。',
    en: 'Your withdrawal is in our risk review, which is there to protect your funds. Reviews usually finish within 2 hours; large amounts or new addresses can take longer. There is no need to submit it again: you will get an email and a notification when it is done.',
    actions: { status: 'pending', addTags: ['withdrawal'] },
  },
  {
    name: '提币被拒 · Withdrawal rejected',
    shortcut: 'withdrawal-rejected',
    zh: '这笔提币未通过审核，资产已全部退回您的现货账户，手续费也已退还。常见原因：地址格式或网络不符、账户近期修改过安全设置（24 小时内禁止提币）、需要补充身份认证。处理后可重新发起提币。',
    en: 'This withdrawal did not pass review; the full amount and the fee are back in your spot account. Common reasons: the address or network does not match, security settings were changed in the last 24 hours (withdrawals pause for 24 hours), or more identity verification is needed. Once that is sorted you can withdraw again.',
    actions: { addTags: ['withdrawal'] },
  },
  {
    name: '撤销提币 · Cancel a withdrawal',
    shortcut: 'withdrawal-cancel',
    zh: '状态为「审核中」或「待处理」的提币可以在「资产 → 提币记录」中点击「撤销」；已广播上链的交易无法撤回。撤销后资产会立即回到您的账户。',
    en: 'A withdrawal that is still "under review" or "pending" can be cancelled under Assets → Withdrawal history → Cancel. Once it has been broadcast to the blockchain it cannot be reversed. Cancelled funds return to your account immediately.',
    actions: { addTags: ['withdrawal'] },
  },
  {
    name: '重置二次验证 · Reset 2FA',
    shortcut: '2fa-reset',
    zh: '丢失谷歌验证器时，请在登录页点击「安全项丢失」，按提示完成人脸识别和身份核验后即可重置。为保护资产，重置后 24 小时内不能提币。客服不会向您索要验证码，请勿把验证码告诉任何人。',
    en: 'If you lost your authenticator, choose "Lost my security method" on the sign-in page and complete the face and identity check to reset it. To protect your funds, withdrawals pause for 24 hours after a reset. Support will never ask you for a code; do not share one with anyone.',
    actions: { addTags: ['2fa'] },
  },
  {
    name: 'KYC 认证失败 · KYC failed',
    shortcut: 'kyc-failed',
    zh: '身份认证未通过的常见原因：证件照片模糊或反光、证件过期、姓名或出生日期与填写信息不一致、人脸识别时光线不足。请在光线充足处重新拍摄证件原件后再次提交，审核一般在 24 小时内完成。',
    en: 'Verification usually fails because the photo is blurred or has glare, the document has expired, the name or date of birth does not match what you entered, or the face check was too dark. Please photograph the original document in good light and submit again; reviews take up to 24 hours.',
    actions: { addTags: ['kyc'] },
  },
  {
    name: '账户锁定 · Account locked',
    shortcut: 'account-locked',
    zh: '多次输错密码后，账户会被临时锁定 2 小时以保护您的安全，到时自动解锁。如果忘记密码，可以在登录页点击「忘记密码」重置。如果锁定不是您本人操作引起的，请告诉我，我们会立即协助检查账户安全。',
    en: 'After several wrong passwords the account is locked for 2 hours to protect you, and unlocks by itself after that. If you forgot the password, use "Forgot password" on the sign-in page. If you did not cause the lock yourself, tell me and we will check the account\'s security right away.',
    actions: { addTags: ['account'] },
  },
  {
    name: '防诈骗提醒 · Phishing warning',
    shortcut: 'phishing-warning',
    zh: '重要提醒：Lumen 客服绝不会索要您的密码、验证码、助记词或私钥，也不会要求您转账到任何「安全账户」或私人地址。通过 Telegram、电话等私下联系您的「客服」都是冒充的。您可以在官方渠道验证页核实任何账号、网址或电话。',
    en: 'Important: Lumen support will never ask for your password, a verification code, your seed phrase or a private key, and never asks you to move funds to a "safe account" or a personal address. Anyone contacting you privately on Telegram or by phone as "support" is an impersonator. You can check any account, website or number on our official-channel verification page.',
    actions: { priority: 'high', addTags: ['security', 'phishing'] },
  },
  {
    name: '已冻结账户 · Account frozen',
    shortcut: 'freeze-confirmed',
    zh: '已为您紧急冻结账户：登录、交易和提币都已暂停，资产保留在账户中。安全团队正在核查最近的登录和提币记录。请立即修改邮箱密码，并检查电脑和手机是否有可疑软件。解冻需要完成身份核验。',
    en: 'Your account is frozen: sign-in, trading and withdrawals are paused, and your funds stay in the account. Our security team is reviewing the recent sign-ins and withdrawals. Please change your email password now and check your computer and phone for suspicious software. Unfreezing needs an identity check.',
    actions: { priority: 'urgent', addTags: ['security', 'freeze'] },
  },
  {
    name: '解冻流程 · Unfreeze process',
    shortcut: 'unfreeze-process',
    zh: '解冻账户需要：1）通过身份核验（人脸识别 + 证件）；2）确认近期的登录设备和操作；3）由两名安全人员分别审批。通常 1–2 个工作日完成，解冻后建议立即更换密码并重新绑定二次验证。',
    en: 'To unfreeze the account we need: 1) an identity check (face and document), 2) confirmation of your recent devices and activity, and 3) approval by two members of our security team. This usually takes 1–2 business days. After unfreezing, please change your password and set up 2FA again.',
    actions: { status: 'pending', addTags: ['security', 'freeze'] },
  },
  {
    name: 'P2P 申诉 · P2P appeal',
    shortcut: 'p2p-appeal',
    zh: '已为您的 P2P 订单提交申诉，订单中的币已由平台托管，对方无法转走。请上传付款凭证（银行流水截图，需显示时间、金额和收款人）。卖家请在确认收款到账之前不要放币。我们会在 30 分钟内介入处理。',
    en: 'I have opened an appeal on your P2P order; the coins in the order are held in escrow and cannot be moved by the other side. Please upload the payment proof (a bank statement screenshot showing time, amount and payee). Sellers: never release coins before the payment has arrived. We will step in within 30 minutes.',
    actions: { priority: 'high', addTags: ['p2p'] },
  },
  {
    name: 'OTC 结算 · OTC settlement',
    shortcut: 'otc-settlement',
    zh: '已将您的 OTC 大宗交易转给 OTC 交易台核对结算。请提供报价单号、成交金额和您的付款凭证。OTC 交易台只会通过您账户内的官方页面结算，绝不会要求您向个人账户付款。',
    en: 'I have passed your OTC trade to our OTC desk to check the settlement. Please send the quote number, the traded amount and your payment proof. The OTC desk only ever settles through the official page in your account and never asks you to pay a personal account.',
    actions: { priority: 'high', addTags: ['otc'] },
  },
  {
    name: '强平复核 · Liquidation review',
    shortcut: 'liquidation-review',
    zh: '强平按标记价格（多个交易所指数的加权价）触发，而不是最新成交价，所以 K 线上可能看不到触及强平价。我们会调取该仓位的标记价格、保证金率和强平记录为您复核，结果会在 3 个工作日内回复。',
    en: 'Liquidation is triggered by the mark price (a weighted index across several exchanges), not the last traded price, so the chart may never show your liquidation price being reached. We will pull the mark price, margin ratio and liquidation record for that position and reply with the review within 3 business days.',
    actions: { status: 'pending', addTags: ['futures', 'liquidation'] },
  },
  {
    name: '请稍候 · One moment',
    shortcut: 'checking',
    zh: '收到，我正在为您查询，请稍候 2–3 分钟，不要关闭对话窗口。',
    en: 'Thanks, I am looking into it now. Please give me 2–3 minutes and keep this chat open.',
  },
  {
    name: '转安全团队 · Escalate to security',
    shortcut: 'security-escalation',
    zh: '为保护您的资产，我已将此对话转交安全团队优先处理，他们会尽快在这里回复您。在此期间请不要向任何人透露验证码、助记词或私钥。',
    en: 'To protect your funds I have passed this conversation to our security team as a priority; they will reply here shortly. Meanwhile, do not give anyone a verification code, seed phrase or private key.',
    actions: { priority: 'urgent', addTags: ['security'] },
  },
  {
    name: '结束语 · Closing',
    shortcut: 'closing',
    zh: '{{contact.name | 您}}好，问题已经处理完毕。还有其他可以帮您的吗？如果没有，我先结束这次对话，稍后您会收到一份满意度评价，感谢您的支持！',
    en: 'Hi {{contact.name | there}}, this is sorted now. Is there anything else I can help with? If not, I will close this chat; you will get a short satisfaction survey in a moment. Thank you!',
    actions: { status: 'resolved' },
  },
];

/** Agents are referred to by their demo email; the seed resolves them to ids. */
type DemoTeam = { name: string; skills: string[]; members: string[] };

/**
 * Skills mirror the routing rules (`routing.rules.ts`): a conversation goes to the team sharing its speciality —
 * security and P2P disputes to funds security, identity verification to KYC, VIP 3+ to the VIP desk — and everything
 * else to the general desk by language.
 */
export const DEMO_TEAMS: DemoTeam[] = [
  {
    name: '综合客服 General',
    skills: ['zh', 'en'],
    members: ['admin@lumen.example', 'agent@lumen.example', 'secure@lumen.example'],
  },
  {
    name: '资金安全 Funds security',
    skills: ['security', 'P2P'],
    members: ['secure@lumen.example', 'agent@lumen.example'],
  },
  { name: 'KYC 认证 KYC', skills: ['KYC'], members: ['admin@lumen.example', 'agent@lumen.example'] },
  { name: 'VIP 专属 VIP', skills: ['VIP'], members: ['admin@lumen.example', 'secure@lumen.example'] },
];

export async function seedDemoHelpdesk(db: Db, orgId: string, agentIdByEmail: Map<string, string>): Promise<void> {
  for (const macro of DEMO_MACROS) {
    const valid = createMacroBodySchema.parse({
      name: macro.name,
      shortcut: macro.shortcut,
      bodies: { zh: macro.zh, en: macro.en },
      actions: macro.actions ?? {},
    });
    await insertMacro(db, orgId, { ...valid, createdBy: null });
  }
  for (const team of DEMO_TEAMS) {
    const memberIds = team.members.map((email) => {
      const id = agentIdByEmail.get(email);
      if (!id) throw new Error(`demo team ${team.name}: no demo agent ${email}`);
      return id;
    });
    const valid = createTeamBodySchema.parse({ name: team.name, skills: team.skills, memberIds });
    const teamId = await insertTeam(db, orgId, {
      name: valid.name,
      skills: valid.skills,
      overflowTeamId: null,
      overflowAfterSeconds: null,
    });
    await replaceTeamMembers(db, orgId, teamId, memberIds);
  }
}
