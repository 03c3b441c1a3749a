import { createTeamBodySchema, teamParamsSchema, updateTeamBodySchema } from '../../contracts/routing.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { createTeam, listTeams, removeTeam, updateTeam } from './teams.service.ts';

/** Teams for the console: every agent sees them, admins change them (the checks are in teams.service.ts). */
export function registerTeamRoutes(app: App, deps: AppDeps): void {
  const preHandler = createAgentAuth(deps);
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
}
