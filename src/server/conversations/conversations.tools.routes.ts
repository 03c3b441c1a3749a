import { conversationParamsSchema } from '../../contracts/api.ts';
import {
  changeTagsBodySchema,
  createAttributeDefinitionBodySchema,
  mergeBodySchema,
  setAttributesBodySchema,
  snoozeBodySchema,
  transcriptQuerySchema,
} from '../../contracts/tools.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import {
  changeTags,
  defineAttribute,
  exportTranscript,
  getConversationHistory,
  listAttributeDefinitions,
  listTags,
  mergeConversations,
  setAttributes,
  snoozeConversation,
} from './conversations.tools.service.ts';

/** The agent's tools on a conversation: tags, attributes, snooze, merge, history and transcript. */
export function registerConversationToolRoutes(app: App, deps: AppDeps): void {
  const preHandler = createAgentAuth(deps);
  const tags = ['agent: conversation tools'];
  const params = conversationParamsSchema;

  app.post(
    '/api/agent/conversations/:conversationId/tags',
    { schema: { tags, params, body: changeTagsBodySchema }, preHandler },
    async (request) => ({ conversation: await changeTags(request.ctx, request.params.conversationId, request.body) }),
  );

  app.get('/api/agent/tags', { schema: { tags }, preHandler }, async (request) => ({
    tags: await listTags(request.ctx),
  }));

  app.get('/api/agent/attribute-definitions', { schema: { tags }, preHandler }, async (request) => ({
    definitions: await listAttributeDefinitions(request.ctx),
  }));

  app.post(
    '/api/agent/attribute-definitions',
    { schema: { tags, body: createAttributeDefinitionBodySchema }, preHandler },
    async (request, reply) => {
      reply.status(201);
      const { options, ...rest } = request.body;
      return { definition: await defineAttribute(request.ctx, { ...rest, options: options ?? null }) };
    },
  );

  app.patch(
    '/api/agent/conversations/:conversationId/attributes',
    { schema: { tags, params, body: setAttributesBodySchema }, preHandler },
    async (request) => ({
      conversation: await setAttributes(request.ctx, request.params.conversationId, request.body.values),
    }),
  );

  app.post(
    '/api/agent/conversations/:conversationId/snooze',
    { schema: { tags, params, body: snoozeBodySchema }, preHandler },
    async (request) => ({
      conversation: await snoozeConversation(request.ctx, request.params.conversationId, request.body.until ?? null),
    }),
  );

  app.post(
    '/api/agent/conversations/:conversationId/merge',
    { schema: { tags, params, body: mergeBodySchema }, preHandler },
    async (request) => ({
      conversation: await mergeConversations(
        request.ctx,
        request.params.conversationId,
        request.body.intoConversationId,
      ),
    }),
  );

  app.get('/api/agent/conversations/:conversationId/history', { schema: { tags, params }, preHandler }, (request) =>
    getConversationHistory(request.ctx, request.params.conversationId),
  );

  app.get(
    '/api/agent/conversations/:conversationId/transcript',
    { schema: { tags, params, querystring: transcriptQuerySchema }, preHandler },
    async (request, reply) => {
      const file = await exportTranscript(request.ctx, request.params.conversationId, request.query.format);
      reply.header('content-type', file.contentType);
      reply.header('content-disposition', `attachment; filename="${file.filename}"`);
      reply.header('cache-control', 'no-store');
      return reply.send(file.body);
    },
  );
}
