import { caseParamsSchema, unfreezeRequestBodySchema } from '../../contracts/self-service.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { createVisitorAuth } from '../http/visitor-auth.ts';
import { approveUnfreezeRequest, listOwnCases, requestUnfreeze } from './self-service.service.ts';

/**
 * Self-service: unfreeze requests and their four-eyes approvals for agents, and the customer's own cases for the
 * widget. Cases themselves: src/server/cases/cases.routes.ts; official channels: trust/; the status page:
 * platform-status/.
 */
export function registerSelfServiceRoutes(app: App, deps: AppDeps): void {
  const preHandler = createAgentAuth(deps);
  const tags = ['agent: self-service'];

  app.post(
    '/api/agent/unfreeze-requests',
    { schema: { tags, body: unfreezeRequestBodySchema }, preHandler },
    async (request, reply) => {
      const opened = await requestUnfreeze(request.ctx, request.body);
      reply.status(201);
      return { case: opened };
    },
  );
  app.post(
    '/api/agent/cases/:caseId/approve',
    { schema: { tags, params: caseParamsSchema }, preHandler },
    async (request) => approveUnfreezeRequest(request.ctx, deps.sources, request.params.caseId),
  );

  app.get(
    '/api/widget/cases',
    { schema: { tags: ['widget'] }, preHandler: createVisitorAuth(deps) },
    async (request) => ({
      cases: await listOwnCases(request.ctx),
    }),
  );
}
