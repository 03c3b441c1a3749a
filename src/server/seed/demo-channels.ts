import type { Logger } from 'pino';
import type { BotHandle } from '../bot/bot.listener.ts';
import { requestCallback } from '../callbacks/callbacks.service.ts';
import { receiveInbound } from '../channels/channels.service.ts';
import { createContact } from '../contacts/contacts.service.ts';
import type { Db } from '../db/db.ts';
import type { EventBus } from '../events/bus.ts';
import { insertInbox } from '../orgs/orgs.queries.ts';

/**
 * The demo's conversations on the other channels, so the inbox shows an email, a Telegram chat and a callback request
 * next to the web chats from the first start: each arrives through the same path a real one takes (receiveInbound), so the bot, the
 * priorities and the routing treat them as they would live.
 */
export async function seedDemoChannels(
  deps: { db: Db; log: Logger; events: EventBus; bot?: Pick<BotHandle, 'settled'> },
  orgId: string,
  inboxes: { emailInboxId: string },
): Promise<void> {
  const email = await receiveInbound(deps, orgId, {
    inboxId: inboxes.emailInboxId,
    channel: 'email',
    identity: { kind: 'email', value: 'wang.fang@example.cn' },
    profile: { name: '王芳', email: 'wang.fang@example.cn', locale: 'zh-CN' },
    externalId: '<demo-1@mail.example.cn>',
    body: '你好，我的实名认证（KYC）第二级已经提交三天了，还显示审核中，请问需要多久？我的 UID 是 40877123。',
    meta: {
      email: {
        from: 'wang.fang@example.cn',
        subject: 'KYC 二级认证一直在审核',
        messageId: '<demo-1@mail.example.cn>',
        auth: { spf: 'pass', dkim: ['pass'], dmarc: 'pass' },
      },
    },
  });
  await deps.bot?.settled(email.conversation.id);

  const telegramInboxId = await insertInbox(deps.db, {
    orgId,
    kind: 'telegram',
    name: 'Telegram @LumenSupportBot',
    identitySecret: null,
    // No bot token in the demo: an admin connects a real bot with POST /api/agent/telegram/inboxes.
    settings: { bot: { enabled: true }, telegram: { username: 'LumenSupportBot' } },
  });
  const telegram = await receiveInbound(deps, orgId, {
    inboxId: telegramInboxId,
    channel: 'telegram',
    identity: { kind: 'telegram', value: '520013377' },
    profile: { name: 'Alex K (@alexk_trader)', locale: 'en' },
    externalId: '520013377:1',
    continueLatest: true,
    body: 'Someone called "Lumen Support" DMed me asking for my 2FA code to "verify" my account. Is that you?',
    meta: { telegram: { chatId: 520013377, messageId: 1 } },
  });
  await deps.bot?.settled(telegram.conversation.id);

  // A customer who asked to be called back, as the widget's form does it.
  const caller = await createContact({ db: deps.db, org: { id: orgId } }, { name: '刘先生', locale: 'zh-CN' });
  await requestCallback(
    { ...deps, org: { id: orgId }, actor: { kind: 'customer', contactId: caller.id, name: '刘先生' } },
    {
      phone: '+86 138 0013 8000',
      day: 'tomorrow',
      fromHour: 10,
      toHour: 12,
      timeZone: 'Asia/Shanghai',
      locale: 'zh-CN',
      note: 'P2P 卖家收款后一直不放币，想电话沟通申诉流程。',
      clientId: 'demo-callback',
    },
  );
}
