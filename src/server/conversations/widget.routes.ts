import type { FastifyRequest } from 'fastify';
import {
  conversationParamsSchema,
  messagesQuerySchema,
  sendMessageBodySchema,
  widgetConfigQuerySchema,
  widgetCreateConversationBodySchema,
  widgetSessionBodySchema,
} from '../../contracts/api.ts';
import type { Ctx } from '../context.ts';
import type { App, AppDeps } from '../http/types.ts';
import { limitConversationStart, limitCustomerMessage, limitSessionStart } from '../rate-limit/rate-limit.service.ts';
import {
  authenticateVisitor,
  getWidgetConfig,
  returningVisitorOf,
  startWidgetSession,
} from '../visitors/visitors.service.ts';
import { listConversations, listMessages, postMessage, startConversation } from './conversations.service.ts';

/**
 * The customer-facing API used by the widget; a visitor only ever reaches their own conversations. It is public, so
 * what creates rows (sessions, conversations, messages) is rate-limited per address and per visitor (`rate_limited`).
 */
export function registerWidgetRoutes(app: App, deps: AppDeps): void {
  const tags = ['widget'];

  const visitorCtx = async (request: FastifyRequest): Promise<Ctx & { inboxId: string }> => {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    const visitor = await authenticateVisitor(deps, token);
    return { db: deps.db, log: deps.log, events: deps.events, ip: request.ip, ...visitor };
  };

  app.get('/api/widget/config', { schema: { tags, querystring: widgetConfigQuerySchema } }, (request) =>
    getWidgetConfig(deps.db, request.query.org),
  );

  app.post('/api/widget/session', { schema: { tags, body: widgetSessionBodySchema } }, async (request) => {
    await limitSessionStart(deps, {
      ip: request.ip,
      returningVisitor: returningVisitorOf(deps.visitorKey, request.body.visitorToken),
      identified: request.body.identityToken !== undefined,
    });
    return startWidgetSession(deps, request.body);
  });

  app.get('/api/widget/conversations', { schema: { tags } }, async (request) => {
    const ctx = await visitorCtx(request);
    return listConversations(ctx, { assignee: 'all', limit: 20 });
  });

  app.post(
    '/api/widget/conversations',
    { schema: { tags, body: widgetCreateConversationBodySchema } },
    async (request, reply) => {
      const ctx = await visitorCtx(request);
      const { body, clientId } = request.body;
      const contactId = ctx.actor.kind === 'customer' ? ctx.actor.contactId : '';
      await limitConversationStart(deps, { ip: request.ip, contactId, withMessage: body !== undefined });
      const result = await startConversation(ctx, {
        inboxId: ctx.inboxId,
        contactId,
        firstMessage: body ? { body, clientId: clientId ?? null } : undefined,
      });
      reply.status(201);
      return result;
    },
  );

  app.get(
    '/api/widget/conversations/:conversationId/messages',
    { schema: { tags, params: conversationParamsSchema, querystring: messagesQuerySchema } },
    async (request) => {
      const ctx = await visitorCtx(request);
      return { messages: await listMessages(ctx, request.params.conversationId, request.query) };
    },
  );

  app.post(
    '/api/widget/conversations/:conversationId/messages',
    { schema: { tags, params: conversationParamsSchema, body: sendMessageBodySchema } },
    async (request, reply) => {
      const ctx = await visitorCtx(request);
      if (ctx.actor.kind === 'customer') {
        await limitCustomerMessage(deps, { ip: request.ip, contactId: ctx.actor.contactId });
      }
      const message = await postMessage(ctx, request.params.conversationId, request.body);
      reply.status(201);
      return { message };
    },
  );
}
