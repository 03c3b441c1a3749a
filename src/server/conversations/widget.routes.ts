import {
  conversationParamsSchema,
  messagesQuerySchema,
  sendMessageBodySchema,
  widgetConfigQuerySchema,
  widgetCreateConversationBodySchema,
  widgetSessionBodySchema,
} from '../../contracts/api.ts';
import type { App, AppDeps } from '../http/types.ts';
import { createVisitorAuth, visitorOf } from '../http/visitor-auth.ts';
import { limitConversationStart, limitCustomerMessage, limitSessionStart } from '../rate-limit/rate-limit.service.ts';
import { getWidgetConfig, returningVisitorOf, startWidgetSession } from '../visitors/visitors.service.ts';
import { listConversations, listMessages, postMessage, startConversation } from './conversations.service.ts';

/**
 * The customer-facing API used by the widget; a visitor only ever reaches their own conversations. It is public, so
 * what creates rows (sessions, conversations, messages) is rate-limited per address and per visitor (`rate_limited`).
 */
export function registerWidgetRoutes(app: App, deps: AppDeps): void {
  const tags = ['widget'];

  const preHandler = createVisitorAuth(deps);

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

  app.get('/api/widget/conversations', { schema: { tags }, preHandler }, async (request) => {
    return listConversations(request.ctx, { assignee: 'all', limit: 20 });
  });

  app.post(
    '/api/widget/conversations',
    { schema: { tags, body: widgetCreateConversationBodySchema }, preHandler },
    async (request, reply) => {
      const { body, clientId, readArticle } = request.body;
      const { contactId, inboxId } = visitorOf(request);
      await limitConversationStart(deps, { ip: request.ip, contactId, withMessage: body !== undefined });
      const result = await startConversation(request.ctx, {
        inboxId,
        contactId,
        // What the customer already read goes with their question, for the bot and the agent (a slug, nothing else).
        firstMessage: body
          ? { body, clientId: clientId ?? null, ...(readArticle ? { meta: { readArticle } } : {}) }
          : undefined,
      });
      reply.status(201);
      return result;
    },
  );

  app.get(
    '/api/widget/conversations/:conversationId/messages',
    { schema: { tags, params: conversationParamsSchema, querystring: messagesQuerySchema }, preHandler },
    async (request) => {
      return { messages: await listMessages(request.ctx, request.params.conversationId, request.query) };
    },
  );

  app.post(
    '/api/widget/conversations/:conversationId/messages',
    { schema: { tags, params: conversationParamsSchema, body: sendMessageBodySchema }, preHandler },
    async (request, reply) => {
      await limitCustomerMessage(deps, { ip: request.ip, contactId: visitorOf(request).contactId });
      const message = await postMessage(request.ctx, request.params.conversationId, request.body);
      reply.status(201);
      return { message };
    },
  );
}
