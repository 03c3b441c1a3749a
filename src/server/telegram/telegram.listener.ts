import { InputFile } from 'grammy';
import type { Attachment } from '../../contracts/domain.ts';
import type { ChannelSender } from '../channels/channels.listener.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import { AppError } from '../errors.ts';
import { readConversationFile } from '../files/files.service.ts';
import { telegramApi } from './telegram.service.ts';
import { FREEZE_KEYBOARD, MAX_CAPTION, offersFreeze, sendsAsPhoto, telegramSettingsOf } from './telegram.updates.ts';

/** Telegram's limit on one message's text. */
const MAX_TEXT = 4096;

type Sent = { message_id: number; chat: { id: number } };

/**
 * Agents' and the bot's public messages to a Telegram chat (channels.listener.ts calls it from its delivery jobs,
 * retrying what throws). Attachments go as photos (JPEG, PNG) or documents (the rest), uploaded from kefu's store,
 * the body as the first one's caption, or as text before them when it is longer than a caption may be. A bot reply
 * that offers the emergency freeze gets the buttons "freeze" and "talk to a person"; pressing one comes back as a
 * callback query (telegram.service.ts).
 */
export function createTelegramSender(config: Pick<Config, 'telegramApiRoot'>, db: Db): ChannelSender {
  return {
    channel: 'telegram',
    async send({ orgId, conversation, message, inbox }) {
      const settings = telegramSettingsOf(inbox.settings);
      // An inbox without a bot token (the demo's, or one an admin removed) will not gain one by waiting: the delivery
      // is recorded once as failed, not retried for hours.
      if (!settings) {
        throw Object.assign(new Error('channel not configured: the inbox has no Telegram bot token'), {
          permanent: true,
        });
      }
      const chatId = conversation.contact.identities.find((identity) => identity.kind === 'telegram')?.value;
      if (!chatId) throw Object.assign(new Error('the contact has no Telegram chat'), { permanent: true });
      const api = telegramApi(config.telegramApiRoot, settings.token);
      const files = message.attachments ?? [];
      const body = message.body.trim();
      const captioned = files.length > 0 && body.length > 0 && body.length <= MAX_CAPTION;
      let last: Sent | undefined;
      if (files.length === 0 || (body && !captioned)) {
        const parts = splitText(body);
        for (const [i, part] of parts.entries()) {
          const buttons = i === parts.length - 1 && message.authorKind === 'bot' && offersFreeze(message);
          last = await api.sendMessage(chatId, part, buttons ? { reply_markup: FREEZE_KEYBOARD } : {});
        }
      }
      for (const [i, attachment] of files.entries()) {
        const file = await readConversationFile(
          { db, org: { id: orgId } },
          conversation.id,
          fileIdOf(attachment),
        ).catch((error: unknown) => {
          // A file deleted since (retention) will not come back: no retry.
          if (error instanceof AppError && error.code === 'file_not_found') Object.assign(error, { permanent: true });
          throw error;
        });
        const upload = new InputFile(file.data, file.name);
        const options = i === 0 && captioned ? { caption: body } : {};
        last = sendsAsPhoto(file.contentType)
          ? await api.sendPhoto(chatId, upload, options)
          : await api.sendDocument(chatId, upload, options);
      }
      return { externalId: last ? `${last.chat.id}:${last.message_id}` : null };
    },
  };
}

/** The stored file an attachment names: its URL ends in the file's id (files.service.ts agentFileUrl). */
function fileIdOf(attachment: Attachment): string {
  const id = attachment.url.split('?')[0]?.split('/').pop();
  if (!id) throw Object.assign(new Error(`attachment without a file id: ${attachment.name}`), { permanent: true });
  return id;
}

function splitText(text: string): string[] {
  const body = text.trim() || '…';
  const parts: string[] = [];
  for (let i = 0; i < body.length; i += MAX_TEXT) parts.push(body.slice(i, i + MAX_TEXT));
  return parts;
}
