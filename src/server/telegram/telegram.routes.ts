import { z } from 'zod';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { authenticateWebhook, connectTelegramInbox, handleTelegramUpdate } from './telegram.service.ts';

const connectBodySchema = z.object({
  name: z.string().trim().min(1).max(100),
  /** The token @BotFather gave: `<bot id>:<secret>`. */
  token: z
    .string()
    .trim()
    .regex(/^\d{3,20}:[\w-]{20,100}$/, 'must be a Telegram bot token (<id>:<secret>)'),
  /** Whether the bot answers first (on unless turned off). */
  bot: z.boolean().optional(),
  /** How updates arrive; by default webhook with KEFU_PUBLIC_URL, else polling (getUpdates). */
  mode: z.enum(['webhook', 'polling']).optional(),
});

/** Admins connect a Telegram bot as an inbox; Telegram delivers the bot's updates to its webhook. */
export function registerTelegramRoutes(app: App, deps: AppDeps): void {
  const preHandler = createAgentAuth(deps);

  app.post(
    '/api/agent/telegram/inboxes',
    { schema: { tags: ['agent: channels'], body: connectBodySchema }, preHandler },
    async (request, reply) => {
      const inbox = await connectTelegramInbox(request.ctx, deps.config, request.body);
      reply.status(201);
      return { inbox };
    },
  );

  app.post(
    '/api/telegram/:inboxId/webhook',
    { schema: { hide: true, params: z.object({ inboxId: z.string().max(64) }) } },
    async (request) => {
      const header = request.headers['x-telegram-bot-api-secret-token'];
      const target = await authenticateWebhook(
        deps,
        request.params.inboxId,
        Array.isArray(header) ? header[0] : header,
      );
      await handleTelegramUpdate(deps, target, request.body);
      return { ok: true };
    },
  );
}
