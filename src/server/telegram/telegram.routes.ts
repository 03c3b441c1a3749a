import { z } from 'zod';
import { connectTelegramInboxBodySchema, updateTelegramInboxBodySchema } from '../../contracts/telegram-inboxes.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import {
  connectTelegramInbox,
  listTelegramInboxes,
  removeTelegramInbox,
  updateTelegramInboxSettings,
} from './telegram-inboxes.service.ts';
import { authenticateWebhook, handleTelegramUpdate } from './telegram.service.ts';

/** Admins connect and manage Telegram bots as inboxes; Telegram delivers the bot's updates to its webhook. */
export function registerTelegramRoutes(app: App, deps: AppDeps): void {
  const preHandler = createAgentAuth(deps);
  const tags = ['agent: channels'];
  const params = z.object({ inboxId: z.uuid() });

  app.get('/api/agent/telegram/inboxes', { schema: { tags }, preHandler }, async (request) =>
    listTelegramInboxes(request.ctx, deps.config),
  );
  app.post(
    '/api/agent/telegram/inboxes',
    { schema: { tags, body: connectTelegramInboxBodySchema }, preHandler },
    async (request, reply) => {
      const inbox = await connectTelegramInbox(request.ctx, deps.config, request.body);
      reply.status(201);
      return { inbox };
    },
  );
  app.patch(
    '/api/agent/telegram/inboxes/:inboxId',
    { schema: { tags, params, body: updateTelegramInboxBodySchema }, preHandler },
    async (request) => ({
      inbox: await updateTelegramInboxSettings(request.ctx, deps.config, request.params.inboxId, request.body),
    }),
  );
  app.delete(
    '/api/agent/telegram/inboxes/:inboxId',
    { schema: { tags, params }, preHandler },
    async (request, reply) => {
      await removeTelegramInbox(request.ctx, deps.config, request.params.inboxId);
      return reply.status(204).send();
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
