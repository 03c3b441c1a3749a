import type { InlineKeyboardMarkup, Message, Update, User } from 'grammy/types';
import type { Locale } from '../../contracts/domain.ts';
import { ACCEPTED_FILES_TEXT } from '../files/file-types.ts';
import { toTaiwanText } from '../text/taiwan-text.ts';
import { claimsToBeStaff } from '../trust/official-channels.ts';
import { unseal } from '../secrets/sealed.ts';

/**
 * What a Telegram update means for kefu, as pure functions: which chat it is, whether the bot was addressed in a
 * group, what a customer's photo or document becomes in the message body, whether a member imitates the exchange's
 * support, and the words the bot uses in groups. The side effects are in telegram.service.ts.
 */

/** An inbox's Telegram bot, kept in its settings (`settings.telegram`). */
export type TelegramSettings = {
  token: string;
  webhookSecret: string;
  username: string;
  botId: number | null;
  /** How updates arrive: Telegram posts them to the webhook, or (kefu without a public URL) kefu asks getUpdates. */
  mode: 'webhook' | 'polling';
};

/** The inbox's bot settings with the token and webhook secret opened (they are stored sealed). */
export function telegramSettingsOf(settings: Record<string, unknown>): TelegramSettings | undefined {
  const t = settings.telegram as (Partial<TelegramSettings> & { mode?: unknown }) | undefined;
  if (!t || typeof t.token !== 'string' || typeof t.webhookSecret !== 'string' || typeof t.username !== 'string') {
    return undefined;
  }
  return {
    token: unseal(t.token),
    webhookSecret: unseal(t.webhookSecret),
    username: t.username,
    botId: t.botId ?? null,
    mode: t.mode === 'polling' ? 'polling' : 'webhook',
  };
}

/** The customer's language from Telegram's `language_code` (an IETF tag such as zh-hans, zh-TW, en-GB). */
export function localeOfLanguageCode(code: string | undefined): Locale {
  const tag = (code ?? '').toLowerCase();
  if (/^zh[-_](hant|tw|hk|mo)/.test(tag)) return 'zh-TW';
  if (tag.startsWith('zh')) return 'zh-CN';
  return 'en';
}

export function displayName(user: User): string {
  return [user.first_name, user.last_name].filter(Boolean).join(' ').trim() || (user.username ?? String(user.id));
}

/** The update shapes kefu acts on; anything else (edits, channel posts, membership changes…) is ignored. */
export type ParsedUpdate =
  | { kind: 'private'; message: Message; from: User }
  | { kind: 'group'; message: Message; from: User | undefined }
  | { kind: 'callback'; id: string; data: string; from: User; chatId: number; chatType: string; messageId: number }
  | { kind: 'ignored'; reason: string };

export function parseUpdate(update: unknown): ParsedUpdate {
  if (!update || typeof update !== 'object' || typeof (update as Update).update_id !== 'number') {
    return { kind: 'ignored', reason: 'malformed update' };
  }
  const u = update as Update;
  if (u.callback_query) {
    const cq = u.callback_query;
    const chat = cq.message?.chat;
    if (typeof cq.id !== 'string' || !cq.from || typeof cq.from.id !== 'number' || !chat || !cq.message) {
      return { kind: 'ignored', reason: 'malformed callback query' };
    }
    return {
      kind: 'callback',
      id: cq.id,
      data: typeof cq.data === 'string' ? cq.data : '',
      from: cq.from,
      chatId: chat.id,
      chatType: chat.type,
      messageId: cq.message.message_id,
    };
  }
  const message = u.message;
  if (!message) return { kind: 'ignored', reason: 'not a message' };
  if (
    typeof message.message_id !== 'number' ||
    !message.chat ||
    typeof message.chat.id !== 'number' ||
    typeof message.chat.type !== 'string'
  ) {
    return { kind: 'ignored', reason: 'malformed message' };
  }
  if (message.chat.type === 'private') {
    if (!message.from || typeof message.from.id !== 'number') return { kind: 'ignored', reason: 'no sender' };
    if (message.from.is_bot) return { kind: 'ignored', reason: 'from a bot' };
    return { kind: 'private', message, from: message.from };
  }
  if (message.chat.type === 'group' || message.chat.type === 'supergroup') {
    return { kind: 'group', message, from: message.from };
  }
  return { kind: 'ignored', reason: `chat type ${(message.chat as { type: string }).type}` };
}

/** A group message addressed to the bot: it mentions @username, or answers one of the bot's messages. */
export function isAddressedToBot(message: Message, bot: { username: string; botId: number | null }): boolean {
  const text = message.text ?? message.caption ?? '';
  const mention = new RegExp(`(^|[^\\w])@${bot.username.replace(/[^\w]/g, '')}\\b`, 'i');
  if (mention.test(text)) return true;
  const repliedTo = message.reply_to_message?.from;
  if (!repliedTo?.is_bot) return false;
  return (
    (bot.botId !== null && repliedTo.id === bot.botId) ||
    (repliedTo.username ?? '').toLowerCase() === bot.username.toLowerCase()
  );
}

/** The kinds of file a customer's private message can carry (Bot API Message fields of the same names). */
export type InboundFileKind =
  | 'photo'
  | 'document'
  | 'voice'
  | 'audio'
  | 'video'
  | 'video_note'
  | 'animation'
  | 'sticker';

export type InboundFile = {
  kind: InboundFileKind;
  fileId: string;
  fileUniqueId: string;
  fileName?: string;
  mimeType?: string;
  size?: number;
  /**
   * Known from the update alone not to be a file kefu keeps, so it is not downloaded: an animated sticker (a .tgs,
   * gzipped Lottie JSON, which the allow-list leaves out).
   */
  refused?: 'file_type_not_allowed';
};

type TelegramFile = { file_id?: unknown; file_unique_id?: unknown; file_size?: number };

function fileOf(
  kind: InboundFileKind,
  file: TelegramFile | undefined,
  extra: { fileName?: string; mimeType?: string; refused?: 'file_type_not_allowed' } = {},
): InboundFile | undefined {
  if (!file || typeof file.file_id !== 'string' || typeof file.file_unique_id !== 'string') return undefined;
  return {
    kind,
    fileId: file.file_id,
    fileUniqueId: file.file_unique_id,
    ...(extra.fileName ? { fileName: extra.fileName } : {}),
    ...(extra.mimeType ? { mimeType: extra.mimeType } : {}),
    ...(file.file_size !== undefined ? { size: file.file_size } : {}),
    ...(extra.refused ? { refused: extra.refused } : {}),
  };
}

/** A name for a file Telegram sends without one, from its kind and label (the bytes still decide its type). */
function nameFor(prefix: string, uniqueId: string, mimeType: string | undefined, fallbackExt: string): string {
  const ext: Record<string, string> = {
    'audio/ogg': 'ogg',
    'audio/mpeg': 'mp3',
    'audio/mp4': 'm4a',
    'audio/x-m4a': 'm4a',
    'video/mp4': 'mp4',
    'video/webm': 'webm',
  };
  return `${prefix}-${uniqueId}.${(mimeType && ext[mimeType]) || fallbackExt}`;
}

/** What the agent reads for a file without a caption: its kind, and its name when it has one. */
function labelOf(file: InboundFile, message: Message): string {
  switch (file.kind) {
    case 'photo':
      return '[photo]';
    case 'document':
      return file.fileName ? `[document: ${file.fileName}]` : '[document]';
    case 'voice':
      return `[voice message, ${message.voice?.duration ?? 0} s]`;
    case 'audio': {
      const title = [message.audio?.performer, message.audio?.title].filter(Boolean).join(' – ');
      // The name Telegram gave, not the one made up for storing it.
      return `[audio: ${title || message.audio?.file_name || 'untitled'}]`;
    }
    case 'video':
      return message.video?.file_name ? `[video: ${message.video.file_name}]` : '[video]';
    case 'video_note':
      return `[video message, ${message.video_note?.duration ?? 0} s]`;
    case 'animation':
      return '[animation]';
    case 'sticker':
      return message.sticker?.emoji ? `[sticker ${message.sticker.emoji}]` : '[sticker]';
  }
}

/** The label of a file kefu did not keep: what it was, and why it is not there (the agent's visible record). */
export function refusedLabel(label: string, reason: FileRefusal): string {
  const why = { file_type_not_allowed: 'not supported', file_too_large: 'too large', file_unavailable: 'not received' };
  return `${label.replace(/\]$/, '')} — ${why[reason]}, not kept]`;
}

/**
 * What a customer's private message becomes: its text; or for a file (photo, document, voice, audio, video, video
 * note, animation, sticker) its caption (the file itself is stored as the message's attachment), a label naming the
 * file when there is no caption (`label`: also what the body says when the file is refused); undefined if none.
 */
export function inboundContent(message: Message): { body: string; file?: InboundFile; label?: string } | undefined {
  if (typeof message.text === 'string' && message.text.trim()) return { body: message.text };
  const caption = typeof message.caption === 'string' ? message.caption.trim() : '';
  const file = inboundFile(message);
  if (!file) return undefined;
  const label = labelOf(file, message);
  return { body: caption || label, file, label };
}

function inboundFile(message: Message): InboundFile | undefined {
  if (Array.isArray(message.photo) && message.photo.length > 0) {
    // Telegram sends every size it made; the last is the largest.
    const photo = message.photo[message.photo.length - 1];
    // Telegram re-encodes every photo as JPEG and gives it no name.
    return fileOf('photo', photo, { fileName: `photo-${photo?.file_unique_id}.jpg` });
  }
  // Before the document: Telegram sets `document` too on an animation, "for backward compatibility".
  const animation = message.animation;
  if (animation) {
    return fileOf('animation', animation, {
      fileName:
        animation.file_name || nameFor('animation', String(animation.file_unique_id), animation.mime_type, 'mp4'),
      mimeType: animation.mime_type,
    });
  }
  const document = message.document;
  if (document) return fileOf('document', document, { fileName: document.file_name, mimeType: document.mime_type });
  const voice = message.voice;
  if (voice) {
    // OGG Opus as Telegram records it (mime_type audio/ogg), without a name.
    return fileOf('voice', voice, {
      fileName: nameFor('voice', String(voice.file_unique_id), voice.mime_type, 'ogg'),
      mimeType: voice.mime_type,
    });
  }
  const audio = message.audio;
  if (audio) {
    return fileOf('audio', audio, {
      fileName: audio.file_name || nameFor('audio', String(audio.file_unique_id), audio.mime_type, 'mp3'),
      mimeType: audio.mime_type,
    });
  }
  const video = message.video;
  if (video) {
    return fileOf('video', video, {
      fileName: video.file_name || nameFor('video', String(video.file_unique_id), video.mime_type, 'mp4'),
      mimeType: video.mime_type,
    });
  }
  const note = message.video_note;
  if (note) {
    // A round video message: always MP4, with no name or MIME type in the update.
    return fileOf('video_note', note, { fileName: `video-note-${note.file_unique_id}.mp4`, mimeType: 'video/mp4' });
  }
  const sticker = message.sticker;
  if (sticker) {
    // Static stickers are WebP, video stickers WebM; animated ones are .tgs, never downloaded.
    const ext = sticker.is_animated ? 'tgs' : sticker.is_video ? 'webm' : 'webp';
    return fileOf('sticker', sticker, {
      fileName: `sticker-${sticker.file_unique_id}.${ext}`,
      ...(sticker.is_animated ? { refused: 'file_type_not_allowed' as const } : {}),
    });
  }
  return undefined;
}

/** Why a customer's file was not kept, as the codes storeMessageFile refuses with (or the download failing). */
export type FileRefusal = 'file_type_not_allowed' | 'file_too_large' | 'file_unavailable';

/** How the customer is told which file: a named file by its name, a voice message or sticker by what it is. */
const UNNAMED: Partial<Record<InboundFileKind, { zh: string; en: string }>> = {
  voice: { zh: '这条语音消息', en: 'this voice message' },
  video_note: { zh: '这条视频消息', en: 'this video message' },
  sticker: { zh: '这个贴纸', en: 'this sticker' },
  animation: { zh: '这个动图', en: 'this animation' },
};

/** What the customer is told when their file was not kept, in their language. */
export function fileRefusedReply(
  locale: Locale,
  fileName: string,
  reason: FileRefusal,
  limitMb: number,
  kind: InboundFileKind = 'document',
): string {
  const name = fileName.slice(0, 80);
  const unnamed = UNNAMED[kind];
  const zhWhat = unnamed ? unnamed.zh : `文件「${name}」`;
  const enWhat = unnamed ? unnamed.en : `the file "${name}"`;
  switch (reason) {
    case 'file_type_not_allowed':
      return inLocale(
        locale,
        `抱歉，我们无法接收${zhWhat}：只能接收${ACCEPTED_FILES_TEXT['zh-CN']}。请换一种格式再发送，或直接用文字描述您的问题。`,
        `Sorry, we could not accept ${enWhat}: only ${ACCEPTED_FILES_TEXT.en} can be sent. Please send it in one of these formats, or describe the problem in words.`,
      );
    case 'file_too_large':
      return inLocale(
        locale,
        `抱歉，${zhWhat}超过了 ${limitMb} MB 的上限，我们没有收到。请压缩后或截取关键部分再发送。`,
        `Sorry, ${enWhat} is over the ${limitMb} MB limit and did not reach us. Please send a smaller file or a screenshot of the relevant part.`,
      );
    case 'file_unavailable':
      return inLocale(
        locale,
        `抱歉，${zhWhat}没有成功传到我们这里。请再发送一次。`,
        `Sorry, ${enWhat} did not reach us. Please send it again.`,
      );
  }
}

/** Telegram's limit on a photo's or document's caption. */
export const MAX_CAPTION = 1024;

/** Whether an outgoing attachment goes as a photo (Telegram shows it inline, re-encoded) or as a document. */
export function sendsAsPhoto(contentType: string): boolean {
  // GIF and WebP as photos lose animation or are refused: those go as documents.
  return contentType === 'image/jpeg' || contentType === 'image/png';
}

/** What pressing one of the bot's inline buttons means: the customer typing these words. */
export const CALLBACK_TEXT: Record<string, string> = { freeze: '冻结', agent: '人工' };

export const FREEZE_KEYBOARD: InlineKeyboardMarkup = {
  inline_keyboard: [
    [{ text: '冻结账户 / Freeze my account', callback_data: 'freeze' }],
    [{ text: '转人工 / Talk to a person', callback_data: 'agent' }],
  ],
};

/**
 * The bot's reply offers the emergency freeze: it asks the customer to reply "冻结" / "FREEZE" (the offer, and the
 * compromise hand-off that offers it too). The freeze flow's later turns (the e-mail, the code) carry the same
 * `emergency_freeze` action but ask for something else, so the action alone does not add the buttons.
 */
export function offersFreeze(message: { body: string }): boolean {
  return /[“"「]\s*(冻结|凍結|freeze)\s*[”"」]/i.test(message.body);
}

/** Generic words in an exchange's name that do not identify it ("Lumen Exchange" is known by "lumen"). */
const GENERIC_WORDS = new Set([
  'exchange',
  'global',
  'official',
  'support',
  'the',
  'pro',
  'app',
  'com',
  'net',
  'org',
  'io',
  '交易所',
  '官方',
  '客服',
]);

/** The words an impostor would borrow from the organization's name and slug, lower case. */
export function brandWords(org: { slug: string; name: string }): string[] {
  const words = `${org.name} ${org.slug}`.toLowerCase().split(/[^a-z0-9\u3400-\u9fff]+/);
  return [...new Set(words.filter((w) => w.length >= (/[\u3400-\u9fff]/.test(w) ? 2 : 3) && !GENERIC_WORDS.has(w)))];
}

/** A member whose username or name claims to be staff (support, 客服, official, admin…) and carries the brand. */
export function imitatesSupport(user: User, brands: string[]): boolean {
  const text = `${user.username ?? ''} ${user.first_name ?? ''} ${user.last_name ?? ''}`;
  const spaced = text.replace(/[_.-]+/g, ' ');
  if (!claimsToBeStaff(spaced) && !claimsToBeStaff(text)) return false;
  const compact = text.toLowerCase().replace(/[^a-z0-9\u3400-\u9fff]+/g, '');
  return brands.some((brand) => compact.includes(brand));
}

function inLocale(locale: Locale, zh: string, en: string): string {
  if (locale === 'zh-TW') return toTaiwanText(zh);
  return locale === 'zh-CN' ? zh : en;
}

/** The bot's answer when addressed in a group: account matters only in a private chat. */
export function groupInvitation(locale: Locale, botUsername: string): string {
  const link = `https://t.me/${botUsername}`;
  return inLocale(
    locale,
    `您好！为了保护您的账户安全，请不要在群里讨论账户、充提币或验证码。请私聊我：${link}`,
    `Hi! To keep your account safe, please don't discuss your account, deposits, withdrawals or codes in a group. Message me privately: ${link}`,
  );
}

/** The warning about a member who imitates the exchange's support, in both languages (a group reads both). */
export function impostorWarning(who: string, orgName: string): string {
  return (
    `⚠️ ${who} 不是 ${orgName} 的官方账号。官方客服不会私信您索要密码、验证码或转账。\n` +
    `⚠️ ${who} is not an official account of ${orgName}. Official support never asks you for passwords, codes or transfers.`
  );
}
