import {
  setSurgeModeBodySchema,
  surgeAnnouncementBodySchema,
  surgeOptInBodySchema,
  surgeReportsQuerySchema,
} from '../../contracts/surge.ts';
import { widgetOrgQuerySchema } from '../../contracts/self-service.ts';
import type { Clock } from '../clock.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import {
  getPublicSurge,
  getSurgeState,
  listSurgeReports,
  postSurgeAnnouncement,
  setSurgeMode,
  setSurgeOptIn,
} from './surge.service.ts';

/** Surge mode: its state, a supervisor's override, agents' opt-in, incident announcements and the surge report. */
export function registerSurgeRoutes(app: App, deps: AppDeps & { clock: Clock }): void {
  const preHandler = createAgentAuth(deps);
  const tags = ['agent: surge'];

  app.get('/api/agent/surge', { schema: { tags }, preHandler }, (request) => getSurgeState(request.ctx));
  app.post('/api/agent/surge', { schema: { tags, body: setSurgeModeBodySchema }, preHandler }, (request) =>
    setSurgeMode(request.ctx, deps.clock, request.body.mode),
  );
  app.patch('/api/agent/surge/opt-in', { schema: { tags, body: surgeOptInBodySchema }, preHandler }, (request) =>
    setSurgeOptIn(request.ctx, request.body.optIn),
  );
  app.post(
    '/api/agent/surge/announcements',
    { schema: { tags, body: surgeAnnouncementBodySchema }, preHandler },
    (request) => postSurgeAnnouncement(request.ctx, deps.clock, request.body),
  );
  app.get(
    '/api/agent/surge/reports',
    { schema: { tags, querystring: surgeReportsQuerySchema }, preHandler },
    async (request) => ({ surges: await listSurgeReports(request.ctx, request.query.limit) }),
  );

  // The widget's banner on load (afterwards `surge.changed` on its socket keeps it current).
  app.get('/api/widget/surge', { schema: { tags: ['widget'], querystring: widgetOrgQuerySchema } }, (request) =>
    getPublicSurge(deps, request.query.org),
  );
}
