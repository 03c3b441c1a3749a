import { retentionRunQuerySchema, retentionSettingsSchema } from '../../contracts/retention.ts';
import type { Clock } from '../clock.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { getRetentionSettings, runRetentionFromApi, saveRetentionSettings } from './retention.service.ts';

/** Data retention for admins: the period and mode, and a run now (a dry run unless dryRun=false). */
export function registerRetentionRoutes(app: App, deps: AppDeps & { clock: Clock }): void {
  const agent = createAgentAuth(deps);
  const tags = ['agent: retention'];

  app.get('/api/agent/retention/settings', { schema: { tags }, preHandler: agent }, (request) =>
    getRetentionSettings(request.ctx),
  );

  app.put(
    '/api/agent/retention/settings',
    { schema: { tags, body: retentionSettingsSchema }, preHandler: agent },
    (request) => saveRetentionSettings(request.ctx, request.body),
  );

  app.post(
    '/api/agent/retention/run',
    { schema: { tags, querystring: retentionRunQuerySchema }, preHandler: agent },
    (request) => runRetentionFromApi(request.ctx, { dryRun: request.query.dryRun === 'true', clock: deps.clock }),
  );
}
