import {
  applyMacroBodySchema,
  applyMacroParamsSchema,
  createMacroBodySchema,
  macroParamsSchema,
  updateMacroBodySchema,
} from '../../contracts/tools.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { applyMacro, createMacro, deleteMacro, listMacros, updateMacro } from './macros.service.ts';

export function registerMacroRoutes(app: App, deps: AppDeps): void {
  const preHandler = createAgentAuth(deps);
  const tags = ['agent: macros'];

  app.get('/api/agent/macros', { schema: { tags }, preHandler }, async (request) => ({
    macros: await listMacros(request.ctx),
  }));

  app.post(
    '/api/agent/macros',
    { schema: { tags, body: createMacroBodySchema }, preHandler },
    async (request, reply) => {
      reply.status(201);
      return { macro: await createMacro(request.ctx, request.body) };
    },
  );

  app.patch(
    '/api/agent/macros/:macroId',
    { schema: { tags, params: macroParamsSchema, body: updateMacroBodySchema }, preHandler },
    async (request) => ({ macro: await updateMacro(request.ctx, request.params.macroId, request.body) }),
  );

  app.delete(
    '/api/agent/macros/:macroId',
    { schema: { tags, params: macroParamsSchema }, preHandler },
    async (request, reply) => {
      await deleteMacro(request.ctx, request.params.macroId);
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/agent/conversations/:conversationId/macros/:macroId/apply',
    { schema: { tags, params: applyMacroParamsSchema, body: applyMacroBodySchema }, preHandler },
    (request) => applyMacro(request.ctx, request.params.conversationId, request.params.macroId, request.body),
  );
}
