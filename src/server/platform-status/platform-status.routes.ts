import { platformStatusBodySchema, widgetOrgQuerySchema } from '../../contracts/self-service.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { getPlatformStatus, getPublicPlatformStatus, updatePlatformStatus } from './platform-status.service.ts';

/** Platform status per coin and network: posted by staff, read by agents and on the widget's status page. */
export function registerPlatformStatusRoutes(app: App, deps: AppDeps): void {
  const preHandler = createAgentAuth(deps);
  const tags = ['agent: self-service'];

  app.get('/api/agent/platform-status', { schema: { tags }, preHandler }, async (request) => ({
    entries: await getPlatformStatus(request.ctx),
  }));
  app.put(
    '/api/agent/platform-status',
    { schema: { tags, body: platformStatusBodySchema }, preHandler },
    async (request) => updatePlatformStatus(request.ctx, request.body),
  );

  app.get(
    '/api/widget/platform-status',
    { schema: { tags: ['widget'], querystring: widgetOrgQuerySchema } },
    async (request) => ({ entries: await getPublicPlatformStatus(deps, request.query.org) }),
  );
}
