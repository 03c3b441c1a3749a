import { updateSlaPolicyBodySchema } from '../../contracts/sla.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { getSlaPolicy, updateSlaPolicy } from './sla.service.ts';

/** The organization's SLA policy and priority rules: admins only, every change audited. */
export function registerSlaRoutes(app: App, deps: AppDeps): void {
  const preHandler = createAgentAuth(deps);
  const tags = ['agent: sla'];

  app.get('/api/agent/sla-policy', { schema: { tags }, preHandler }, (request) => getSlaPolicy(request.ctx));

  app.put('/api/agent/sla-policy', { schema: { tags, body: updateSlaPolicyBodySchema }, preHandler }, (request) =>
    updateSlaPolicy(request.ctx, request.body.policy),
  );
}
