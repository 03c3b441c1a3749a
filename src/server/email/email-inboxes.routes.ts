import { z } from 'zod';
import {
  createEmailInboxBodySchema,
  testImapBodySchema,
  updateEmailInboxBodySchema,
} from '../../contracts/email-inboxes.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import {
  createEmailInbox,
  listEmailInboxes,
  removeEmailInbox,
  testImapConnection,
  updateEmailInboxSettings,
} from './email-inboxes.service.ts';

/** Admins configure email inboxes: address, display name, inbound by kefu's SMTP listener or IMAP. */
export function registerEmailInboxRoutes(app: App, deps: AppDeps, listener: { smtpPort: number | undefined }): void {
  const preHandler = createAgentAuth(deps);
  const tags = ['agent: channels'];
  const params = z.object({ inboxId: z.uuid() });

  app.get('/api/agent/email/inboxes', { schema: { tags }, preHandler }, async (request) =>
    listEmailInboxes(request.ctx, deps.config, listener.smtpPort),
  );
  app.post(
    '/api/agent/email/inboxes',
    { schema: { tags, body: createEmailInboxBodySchema }, preHandler },
    async (request, reply) => {
      const inbox = await createEmailInbox(request.ctx, request.body);
      reply.status(201);
      return { inbox };
    },
  );
  app.patch(
    '/api/agent/email/inboxes/:inboxId',
    { schema: { tags, params, body: updateEmailInboxBodySchema }, preHandler },
    async (request) => ({
      inbox: await updateEmailInboxSettings(request.ctx, request.params.inboxId, request.body),
    }),
  );
  app.delete('/api/agent/email/inboxes/:inboxId', { schema: { tags, params }, preHandler }, async (request, reply) => {
    await removeEmailInbox(request.ctx, request.params.inboxId);
    return reply.status(204).send();
  });
  app.post(
    '/api/agent/email/inboxes/test-imap',
    { schema: { tags, body: testImapBodySchema }, preHandler },
    async (request) => testImapConnection(request.ctx, request.body),
  );
}
