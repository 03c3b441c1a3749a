import { z } from 'zod';
import { officialChannelBodySchema, verifyQuerySchema } from '../../contracts/self-service.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { addOfficialChannel, listOfficialChannels, removeOfficialChannel, verifyChannels } from './trust.service.ts';

/** The official-channel registry for agents, and the public check customers use against impersonators. */
export function registerTrustRoutes(app: App, deps: AppDeps): void {
  const preHandler = createAgentAuth(deps);
  const tags = ['agent: self-service'];

  app.get('/api/agent/official-channels', { schema: { tags }, preHandler }, async (request) => ({
    channels: await listOfficialChannels(request.ctx),
  }));
  app.post(
    '/api/agent/official-channels',
    { schema: { tags, body: officialChannelBodySchema }, preHandler },
    async (request, reply) => {
      const channel = await addOfficialChannel(request.ctx, request.body);
      reply.status(201);
      return { channel };
    },
  );
  app.delete(
    '/api/agent/official-channels/:channelId',
    { schema: { tags, params: z.object({ channelId: z.uuid() }) }, preHandler },
    async (request) => {
      await removeOfficialChannel(request.ctx, request.params.channelId);
      return { ok: true };
    },
  );

  app.get('/api/widget/verify', { schema: { tags: ['widget'], querystring: verifyQuerySchema } }, async (request) => ({
    results: await verifyChannels(deps, request.query.org, request.query.value),
  }));
}
