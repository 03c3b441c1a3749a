import { conversationParamsSchema } from '../../contracts/api.ts';
import {
  agentParamsSchema,
  supportAvailabilityQuerySchema,
  type SupportAvailabilityResponse,
  updateAgentRoutingBodySchema,
} from '../../contracts/routing.ts';
import { systemClock } from '../clock.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { createVisitorAuth } from '../http/visitor-auth.ts';
import { positionMemoryFor } from './routing.listener.ts';
import {
  changeAgentRouting,
  getOwnRouting,
  getQueue,
  getQueuePosition,
  getSupportAvailability,
  listAgentRouting,
  type RoutingDeps,
  takeNextConversation,
} from './routing.service.ts';

/** Routing for the console (teams: src/server/teams/teams.routes.ts), and the customer's place in the queue for the widget. */
export function registerRoutingRoutes(app: App, deps: AppDeps): void {
  const preHandler = createAgentAuth(deps);
  const routing: RoutingDeps = {
    db: deps.db,
    log: deps.log,
    events: deps.events,
    clock: systemClock,
    positions: positionMemoryFor(deps.events),
  };
  const tags = ['agent: routing'];

  app.get('/api/agent/routing/agents', { schema: { tags }, preHandler }, async (request) => ({
    agents: await listAgentRouting(request.ctx),
  }));

  app.get('/api/agent/routing/me', { schema: { tags }, preHandler }, async (request) => ({
    agent: await getOwnRouting(request.ctx),
  }));

  app.patch(
    '/api/agent/routing/agents/:agentId',
    { schema: { tags, params: agentParamsSchema, body: updateAgentRoutingBodySchema }, preHandler },
    async (request) => ({
      agent: await changeAgentRouting(request.ctx, routing, request.params.agentId, request.body),
    }),
  );

  app.post('/api/agent/routing/next', { schema: { tags }, preHandler }, async (request) => ({
    conversation: await takeNextConversation(request.ctx, routing),
  }));

  app.get('/api/agent/routing/queue', { schema: { tags }, preHandler }, async (request) => ({
    queue: await getQueue(request.ctx, routing),
  }));

  app.get(
    '/api/widget/availability',
    { schema: { tags: ['widget'], querystring: supportAvailabilityQuerySchema } },
    async (request): Promise<SupportAvailabilityResponse> => ({
      availability: await getSupportAvailability(deps.db, request.query.org),
    }),
  );

  app.get(
    '/api/widget/conversations/:conversationId/queue',
    { schema: { tags: ['widget'], params: conversationParamsSchema }, preHandler: createVisitorAuth(deps) },
    async (request) => getQueuePosition(request.ctx, routing, request.params.conversationId),
  );
}
