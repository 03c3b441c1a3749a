import type { ChannelSender } from '../channels/channels.listener.ts';
import type { Config } from '../config.ts';
import { telegramApi } from './telegram.service.ts';
import { FREEZE_KEYBOARD, offersFreeze, telegramSettingsOf } from './telegram.updates.ts';

/** Telegram's limit on one message's text. */
const MAX_TEXT = 4096;

/**
 * Agents' and the bot's public messages to a Telegram chat (channels.listener.ts calls it from its delivery jobs,
 * retrying what throws). A bot reply that offers the emergency freeze gets the buttons "freeze" and "talk to a
 * person"; pressing one comes back as a callback query (telegram.service.ts).
 */
export function createTelegramSender(config: Pick<Config, 'telegramApiRoot'>): ChannelSender {
  return {
    channel: 'telegram',
    async send({ conversation, message, inbox }) {
      const settings = telegramSettingsOf(inbox.settings);
      if (!settings) throw new Error('the inbox has no Telegram bot');
      const chatId = conversation.contact.identities.find((identity) => identity.kind === 'telegram')?.value;
      if (!chatId) throw new Error('the contact has no Telegram chat');
      const api = telegramApi(config.telegramApiRoot, settings.token);
      const parts = splitText(message.body);
      let last: { message_id: number; chat: { id: number } } | undefined;
      for (const [i, part] of parts.entries()) {
        const buttons = i === parts.length - 1 && message.authorKind === 'bot' && offersFreeze(message);
        last = await api.sendMessage(chatId, part, buttons ? { reply_markup: FREEZE_KEYBOARD } : {});
      }
      return { externalId: last ? `${last.chat.id}:${last.message_id}` : null };
    },
  };
}

function splitText(text: string): string[] {
  const body = text.trim() || '…';
  const parts: string[] = [];
  for (let i = 0; i < body.length; i += MAX_TEXT) parts.push(body.slice(i, i + MAX_TEXT));
  return parts;
}
