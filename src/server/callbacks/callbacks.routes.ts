import { callbackRequestBodySchema, logCallBodySchema } from '../../contracts/callbacks.ts';
import { conversationParamsSchema } from '../../contracts/api.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { createVisitorAuth, visitorOf } from '../http/visitor-auth.ts';
import { limitConversationStart } from '../rate-limit/rate-limit.service.ts';
import { listCalls, logCall, requestCallback } from './callbacks.service.ts';

/**
 * Phone callbacks: the widget's "call me back" (public, rate-limited like starting a conversation with a message,
 * which it is) and the agents' call log on any conversation.
 */
export function registerCallbackRoutes(app: App, deps: AppDeps): void {
  const visitor = createVisitorAuth(deps);
  const agent = createAgentAuth(deps);

  app.post(
    '/api/widget/callbacks',
    { schema: { tags: ['widget'], body: callbackRequestBodySchema }, preHandler: visitor },
    async (request, reply) => {
      const { contactId } = visitorOf(request);
      await limitConversationStart(deps, { ip: request.ip, contactId, withMessage: true });
      const result = await requestCallback(request.ctx, request.body);
      reply.status(201);
      return result;
    },
  );

  const tags = ['agent: calls'];
  app.get(
    '/api/agent/conversations/:conversationId/calls',
    { schema: { tags, params: conversationParamsSchema }, preHandler: agent },
    (request) => listCalls(request.ctx, request.params.conversationId),
  );

  app.post(
    '/api/agent/conversations/:conversationId/calls',
    { schema: { tags, params: conversationParamsSchema, body: logCallBodySchema }, preHandler: agent },
    async (request, reply) => {
      const result = await logCall(request.ctx, request.params.conversationId, request.body);
      reply.status(201);
      return result;
    },
  );
}
