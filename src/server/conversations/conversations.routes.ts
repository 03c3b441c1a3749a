import { z } from 'zod';
import {
  agentSendMessageBodySchema,
  assignConversationBodySchema,
  conversationListQuerySchema,
  conversationParamsSchema,
  messagesQuerySchema,
  updateConversationBodySchema,
} from '../../contracts/api.ts';
import { isAgentPermission } from '../../contracts/domain.ts';
import { listActiveAgents } from '../auth/auth.service.ts';
import { listAuditEntries } from '../audit/audit.service.ts';
import { replyChannelMeta } from '../channels/channels.service.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import {
  assignConversation,
  getConversationWithMessages,
  listConversations,
  listMessages,
  postMessage,
  updateConversation,
} from './conversations.service.ts';

/** The agent console's API: thin handlers, all rules in the service. */
export function registerAgentConversationRoutes(app: App, deps: AppDeps): void {
  const preHandler = createAgentAuth(deps);
  const tags = ['agent: conversations'];

  app.get(
    '/api/agent/conversations',
    { schema: { tags, querystring: conversationListQuerySchema }, preHandler },
    (request) => listConversations(request.ctx, request.query),
  );

  app.get(
    '/api/agent/conversations/:conversationId',
    { schema: { tags, params: conversationParamsSchema }, preHandler },
    (request) => getConversationWithMessages(request.ctx, request.params.conversationId),
  );

  app.get(
    '/api/agent/conversations/:conversationId/messages',
    { schema: { tags, params: conversationParamsSchema, querystring: messagesQuerySchema }, preHandler },
    async (request) => ({ messages: await listMessages(request.ctx, request.params.conversationId, request.query) }),
  );

  app.post(
    '/api/agent/conversations/:conversationId/messages',
    { schema: { tags, params: conversationParamsSchema, body: agentSendMessageBodySchema }, preHandler },
    async (request, reply) => {
      const { channel, ...body } = request.body;
      const meta =
        channel && !body.private
          ? await replyChannelMeta(request.ctx, request.params.conversationId, channel)
          : undefined;
      const message = await postMessage(request.ctx, request.params.conversationId, { ...body, meta });
      reply.status(201);
      return { message };
    },
  );

  app.patch(
    '/api/agent/conversations/:conversationId',
    { schema: { tags, params: conversationParamsSchema, body: updateConversationBodySchema }, preHandler },
    async (request) => ({
      conversation: await updateConversation(request.ctx, request.params.conversationId, request.body),
    }),
  );

  app.post(
    '/api/agent/conversations/:conversationId/assign',
    { schema: { tags, params: conversationParamsSchema, body: assignConversationBodySchema }, preHandler },
    async (request) => ({
      conversation: await assignConversation(request.ctx, request.params.conversationId, request.body.agentId),
    }),
  );

  app.get('/api/agent/agents', { schema: { tags: ['agent: team'] }, preHandler }, async (request) => {
    const agents = await listActiveAgents(request.ctx);
    return {
      agents: agents.map((a) => ({
        id: a.id,
        name: a.name,
        role: a.role,
        // For the admins' Agents page, which grants them.
        permissions: a.permissions.filter(isAgentPermission),
        online: deps.gateway.isAgentOnline(a.id),
      })),
    };
  });

  app.get(
    '/api/agent/audit',
    {
      schema: {
        tags: ['agent: audit'],
        querystring: z.object({
          before: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          targetId: z.string().max(100).optional(),
        }),
      },
      preHandler,
    },
    async (request) => {
      const { before, limit, targetId } = request.query;
      return { entries: await listAuditEntries(request.ctx, { beforeId: before, limit, targetId }) };
    },
  );
}
