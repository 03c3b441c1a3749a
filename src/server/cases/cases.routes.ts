import { caseListQuerySchema, caseParamsSchema, caseStatusBodySchema } from '../../contracts/self-service.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { getCase, listCases, setCaseStatus } from './cases.service.ts';

/**
 * Cases for agents: the list, one case, its status. Unfreeze requests and their approvals:
 * src/server/self-service/self-service.routes.ts.
 */
export function registerCaseRoutes(app: App, deps: AppDeps): void {
  const preHandler = createAgentAuth(deps);
  const tags = ['agent: self-service'];

  app.get('/api/agent/cases', { schema: { tags, querystring: caseListQuerySchema }, preHandler }, async (request) => ({
    cases: await listCases(request.ctx, request.query),
  }));
  app.get('/api/agent/cases/:caseId', { schema: { tags, params: caseParamsSchema }, preHandler }, async (request) => ({
    case: await getCase(request.ctx, request.params.caseId),
  }));
  app.patch(
    '/api/agent/cases/:caseId',
    { schema: { tags, params: caseParamsSchema, body: caseStatusBodySchema }, preHandler },
    async (request) => ({ case: await setCaseStatus(request.ctx, request.params.caseId, request.body.status) }),
  );
}
