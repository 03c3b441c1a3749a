import crypto from 'node:crypto';
import { Api } from 'grammy';
import type { Message, User } from 'grammy/types';
import { recordAudit } from '../audit/audit.service.ts';
import { receiveInbound } from '../channels/channels.service.ts';
import type { Config } from '../config.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import { AppError } from '../errors.ts';
import { createInbox, findInboxForWebhook, findOrgById, type InboxRow } from '../orgs/orgs.service.ts';
import { seal } from '../secrets/sealed.ts';
import { checkChannels, normalizeChannel } from '../trust/official-channels.ts';
import {
  brandWords,
  CALLBACK_TEXT,
  displayName,
  groupInvitation,
  imitatesSupport,
  impostorWarning,
  type InboundFile,
  inboundContent,
  isAddressedToBot,
  localeOfLanguageCode,
  MAX_FILE_BYTES,
  parseUpdate,
  type TelegramSettings,
  telegramSettingsOf,
} from './telegram.updates.ts';

/**
 * The Telegram channel: an admin connects a bot (its token) as an inbox; Telegram posts the bot's updates to the
 * inbox's webhook; a private chat is one ongoing conversation through the channels core, a group only ever gets a
 * pointer to the private chat (and a warning about members who pose as support). Agents' and the bot's replies
 * leave through telegram.listener.ts.
 */

type Deps = Pick<Ctx, 'db' | 'log' | 'events'> & { config: Pick<Config, 'telegramApiRoot' | 'publicUrl'> };

/** grammY's Bot API client for one bot; the API root is configurable (tests run a local stub). */
export function telegramApi(apiRoot: string, token: string): Api {
  return new Api(token, { apiRoot, timeoutSeconds: 15 });
}

export type TelegramInbox = {
  id: string;
  name: string;
  kind: 'telegram';
  username: string;
  /** webhook: Telegram posts updates to kefu; polling: kefu asks for them (telegram-poller.ts). */
  mode: 'webhook' | 'polling';
  /**
   * The webhook kefu set (with KEFU_PUBLIC_URL), or, without a public URL, the path and secret to set it with
   * (`setWebhook url=<your URL><path> secret_token=<secretToken>`): shown once, to the admin who connects the bot.
   * In polling mode, whether Telegram's webhook was deleted (getUpdates is refused while one is set).
   */
  webhook:
    | { url: string; set: boolean; error?: string }
    | { path: string; secretToken: string; set: false }
    | { deleted: boolean; error?: string };
};

/**
 * Connects a bot: asks Telegram who it is (a wrong token is refused), stores the token and a fresh webhook secret in
 * the new inbox's settings, and points the bot's webhook at this server when its public URL is known.
 */
export async function connectTelegramInbox(
  ctx: Ctx,
  config: Deps['config'],
  input: { name: string; token: string; bot?: boolean; mode?: 'webhook' | 'polling' },
): Promise<TelegramInbox> {
  requireAgentRole(ctx, 'admin');
  const api = telegramApi(config.telegramApiRoot, input.token);
  let me: User;
  try {
    me = await api.getMe();
  } catch (error) {
    ctx.log.warn({ reason: errorText(error) }, 'telegram getMe failed');
    throw new AppError('bad_request', 'Telegram did not accept this bot token.');
  }
  if (!me.username) throw new AppError('bad_request', 'This Telegram bot has no username.');
  const webhookSecret = crypto.randomBytes(32).toString('base64url');
  // Without a public URL Telegram cannot reach kefu: kefu asks for the updates instead.
  const mode = input.mode ?? (config.publicUrl ? 'webhook' : 'polling');
  // The token is the bot and the secret lets anyone post as Telegram: both sealed at rest.
  const telegram: TelegramSettings = {
    token: seal(input.token),
    webhookSecret: seal(webhookSecret),
    username: me.username,
    botId: me.id,
    mode,
  };
  const inboxId = await createInbox(ctx, {
    kind: 'telegram',
    name: input.name,
    settings: { bot: { enabled: input.bot ?? true }, telegram },
  });
  const path = `/api/telegram/${inboxId}/webhook`;
  let webhook: TelegramInbox['webhook'] = { path, secretToken: webhookSecret, set: false };
  if (mode === 'polling') {
    try {
      // A webhook left from elsewhere would make every getUpdates fail with 409 Conflict.
      await api.deleteWebhook({ drop_pending_updates: false });
      webhook = { deleted: true };
    } catch (error) {
      ctx.log.warn({ inboxId, reason: errorText(error) }, 'telegram deleteWebhook failed');
      webhook = { deleted: false, error: errorText(error) };
    }
    ctx.events.publish({ type: 'inbox.changed', orgId: ctx.org.id, inboxId, kind: 'telegram' });
  } else if (config.publicUrl) {
    const url = `${config.publicUrl.replace(/\/+$/, '')}${path}`;
    try {
      await api.setWebhook(url, { secret_token: webhookSecret, allowed_updates: ['message', 'callback_query'] });
      webhook = { url, set: true };
    } catch (error) {
      ctx.log.warn({ inboxId, reason: errorText(error) }, 'telegram setWebhook failed');
      webhook = { url, set: false, error: errorText(error) };
    }
  }
  await recordAudit(ctx, ctx.db, {
    action: 'telegram_inbox.create',
    targetType: 'inbox',
    targetId: inboxId,
    // Never the token: it is the bot.
    details: { username: me.username, mode, webhookSet: 'set' in webhook && webhook.set },
  });
  return { id: inboxId, name: input.name, kind: 'telegram', username: me.username, mode, webhook };
}

export type WebhookTarget = { inbox: InboxRow; settings: TelegramSettings };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The inbox a webhook call names, if the caller knows its secret (Telegram sends it in a header). */
export async function authenticateWebhook(
  deps: Pick<Deps, 'db'>,
  inboxId: string,
  presented: string | undefined,
): Promise<WebhookTarget> {
  const inbox = UUID_RE.test(inboxId) ? await findInboxForWebhook(deps, inboxId) : undefined;
  const settings = inbox?.kind === 'telegram' ? telegramSettingsOf(inbox.settings) : undefined;
  if (!inbox || !settings) throw new AppError('inbox_not_found');
  if (!secretMatches(settings.webhookSecret, presented)) {
    throw new AppError('unauthenticated', 'Wrong or missing secret token.');
  }
  return { inbox, settings };
}

function secretMatches(expected: string, presented: string | undefined): boolean {
  if (!presented) return false;
  // Digests have one length, so the comparison takes the same time whatever was sent.
  const a = crypto.createHash('sha256').update(expected).digest();
  const b = crypto.createHash('sha256').update(presented).digest();
  return crypto.timingSafeEqual(a, b);
}

/** One chat's updates are handled in order (a retried delivery must not race its first one). */
const chatQueues = new Map<string, Promise<void>>();
/** How long the webhook waits for an update's handling before answering anyway (it goes on in the background). */
const ANSWER_WITHIN_MS = 5000;

/**
 * Handles one update. Never throws: whatever goes wrong is logged, and Telegram gets its 200 (it would otherwise
 * redeliver the update again and again).
 */
export async function handleTelegramUpdate(deps: Deps, target: WebhookTarget, update: unknown): Promise<void> {
  const parsed = parseUpdate(update);
  const base = { inboxId: target.inbox.id, orgId: target.inbox.org_id };
  if (parsed.kind === 'ignored') {
    deps.log.info({ ...base, reason: parsed.reason }, 'telegram update ignored');
    return;
  }
  const chatId = parsed.kind === 'callback' ? parsed.chatId : parsed.message.chat.id;
  const key = `${target.inbox.id}:${chatId}`;
  const previous = chatQueues.get(key) ?? Promise.resolve();
  const work = previous.then(async () => {
    try {
      if (parsed.kind === 'private') await receivePrivate(deps, target, parsed.message, parsed.from);
      else if (parsed.kind === 'callback') await receiveCallback(deps, target, parsed);
      else await receiveGroup(deps, target, parsed.message, parsed.from);
    } catch (error) {
      deps.log.error({ ...base, chatId, reason: errorText(error) }, 'telegram update failed');
    }
  });
  chatQueues.set(key, work);
  void work.finally(() => {
    if (chatQueues.get(key) === work) chatQueues.delete(key);
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ANSWER_WITHIN_MS)))]);
  clearTimeout(timer);
}

/** A customer's private message: text, or a photo or document noted in the body (the file itself is not kept). */
async function receivePrivate(deps: Deps, target: WebhookTarget, message: Message, from: User): Promise<void> {
  const content = inboundContent(message);
  if (!content) {
    deps.log.info({ inboxId: target.inbox.id }, 'telegram message without text, photo or document ignored');
    return;
  }
  const telegram: Record<string, unknown> = { chatId: message.chat.id, messageId: message.message_id };
  if (content.file) Object.assign(telegram, content.file, await fetchFile(deps, target.settings, content.file));
  await receiveInbound(deps, target.inbox.org_id, {
    inboxId: target.inbox.id,
    channel: 'telegram',
    // In a private chat the chat id is the user's id: the identity is where replies go.
    identity: { kind: 'telegram', value: String(from.id) },
    profile: { name: displayName(from), locale: localeOfLanguageCode(from.language_code) },
    externalId: `${message.chat.id}:${message.message_id}`,
    inReplyTo: message.reply_to_message ? [`${message.chat.id}:${message.reply_to_message.message_id}`] : undefined,
    continueLatest: true,
    body: content.body,
    meta: { telegram },
  });
}

/**
 * Fetches a customer's file from Telegram (getFile, then the download) when it is at most 10 MB, to learn it is
 * there and how big it is; kefu has no file storage yet, so only the file's id and these facts are kept.
 */
async function fetchFile(
  deps: Deps,
  settings: TelegramSettings,
  file: InboundFile,
): Promise<{ downloaded: boolean; size?: number; filePath?: string }> {
  if (file.size !== undefined && file.size > MAX_FILE_BYTES) return { downloaded: false };
  try {
    const info = await telegramApi(deps.config.telegramApiRoot, settings.token).getFile(file.fileId);
    if (!info.file_path || (info.file_size ?? 0) > MAX_FILE_BYTES) return { downloaded: false };
    const response = await fetch(`${deps.config.telegramApiRoot}/file/bot${settings.token}/${info.file_path}`, {
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok || !response.body) throw new Error(`file download answered ${response.status}`);
    const reader = response.body.getReader();
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_FILE_BYTES) {
        await reader.cancel().catch(() => {});
        return { downloaded: false };
      }
    }
    return { downloaded: true, size, filePath: info.file_path };
  } catch (error) {
    // The token is in the download URL: log only the reason.
    deps.log.warn({ fileId: file.fileId, reason: errorText(error) }, 'telegram file fetch failed');
    return { downloaded: false };
  }
}

/** One of the bot's inline buttons pressed in a private chat: the customer "typed" its words. */
async function receiveCallback(
  deps: Deps,
  target: WebhookTarget,
  cq: Extract<ReturnType<typeof parseUpdate>, { kind: 'callback' }>,
): Promise<void> {
  const api = telegramApi(deps.config.telegramApiRoot, target.settings.token);
  // Stops the button's spinner first; failing to is not a reason to drop what the customer chose.
  await api.answerCallbackQuery(cq.id).catch((error: unknown) => {
    deps.log.warn({ inboxId: target.inbox.id, reason: errorText(error) }, 'telegram answerCallbackQuery failed');
  });
  const body = CALLBACK_TEXT[cq.data];
  if (!body || cq.chatType !== 'private') {
    deps.log.info({ inboxId: target.inbox.id, data: cq.data.slice(0, 64) }, 'telegram callback ignored');
    return;
  }
  await receiveInbound(deps, target.inbox.org_id, {
    inboxId: target.inbox.id,
    channel: 'telegram',
    identity: { kind: 'telegram', value: String(cq.from.id) },
    profile: { name: displayName(cq.from), locale: localeOfLanguageCode(cq.from.language_code) },
    externalId: `${cq.chatId}:callback:${cq.id}`,
    continueLatest: true,
    body,
    meta: { telegram: { chatId: cq.chatId, callbackData: cq.data, buttonOf: cq.messageId } },
  });
}

/** Members already warned about, per chat (so an impostor's every message is not answered with a warning). */
const warned = new Set<string>();

/**
 * A group: nothing is stored and accounts are never discussed. Members who pose as the exchange's support get a
 * public warning; a message addressed to the bot gets a pointer to the private chat.
 */
async function receiveGroup(
  deps: Deps,
  target: WebhookTarget,
  message: Message,
  from: User | undefined,
): Promise<void> {
  const org = await findOrgById(deps, target.inbox.org_id);
  if (!org) return;
  const api = telegramApi(deps.config.telegramApiRoot, target.settings.token);
  const members = [...(from ? [from] : []), ...(message.new_chat_members ?? [])];
  const brands = brandWords(org);
  for (const member of members) {
    if (member.is_bot && member.id === target.settings.botId) continue;
    if (!imitatesSupport(member, brands)) continue;
    if (member.username) {
      const value = normalizeChannel('telegram', member.username);
      const [verdict] = await checkChannels(deps.db, org.id, [{ kind: 'telegram', value, raw: `@${member.username}` }]);
      if (verdict?.official) continue;
    }
    const key = `${target.inbox.id}:${message.chat.id}:${member.id}`;
    if (warned.has(key)) continue;
    if (warned.size > 10_000) warned.clear();
    warned.add(key);
    const who = member.username ? `@${member.username}` : `"${displayName(member)}"`;
    await api.sendMessage(message.chat.id, impostorWarning(who, org.name));
    deps.log.info({ inboxId: target.inbox.id, chatId: message.chat.id, who }, 'telegram impostor warned about');
  }
  if (from && !from.is_bot && isAddressedToBot(message, target.settings)) {
    await api.sendMessage(
      message.chat.id,
      groupInvitation(localeOfLanguageCode(from.language_code), target.settings.username),
      { reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true } },
    );
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
