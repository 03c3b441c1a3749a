import crypto from 'node:crypto';
import { Api } from 'grammy';
import type { Message, User } from 'grammy/types';
import { receiveInbound } from '../channels/channels.service.ts';
import { postMessage } from '../conversations/conversations.service.ts';
import { allowedContentType, maxFileBytes, safeFileName } from '../files/files.service.ts';
import type { Config } from '../config.ts';
import type { Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import { findInboxForWebhook, findOrgById, type InboxRow } from '../orgs/orgs.service.ts';
import { checkChannels, normalizeChannel } from '../trust/official-channels.ts';
import {
  brandWords,
  CALLBACK_TEXT,
  displayName,
  groupInvitation,
  imitatesSupport,
  impostorWarning,
  type FileRefusal,
  fileRefusedReply,
  type InboundFile,
  inboundContent,
  isAddressedToBot,
  localeOfLanguageCode,
  parseUpdate,
  refusedLabel,
  type TelegramSettings,
  telegramSettingsOf,
} from './telegram.updates.ts';

/**
 * The Telegram channel: an admin connects a bot (its token) as an inbox (telegram-inboxes.service.ts); Telegram posts the bot's updates to the
 * inbox's webhook; a private chat is one ongoing conversation through the channels core, a group only ever gets a
 * pointer to the private chat (and a warning about members who pose as support). Agents' and the bot's replies
 * leave through telegram.listener.ts.
 */

export type TelegramDeps = Pick<Ctx, 'db' | 'log' | 'events'> & {
  config: Pick<Config, 'telegramApiRoot' | 'publicUrl' | 'maxFileBytes'>;
};

/** grammY's Bot API client for one bot; the API root is configurable (tests run a local stub). */
export function telegramApi(apiRoot: string, token: string): Api {
  return new Api(token, { apiRoot, timeoutSeconds: 15 });
}

export type WebhookTarget = { inbox: InboxRow; settings: TelegramSettings };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The inbox a webhook call names, if the caller knows its secret (Telegram sends it in a header). */
export async function authenticateWebhook(
  deps: Pick<TelegramDeps, 'db'>,
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
export async function handleTelegramUpdate(deps: TelegramDeps, target: WebhookTarget, update: unknown): Promise<void> {
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

/**
 * A customer's private message: text, or a file (photo, document, voice, audio, video, video note, animation,
 * sticker) with its caption as the body. The file is fetched from Telegram and judged before the message is stored,
 * so a kept file is posted with the message (an agent who has the conversation open sees it arrive with it) and one
 * kefu refuses (type, size) or cannot fetch is recorded on the message (meta.telegram.refused, and a label saying so
 * when there is no caption) and answered in the conversation, in the customer's language, so the customer knows
 * what can be sent and the agent sees what happened.
 */
async function receivePrivate(deps: TelegramDeps, target: WebhookTarget, message: Message, from: User): Promise<void> {
  const content = inboundContent(message);
  if (!content) {
    deps.log.info({ inboxId: target.inbox.id }, 'telegram message without text or a file ignored');
    return;
  }
  const orgId = target.inbox.org_id;
  const telegram: Record<string, unknown> = { chatId: message.chat.id, messageId: message.message_id };
  const file = content.file;
  const fileName = file?.fileName ?? (file?.kind === 'photo' ? 'photo.jpg' : 'document');
  let refusal: FileRefusal | undefined;
  let data: Buffer | undefined;
  if (file) {
    const fetched: FetchedFile = file.refused
      ? { kind: 'refused', reason: file.refused }
      : await fetchFile(deps, target.settings, file);
    if (fetched.kind === 'fetched') {
      try {
        await allowedContentType(fetched.data, safeFileName(fileName), file.mimeType);
        data = fetched.data;
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'file_type_not_allowed')) throw error;
        refusal = 'file_type_not_allowed';
      }
    } else refusal = fetched.reason;
    Object.assign(telegram, file, { downloaded: data !== undefined, ...(refusal ? { refused: refusal } : {}) });
  }
  const locale = localeOfLanguageCode(from.language_code);
  const captioned = content.label === undefined || content.body !== content.label;
  const result = await receiveInbound(deps, orgId, {
    inboxId: target.inbox.id,
    channel: 'telegram',
    // In a private chat the chat id is the user's id: the identity is where replies go.
    identity: { kind: 'telegram', value: String(from.id) },
    profile: { name: displayName(from), locale },
    externalId: `${message.chat.id}:${message.message_id}`,
    inReplyTo: message.reply_to_message ? [`${message.chat.id}:${message.reply_to_message.message_id}`] : undefined,
    continueLatest: true,
    body: refusal && !captioned && content.label ? refusedLabel(content.label, refusal) : content.body,
    meta: { telegram },
    files: data ? [{ name: fileName, data, ...(file?.mimeType ? { declaredType: file.mimeType } : {}) }] : [],
    fileConfig: deps.config,
  });
  if (result.duplicate || !result.message || !file || !refusal) return;
  deps.log.info(
    { inboxId: target.inbox.id, conversationId: result.conversation.id, fileId: file.fileId, reason: refusal },
    'telegram file refused',
  );
  // A public system message: the agent sees it in the conversation, and it reaches the customer's chat.
  const limitMb = Math.floor(maxFileBytes(deps) / 1024 / 1024);
  await postMessage({ ...deps, org: { id: orgId }, actor: { kind: 'system' } }, result.conversation.id, {
    body: fileRefusedReply(locale, fileName, refusal, limitMb, file.kind),
    clientId: `telegram:file-refused:${message.chat.id}:${message.message_id}`,
    meta: { telegram: { fileRefused: { fileId: file.fileId, name: fileName, reason: refusal } } },
  });
}

type FetchedFile = { kind: 'fetched'; data: Buffer; filePath: string } | { kind: 'refused'; reason: FileRefusal };

/**
 * Fetches a customer's file from Telegram: getFile, then the download from the Bot API's file URL, stopped as soon
 * as it passes the size limit (Telegram's own size, when it gives one, is checked first).
 */
async function fetchFile(deps: TelegramDeps, settings: TelegramSettings, file: InboundFile): Promise<FetchedFile> {
  const limit = maxFileBytes(deps);
  if (file.size !== undefined && file.size > limit) return { kind: 'refused', reason: 'file_too_large' };
  try {
    const info = await telegramApi(deps.config.telegramApiRoot, settings.token).getFile(file.fileId);
    if ((info.file_size ?? 0) > limit) return { kind: 'refused', reason: 'file_too_large' };
    if (!info.file_path) throw new Error('getFile gave no file path');
    const response = await fetch(`${deps.config.telegramApiRoot}/file/bot${settings.token}/${info.file_path}`, {
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok || !response.body) throw new Error(`file download answered ${response.status}`);
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        return { kind: 'refused', reason: 'file_too_large' };
      }
      chunks.push(value);
    }
    return { kind: 'fetched', data: Buffer.concat(chunks), filePath: info.file_path };
  } catch (error) {
    // The token is in the download URL: log only the reason.
    deps.log.warn({ fileId: file.fileId, reason: errorText(error) }, 'telegram file fetch failed');
    return { kind: 'refused', reason: 'file_unavailable' };
  }
}

/** One of the bot's inline buttons pressed in a private chat: the customer "typed" its words. */
async function receiveCallback(
  deps: TelegramDeps,
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
  deps: TelegramDeps,
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

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
