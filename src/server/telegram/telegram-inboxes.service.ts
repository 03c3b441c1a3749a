import crypto from 'node:crypto';
import type { Api } from 'grammy';
import type { User } from 'grammy/types';
import type {
  ConnectTelegramInboxBody,
  TelegramInbox,
  TelegramInboxList,
  TelegramMode,
  TelegramWebhookOutcome,
  UpdateTelegramInboxBody,
} from '../../contracts/telegram-inboxes.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import { AppError } from '../errors.ts';
import { createInbox } from '../orgs/orgs.service.ts';
import { seal, unseal } from '../secrets/sealed.ts';
import {
  selectTelegramInbox,
  selectTelegramInboxes,
  type TelegramInboxAdminRow,
  updateTelegramInbox,
} from './telegram-inboxes.queries.ts';
import { errorText, type TelegramDeps, telegramApi } from './telegram.service.ts';
import type { TelegramSettings } from './telegram.updates.ts';

/**
 * Admins' Telegram inboxes (issue 13): connect a bot by its token, rename it, switch the bot's first answers, move
 * between webhook and polling, replace the token or the webhook secret, remove it. Stored in the inbox's
 * settings.telegram, where the webhook route, the poller and the sender read it; the token and the webhook secret are
 * sealed at rest and never returned (the secret is shown once when the admin must set the webhook by hand). Every
 * change publishes `inbox.changed`, so every node's poller looks again; the audit log never holds a secret.
 */

type Config = TelegramDeps['config'];

/** settings.telegram as stored: the token and secret sealed; the demo's inbox has only a username. */
type StoredTelegram = Partial<TelegramSettings> & { removed?: boolean; formerUsername?: string };

function telegramOf(row: TelegramInboxAdminRow): StoredTelegram {
  return (row.settings.telegram ?? {}) as StoredTelegram;
}

function toTelegramInbox(row: TelegramInboxAdminRow, webhook?: TelegramWebhookOutcome): TelegramInbox {
  const telegram = telegramOf(row);
  return {
    id: row.id,
    name: row.name,
    kind: 'telegram',
    username: telegram.username ?? null,
    mode: telegram.mode === 'polling' ? 'polling' : 'webhook',
    bot: (row.settings.bot as { enabled?: boolean } | undefined)?.enabled !== false,
    connected: typeof telegram.token === 'string' && typeof telegram.webhookSecret === 'string',
    webhookPath: webhookPath(row.id),
    createdAt: new Date(row.created_at).toISOString(),
    ...(webhook ? { webhook } : {}),
  };
}

function webhookPath(inboxId: string): string {
  return `/api/telegram/${inboxId}/webhook`;
}

/** Asks Telegram who the token's bot is: a wrong token is refused before anything is stored. */
async function identifyBot(
  ctx: Ctx,
  config: Config,
  token: string,
): Promise<{ api: Api; me: User & { username: string } }> {
  const api = telegramApi(config.telegramApiRoot, token);
  let me: User;
  try {
    me = await api.getMe();
  } catch (error) {
    ctx.log.warn({ reason: errorText(error) }, 'telegram getMe failed');
    throw new AppError('bad_request', 'Telegram did not accept this bot token.');
  }
  if (!me.username) throw new AppError('bad_request', 'This Telegram bot has no username.');
  return { api, me: me as User & { username: string } };
}

/**
 * Points the bot's updates where the mode says: in polling mode the webhook is deleted (getUpdates is refused while
 * one is set); in webhook mode it is set to this server when its public URL is known, else the admin is given the
 * path and secret to set it with.
 */
async function applyMode(
  ctx: Ctx,
  config: Config,
  api: Api,
  inboxId: string,
  mode: TelegramMode,
  webhookSecret: string,
): Promise<TelegramWebhookOutcome> {
  const path = webhookPath(inboxId);
  if (mode === 'polling') {
    try {
      // A webhook left from elsewhere would make every getUpdates fail with 409 Conflict.
      await api.deleteWebhook({ drop_pending_updates: false });
      return { deleted: true };
    } catch (error) {
      ctx.log.warn({ inboxId, reason: errorText(error) }, 'telegram deleteWebhook failed');
      return { deleted: false, error: errorText(error) };
    }
  }
  if (!config.publicUrl) return { path, secretToken: webhookSecret, set: false };
  const url = `${config.publicUrl.replace(/\/+$/, '')}${path}`;
  try {
    await api.setWebhook(url, { secret_token: webhookSecret, allowed_updates: ['message', 'callback_query'] });
    return { url, set: true };
  } catch (error) {
    ctx.log.warn({ inboxId, reason: errorText(error) }, 'telegram setWebhook failed');
    return { url, set: false, error: errorText(error) };
  }
}

function webhookWasSet(webhook: TelegramWebhookOutcome): boolean {
  return 'set' in webhook && webhook.set;
}

export async function listTelegramInboxes(ctx: Ctx, config: Config): Promise<TelegramInboxList> {
  requireAgentRole(ctx, 'admin');
  const rows = await selectTelegramInboxes(ctx.db, ctx.org.id);
  return { inboxes: rows.map((row) => toTelegramInbox(row)), publicUrl: config.publicUrl ?? null };
}

/**
 * Connects a bot: asks Telegram who it is (a wrong token is refused), stores the token and a fresh webhook secret in
 * the new inbox's settings, and points the bot's webhook at this server when its public URL is known.
 */
export async function connectTelegramInbox(
  ctx: Ctx,
  config: Config,
  input: ConnectTelegramInboxBody,
): Promise<TelegramInbox> {
  requireAgentRole(ctx, 'admin');
  const { api, me } = await identifyBot(ctx, config, input.token);
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
  const webhook = await applyMode(ctx, config, api, inboxId, mode, webhookSecret);
  if (mode === 'polling') ctx.events.publish({ type: 'inbox.changed', orgId: ctx.org.id, inboxId, kind: 'telegram' });
  await recordAudit(ctx, ctx.db, {
    action: 'telegram_inbox.create',
    targetType: 'inbox',
    targetId: inboxId,
    // Never the token: it is the bot.
    details: { username: me.username, mode, webhookSet: webhookWasSet(webhook) },
  });
  const row = await selectTelegramInbox(ctx.db, ctx.org.id, inboxId);
  if (!row) throw new AppError('inbox_not_found');
  return toTelegramInbox(row, webhook);
}

/**
 * Changes an inbox: its name and the bot's first answers at once; a new token is checked with Telegram first (and
 * gets a fresh webhook secret, so the old bot's updates are refused); a new mode, token or secret points the bot's
 * updates again (applyMode). An inbox without a token (the demo's) can be renamed, or connected by giving one.
 */
export async function updateTelegramInboxSettings(
  ctx: Ctx,
  config: Config,
  inboxId: string,
  body: UpdateTelegramInboxBody,
): Promise<TelegramInbox> {
  requireAgentRole(ctx, 'admin');
  const row = await selectTelegramInbox(ctx.db, ctx.org.id, inboxId);
  if (!row) throw new AppError('inbox_not_found');
  const previous = telegramOf(row);
  const hadToken = typeof previous.token === 'string' && typeof previous.webhookSecret === 'string';
  const mode: TelegramMode = body.mode ?? (previous.mode === 'polling' ? 'polling' : 'webhook');
  const modeChanged = body.mode !== undefined && body.mode !== (previous.mode ?? 'webhook');
  if (!hadToken && !body.token && (modeChanged || body.rotateWebhookSecret)) {
    throw new AppError('bad_request', 'This inbox has no bot token yet: give one first.');
  }
  let telegram: StoredTelegram = { ...previous, mode };
  let api: Api | undefined;
  let webhookSecret: string | undefined;
  if (body.token) {
    const identified = await identifyBot(ctx, config, body.token);
    api = identified.api;
    webhookSecret = crypto.randomBytes(32).toString('base64url');
    telegram = {
      ...telegram,
      token: seal(body.token),
      webhookSecret: seal(webhookSecret),
      username: identified.me.username,
      botId: identified.me.id,
    };
  } else if (hadToken && (modeChanged || body.rotateWebhookSecret)) {
    api = telegramApi(config.telegramApiRoot, unseal(previous.token as string));
    webhookSecret = body.rotateWebhookSecret
      ? crypto.randomBytes(32).toString('base64url')
      : unseal(previous.webhookSecret as string);
    telegram = { ...telegram, webhookSecret: seal(webhookSecret) };
  }
  if (body.token && hadToken && unseal(previous.token as string) !== body.token) {
    // The bot being replaced would otherwise keep posting to a webhook whose secret no longer opens it.
    await telegramApi(config.telegramApiRoot, unseal(previous.token as string))
      .deleteWebhook()
      .catch((error: unknown) => {
        ctx.log.warn({ inboxId, reason: errorText(error) }, 'telegram deleteWebhook of the replaced bot failed');
      });
  }
  const name = body.name ?? row.name;
  const bot = body.bot === undefined ? row.settings.bot : { ...(row.settings.bot as object), enabled: body.bot };
  await updateTelegramInbox(ctx.db, ctx.org.id, inboxId, { name, settings: { ...row.settings, bot, telegram } });
  const webhook = api && webhookSecret ? await applyMode(ctx, config, api, inboxId, mode, webhookSecret) : undefined;
  await recordAudit(ctx, ctx.db, {
    action: 'telegram_inbox.update',
    targetType: 'inbox',
    targetId: inboxId,
    // Whether the token or secret changed, never either of them.
    details: {
      name,
      username: telegram.username ?? null,
      mode,
      bot: body.bot,
      tokenChanged: Boolean(body.token),
      webhookSecretRotated: Boolean(body.token || body.rotateWebhookSecret),
      ...(webhook ? { webhookSet: webhookWasSet(webhook) } : {}),
    },
  });
  ctx.events.publish({ type: 'inbox.changed', orgId: ctx.org.id, inboxId, kind: 'telegram' });
  const updated = await selectTelegramInbox(ctx.db, ctx.org.id, inboxId);
  if (!updated) throw new AppError('inbox_not_found');
  return toTelegramInbox(updated, webhook);
}

/**
 * Removes a Telegram inbox from service: the token and secret are dropped (the webhook route then answers 404, the
 * poller stops, replies are recorded as "channel not configured"), the bot's webhook is deleted when it can be, and the
 * row stays because its conversations keep pointing at it.
 */
export async function removeTelegramInbox(ctx: Ctx, config: Config, inboxId: string): Promise<void> {
  requireAgentRole(ctx, 'admin');
  const row = await selectTelegramInbox(ctx.db, ctx.org.id, inboxId);
  if (!row) throw new AppError('inbox_not_found');
  const previous = telegramOf(row);
  if (typeof previous.token === 'string' && previous.mode !== 'polling') {
    // Telegram would otherwise keep posting (and retrying) updates kefu now refuses.
    await telegramApi(config.telegramApiRoot, unseal(previous.token))
      .deleteWebhook()
      .catch((error: unknown) => {
        ctx.log.warn({ inboxId, reason: errorText(error) }, 'telegram deleteWebhook failed');
      });
  }
  await updateTelegramInbox(ctx.db, ctx.org.id, inboxId, {
    name: row.name,
    settings: { ...row.settings, telegram: { removed: true, formerUsername: previous.username ?? null } },
  });
  await recordAudit(ctx, ctx.db, {
    action: 'telegram_inbox.delete',
    targetType: 'inbox',
    targetId: inboxId,
    details: { username: previous.username ?? null },
  });
  ctx.events.publish({ type: 'inbox.changed', orgId: ctx.org.id, inboxId, kind: 'telegram' });
}
