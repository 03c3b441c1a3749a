import { createViewBodySchema, updateViewBodySchema, viewParamsSchema } from '../../contracts/tools.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { createView, deleteView, listViews, updateView } from './views.service.ts';

export function registerViewRoutes(app: App, deps: AppDeps): void {
  const preHandler = createAgentAuth(deps);
  const tags = ['agent: saved views'];

  app.get('/api/agent/views', { schema: { tags }, preHandler }, async (request) => ({
    views: await listViews(request.ctx),
  }));

  app.post('/api/agent/views', { schema: { tags, body: createViewBodySchema }, preHandler }, async (request, reply) => {
    reply.status(201);
    return { view: await createView(request.ctx, request.body) };
  });

  app.patch(
    '/api/agent/views/:viewId',
    { schema: { tags, params: viewParamsSchema, body: updateViewBodySchema }, preHandler },
    async (request) => ({ view: await updateView(request.ctx, request.params.viewId, request.body) }),
  );

  app.delete(
    '/api/agent/views/:viewId',
    { schema: { tags, params: viewParamsSchema }, preHandler },
    async (request, reply) => {
      await deleteView(request.ctx, request.params.viewId);
      return reply.status(204).send();
    },
  );
}
