import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { Locale, Priority } from '../../contracts/domain.ts';
import { insertAgent, selectAgentByEmail, updateAgentPermissions, updateAgentTotp } from '../auth/auth.queries.ts';
import { hashPassword } from '../auth/passwords.ts';
import { createTotpSecret } from '../auth/totp.ts';
import { insertContact, insertContactIdentity } from '../contacts/contacts.queries.ts';
import type { Actor, Ctx } from '../context.ts';
import {
  assignConversation,
  postMessage,
  startConversation,
  updateConversation,
} from '../conversations/conversations.service.ts';
import type { Db } from '../db/db.ts';
import type { EventBus } from '../events/bus.ts';
import { seedDemoHistory } from './demo-history.ts';
import { seedDemoChannels } from './demo-channels.ts';
import { seedStarterKb } from './starter-kb.ts';
import type { BotHandle } from '../bot/bot.listener.ts';
import { countOrgs, insertInbox, insertOrg, selectOrgBySlug, selectWebInbox } from '../orgs/orgs.queries.ts';
import { upsertPlatformStatus } from '../platform-status/platform-status.ts';
import { saveOfficialChannel } from '../trust/official-channels.ts';
import { seedSandboxExchange } from './demo-exchange-customers.ts';
import { updateAgentRouting } from '../routing/routing.queries.ts';
import { upsertAttributeDefinition } from '../conversations/conversations.tools.queries.ts';
import { seedDemoHelpdesk } from './demo-helpdesk.ts';

export const DEMO_ORG_SLUG = 'demo';

export type DemoLogin = { email: string; password: string; role: string; totpSecret?: string };

/**
 * Fixed demo passwords: this organization exists to be tried, never for real customers. Routing skills: both
 * languages for everyone; the agent (on shift, so a newcomer who asks for a person sees the hand-off reach one) also
 * takes KYC and P2P cases, the supervisor security and VIPs; the others go online from the console header.
 */
const DEMO_AGENTS = [
  {
    email: 'admin@lumen.example',
    name: '王敏 (Admin)',
    password: 'demo-admin-2026',
    role: 'admin',
    skills: ['zh', 'en', 'KYC', 'VIP'],
    locale: 'zh-CN',
    totp: false,
    onShift: false,
  },
  {
    email: 'agent@lumen.example',
    name: 'Alex Chen',
    password: 'demo-agent-2026',
    role: 'agent',
    skills: ['zh', 'en', 'KYC', 'P2P'],
    locale: 'en',
    totp: false,
    onShift: true,
  },
  {
    email: 'secure@lumen.example',
    name: '李安 (Security)',
    password: 'demo-secure-2026',
    role: 'supervisor',
    skills: ['zh', 'en', 'security', 'P2P', 'VIP'],
    locale: 'zh-CN',
    totp: true,
    onShift: false,
  },
] as const;

type SampleConversation = {
  contact: { name: string; email?: string; uid?: string; locale: Locale; vip?: number };
  priority?: Priority;
  status?: 'open' | 'pending' | 'resolved';
  assignTo?: number;
  messages: { from: 'customer' | 'agent' | 'note'; body: string }[];
};

const SAMPLES: SampleConversation[] = [
  {
    contact: { name: '张伟', uid: '28810375', locale: 'zh-CN', vip: 2 },
    messages: [
      {
        from: 'customer',
        body: '我从钱包充了 500 USDT（TRC20），已经一个小时了还没到账。哈希：7c2d9a4f1b3e8c6d5a2f9e0b4c7d1a3e6f8b2c5d9e1a4f7b0c3d6e9f2a5b8c1d',
      },
    ],
  },
  {
    contact: { name: 'Maria Lopez', email: 'maria.lopez@example.com', uid: '30194422', locale: 'en', vip: 0 },
    assignTo: 1,
    messages: [
      { from: 'customer', body: 'My BTC withdrawal has been "under review" for 6 hours. When will it be processed?' },
      { from: 'agent', body: 'Hi Maria, I am checking the review status for you now. One moment please.' },
    ],
  },
  {
    contact: { name: '陈小姐', uid: '11873402', locale: 'zh-CN', vip: 5 },
    priority: 'urgent',
    messages: [
      { from: 'customer', body: '我的账户被盗了！！刚收到提币通知但不是我操作的，赶紧帮我冻结账户！' },
      { from: 'note', body: '高优先级：疑似盗号，已通知安全组。' },
    ],
  },
  {
    contact: { name: 'Tom Becker', email: 'tom.b@example.org', locale: 'en' },
    messages: [{ from: 'customer', body: 'Locked out after too many password attempts. How do I unlock my account?' }],
  },
  {
    contact: { name: '林先生', uid: '20455117', locale: 'zh-TW', vip: 1 },
    messages: [{ from: 'customer', body: '限價單一直沒有成交，撤單也失敗，顯示系統錯誤，請問怎麼處理？' }],
  },
  {
    contact: { name: 'Ahmed K.', email: 'ahmed.k@example.net', locale: 'en' },
    priority: 'high',
    messages: [
      {
        from: 'customer',
        body: 'Someone on Telegram @lumen_support_help says they are your support and asked me to "verify my wallet". Is that you?',
      },
    ],
  },
  {
    contact: { name: '刘洋', uid: '33012984', locale: 'zh-CN' },
    assignTo: 0,
    status: 'pending',
    messages: [
      { from: 'customer', body: 'P2P 买币付款了，卖家一直不放币，已经 40 分钟了' },
      { from: 'agent', body: '您好，已为您提交申诉，请上传付款凭证截图，我们会在 30 分钟内介入处理。' },
    ],
  },
  {
    contact: { name: 'Sophie Martin', email: 'sophie.m@example.com', uid: '41200871', locale: 'en', vip: 3 },
    messages: [
      {
        from: 'customer',
        body: 'I sent ETH on Arbitrum but selected the Ethereum network on your deposit page. Can I recover it?',
      },
    ],
  },
  {
    contact: { name: '赵磊', locale: 'zh-CN' },
    messages: [{ from: 'customer', body: '换了手机，谷歌验证器没了，登录不了，怎么重置二次验证？' }],
  },
  {
    contact: { name: 'Kenji Watanabe', email: 'kenji@example.jp', locale: 'en' },
    status: 'resolved',
    assignTo: 1,
    messages: [
      { from: 'customer', body: 'What are the maker/taker fees for VIP 1?' },
      {
        from: 'agent',
        body: 'VIP 1 pays 0.09% maker / 0.10% taker on spot. The full table is in the Help Centre under Fees.',
      },
      { from: 'customer', body: 'Great, thanks!' },
    ],
  },
  {
    contact: { name: '周婷', uid: '50981233', locale: 'zh-CN', vip: 0 },
    messages: [{ from: 'customer', body: 'XRP 充值忘记填 memo 了，钱还能找回吗？' }],
  },
  {
    contact: { name: 'Liam O’Brien', email: 'liam@example.ie', locale: 'en' },
    priority: 'high',
    messages: [
      {
        from: 'customer',
        body: 'My futures position was liquidated even though the mark price never reached my liquidation price. I want a formal complaint.',
      },
    ],
  },
];

/** The demo exchange's real channels; anything else claiming to be Lumen support is an impersonator. */
const DEMO_OFFICIAL_CHANNELS = [
  { kind: 'url', value: 'lumen.example', label: 'Website' },
  { kind: 'url', value: 'help.lumen.example', label: 'Help centre' },
  { kind: 'email', value: 'support@lumen.example', label: 'Support email' },
  { kind: 'telegram', value: 'LumenExchange', label: 'Official Telegram channel' },
  { kind: 'phone', value: '+864001234567', label: 'Hotline' },
] as const;

export type DemoSeedResult = { seeded: boolean; logins: DemoLogin[]; orgSlug: string; identitySecret: string | null };

/** Seeds the demo exchange when the database has no organization yet; always returns the demo logins. */
export async function seedDemo(
  deps: { db: Db; log: Logger; events: EventBus; bot?: Pick<BotHandle, 'settled'> },
  mode: 'auto' | 'always' | 'never',
) {
  const { db } = deps;
  const existing = await selectOrgBySlug(db, DEMO_ORG_SLUG);
  if (existing || mode === 'never') return describeDemo(db);
  if (mode === 'auto') {
    if ((await countOrgs(db)) > 0) return describeDemo(db);
  }
  const orgId = await insertOrg(db, { slug: DEMO_ORG_SLUG, name: 'Lumen Exchange', requireTotp: false });
  const inboxId = await insertInbox(db, {
    orgId,
    kind: 'web',
    name: 'Website chat',
    identitySecret: crypto.randomBytes(32).toString('base64url'),
    settings: { bot: { enabled: true }, routing: { enabled: true } },
  });
  const emailInboxId = await insertInbox(db, {
    orgId,
    kind: 'email',
    name: 'Email 邮件',
    identitySecret: null,
    settings: { bot: { enabled: true }, routing: { enabled: true }, email: { address: 'support@lumen.example' } },
  });
  await seedSandboxExchange(db, orgId);
  // The help centre and the bot's article answers, before the sample conversations the bot answers.
  await seedStarterKb(deps, orgId);
  const agentIds: string[] = [];
  for (const a of DEMO_AGENTS) {
    const id = await insertAgent(db, {
      orgId,
      email: a.email,
      name: a.name,
      passwordHash: await hashPassword(a.password),
      role: a.role,
      locale: a.locale,
    });
    if (a.totp) await updateAgentTotp(db, orgId, id, { secret: createTotpSecret(), enabled: true });
    // The supervisor also edits the knowledge base (admins always may).
    if (a.role === 'supervisor') await updateAgentPermissions(db, orgId, id, ['kb_editor']);
    await updateAgentRouting(db, orgId, id, {
      skills: [...a.skills],
      capacity: a.onShift ? 10 : 5,
      ...(a.onShift ? { status: 'online' as const } : {}),
      now: new Date(),
    });
    agentIds.push(id);
  }
  // Teams before the sample conversations, so routing files them into the right queue as it would live.
  await seedDemoHelpdesk(db, orgId, new Map(DEMO_AGENTS.map((a, i) => [a.email, agentIds[i]])));
  const system: Ctx = { ...deps, org: { id: orgId }, actor: { kind: 'system' } };
  for (const sample of SAMPLES) {
    const contact = await insertContact(db, {
      orgId,
      name: sample.contact.name,
      email: sample.contact.email,
      exchangeUid: sample.contact.uid,
      locale: sample.contact.locale,
      vipLevel: sample.contact.vip ?? 0,
    });
    if (sample.contact.uid) {
      await insertContactIdentity(db, {
        orgId,
        contactId: contact.id,
        kind: 'exchange_uid',
        value: sample.contact.uid,
      });
    }
    const customer: Ctx = { ...system, actor: { kind: 'customer', contactId: contact.id, name: contact.name } };
    const [first, ...rest] = sample.messages;
    const { conversation } = await startConversation(customer, {
      inboxId,
      contactId: contact.id,
      firstMessage: { body: first.body, clientId: null },
    });
    const agentIndex = sample.assignTo ?? 0;
    const agentActor: Actor = {
      kind: 'agent',
      id: agentIds[agentIndex],
      name: DEMO_AGENTS[agentIndex].name,
      role: DEMO_AGENTS[agentIndex].role,
    };
    // When the bot is running it answers each customer line before the story goes on, as it would have live.
    await deps.bot?.settled(conversation.id);
    for (const m of rest) {
      const ctx = m.from === 'customer' ? customer : { ...system, actor: agentActor };
      await postMessage(ctx, conversation.id, { body: m.body, clientId: null, private: m.from === 'note' });
      await deps.bot?.settled(conversation.id);
    }
    if (sample.assignTo !== undefined) await assignConversation(system, conversation.id, agentIds[sample.assignTo]);
    // With the bot and the priority rules running, the rules set the priority as they would live.
    if (sample.priority && !deps.bot) await updateConversation(system, conversation.id, { priority: sample.priority });
    if (sample.status) await updateConversation(system, conversation.id, { status: sample.status });
  }
  for (const channel of DEMO_OFFICIAL_CHANNELS) await saveOfficialChannel(db, orgId, channel);
  await upsertAttributeDefinition(db, orgId, {
    key: 'region',
    label: 'Region 地区',
    type: 'list',
    options: ['CN', 'TW', 'HK', 'SEA', 'EU'],
  });
  await upsertAttributeDefinition(db, orgId, {
    key: 'loss_usd',
    label: 'Reported loss (USD)',
    type: 'number',
    options: null,
  });
  await upsertPlatformStatus(db, orgId, {
    coin: 'USDT',
    network: 'ERC20',
    deposits: 'congested',
    withdrawals: 'enabled',
    note: {
      'zh-CN': 'Ethereum 网络拥堵，ERC20 充值确认较慢，预计延迟 30 分钟左右，资产安全。',
      en: 'The Ethereum network is congested: ERC20 deposits confirm slowly, about 30 minutes late. Funds are safe.',
    },
  });
  await seedDemoChannels(deps, orgId, { emailInboxId });
  await seedDemoHistory(db, orgId);
  deps.log.info({ org: DEMO_ORG_SLUG }, 'seeded the demo exchange');
  return { ...(await describeDemo(db)), seeded: true };
}

async function describeDemo(db: Db): Promise<DemoSeedResult> {
  const org = await selectOrgBySlug(db, DEMO_ORG_SLUG);
  if (!org) return { seeded: false, logins: [], orgSlug: DEMO_ORG_SLUG, identitySecret: null };
  const logins: DemoLogin[] = [];
  for (const a of DEMO_AGENTS) {
    const row = await selectAgentByEmail(db, a.email);
    if (!row) continue;
    logins.push({
      email: a.email,
      password: a.password,
      role: a.role,
      totpSecret: row.totp_enabled && row.totp_secret ? row.totp_secret : undefined,
    });
  }
  const inbox = await selectWebInbox(db, org.id);
  return { seeded: false, logins, orgSlug: org.slug, identitySecret: inbox?.identity_secret ?? null };
}
