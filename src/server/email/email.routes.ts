import { z } from 'zod';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { readMessageFile } from '../files/files.service.ts';

/** Agents download the files a customer's email brought, from the conversation they belong to. */
export function registerEmailRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/api/agent/conversations/:conversationId/files/:fileId',
    {
      schema: { tags: ['agent: conversations'], params: z.object({ conversationId: z.uuid(), fileId: z.uuid() }) },
      preHandler: createAgentAuth(deps),
    },
    async (request, reply) => {
      const file = await readMessageFile(request.ctx, request.params.conversationId, request.params.fileId);
      // A customer's file is never rendered by the browser as the console's own page: always a download.
      reply.header('content-type', file.contentType);
      reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('cache-control', 'private, no-store');
      return reply.send(file.data);
    },
  );
}
