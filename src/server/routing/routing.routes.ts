import { conversationParamsSchema } from '../../contracts/api.ts';
import {
  agentParamsSchema,
  createTeamBodySchema,
  teamParamsSchema,
  supportAvailabilityQuerySchema,
  type SupportAvailabilityResponse,
  updateAgentRoutingBodySchema,
  updateTeamBodySchema,
} from '../../contracts/routing.ts';
import { systemClock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { createTeam, listTeams, removeTeam, updateTeam } from '../teams/teams.service.ts';
import { authenticateVisitor } from '../visitors/visitors.service.ts';
import { positionMemoryFor } from './routing.listener.ts';
import {
  changeAgentRouting,
  getAgentRouting,
  getQueue,
  getQueuePosition,
  getSupportAvailability,
  listAgentRouting,
  type RoutingDeps,
  takeNextConversation,
} from './routing.service.ts';

/** Routing and teams for the console, and the customer's place in the queue for the widget. */
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
  const selfId = (actor: { kind: string; id?: string }) => {
    if (actor.kind !== 'agent' || !actor.id) throw new AppError('forbidden');
    return actor.id;
  };

  app.get('/api/agent/routing/agents', { schema: { tags }, preHandler }, async (request) => ({
    agents: await listAgentRouting(request.ctx),
  }));

  app.get('/api/agent/routing/me', { schema: { tags }, preHandler }, async (request) => ({
    agent: await getAgentRouting(request.ctx, selfId(request.ctx.actor)),
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

  const teamTags = ['agent: teams'];
  app.get('/api/agent/teams', { schema: { tags: teamTags }, preHandler }, async (request) => ({
    teams: await listTeams(request.ctx),
  }));

  app.post(
    '/api/agent/teams',
    { schema: { tags: teamTags, body: createTeamBodySchema }, preHandler },
    async (request, reply) => {
      const team = await createTeam(request.ctx, request.body);
      reply.status(201);
      return { team };
    },
  );

  app.patch(
    '/api/agent/teams/:teamId',
    { schema: { tags: teamTags, params: teamParamsSchema, body: updateTeamBodySchema }, preHandler },
    async (request) => ({ team: await updateTeam(request.ctx, request.params.teamId, request.body) }),
  );

  app.delete(
    '/api/agent/teams/:teamId',
    { schema: { tags: teamTags, params: teamParamsSchema }, preHandler },
    async (request, reply) => {
      await removeTeam(request.ctx, request.params.teamId);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/widget/availability',
    { schema: { tags: ['widget'], querystring: supportAvailabilityQuerySchema } },
    async (request): Promise<SupportAvailabilityResponse> => ({
      availability: await getSupportAvailability(deps.db, request.query.org),
    }),
  );

  app.get(
    '/api/widget/conversations/:conversationId/queue',
    { schema: { tags: ['widget'], params: conversationParamsSchema } },
    async (request) => {
      const header = request.headers.authorization;
      const visitor = await authenticateVisitor(deps, header?.startsWith('Bearer ') ? header.slice(7) : undefined);
      const ctx = { db: deps.db, log: deps.log, events: deps.events, ip: request.ip, ...visitor };
      return getQueuePosition(ctx, routing, request.params.conversationId);
    },
  );
}
