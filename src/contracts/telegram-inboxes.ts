import { z } from 'zod';

/**
 * Telegram inboxes as admins configure them (/api/agent/telegram/inboxes): a bot (its @BotFather token, write-only:
 * stored sealed, never returned), the inbox's name, whether kefu's bot answers first, and how updates arrive
 * (Telegram posts them to kefu's webhook, or kefu long-polls getUpdates when Telegram cannot reach it).
 */

/** The token @BotFather gave: `<bot id>:<secret>`. */
export const telegramBotTokenSchema = z
  .string()
  .trim()
  .regex(/^\d{3,20}:[\w-]{20,100}$/, 'must be a Telegram bot token (<id>:<secret>)');

export const telegramModeSchema = z.enum(['webhook', 'polling']);
export type TelegramMode = z.infer<typeof telegramModeSchema>;

export const connectTelegramInboxBodySchema = z.object({
  name: z.string().trim().min(1).max(100),
  token: telegramBotTokenSchema,
  /** Whether the bot answers first (on unless turned off). */
  bot: z.boolean().optional(),
  /** How updates arrive; by default webhook with KEFU_PUBLIC_URL, else polling (getUpdates). */
  mode: telegramModeSchema.optional(),
});
export type ConnectTelegramInboxBody = z.infer<typeof connectTelegramInboxBodySchema>;

export const updateTelegramInboxBodySchema = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  /** A new token (another bot, or the same bot's token after /revoke); an inbox without one gets connected. */
  token: telegramBotTokenSchema.optional(),
  bot: z.boolean().optional(),
  mode: telegramModeSchema.optional(),
  /** A fresh webhook secret: the old one stops working at once. */
  rotateWebhookSecret: z.boolean().optional(),
});
export type UpdateTelegramInboxBody = z.infer<typeof updateTelegramInboxBodySchema>;

/**
 * What setting the webhook (or, in polling mode, deleting it) came to. Without a public URL the path and secret to
 * set it by hand (`setWebhook url=<your URL><path> secret_token=<secretToken>`) are shown once, here and never again.
 */
export type TelegramWebhookOutcome =
  | { url: string; set: boolean; error?: string }
  | { path: string; secretToken: string; set: false }
  | { deleted: boolean; error?: string };

export type TelegramInbox = {
  id: string;
  name: string;
  kind: 'telegram';
  /** The bot's @username; null for an inbox that never had a bot. */
  username: string | null;
  mode: TelegramMode;
  bot: boolean;
  /** Whether a bot token is stored: without one nothing arrives and replies are not sent. */
  connected: boolean;
  /** Where Telegram posts this inbox's updates (behind kefu's public URL). */
  webhookPath: string;
  createdAt: string;
  /** Only in the answer to a change that set, deleted or re-keyed the webhook. */
  webhook?: TelegramWebhookOutcome;
};

export type TelegramInboxList = {
  inboxes: TelegramInbox[];
  /** kefu's public URL (KEFU_PUBLIC_URL), which webhook mode needs; null: only polling works. */
  publicUrl: string | null;
};
