import {
  createdWebhookResponseSchema,
  createWebhookBodySchema,
  updateWebhookBodySchema,
  webhookDeliveryParamsSchema,
  webhookListResponseSchema,
  webhookParamsSchema,
  webhookResponseSchema,
} from '../../contracts/public-api.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { createApiKeyAuth } from '../public-api/api-auth.ts';
import { PUBLIC_API_TAG } from '../public-api/public-api.routes.ts';
import {
  createWebhook,
  deleteWebhook,
  listWebhookDeliveries,
  listWebhooks,
  replayWebhookDelivery,
  updateWebhook,
  type WebhookSettings,
} from './webhooks.service.ts';

/**
 * Webhook endpoints, managed by admins in the console (`/api/agent/webhooks`, with the delivery log and replay) and
 * by the exchange's backend with a `webhooks:manage` key (`/api/v1/webhooks`). One set of service calls serves both:
 * `request.apiKey` is set on the second, and the service checks the key's scope or the agent's role.
 */
export function registerWebhookRoutes(app: App, deps: AppDeps): void {
  const settings: WebhookSettings = deps.config.webhooks;
  const agentAuth = createAgentAuth(deps);
  const agentTags = ['agent: integrations'];

  app.get('/api/agent/webhooks', { schema: { tags: agentTags }, preHandler: agentAuth }, async (request) => ({
    webhooks: await listWebhooks(request.ctx, undefined),
  }));
  app.post(
    '/api/agent/webhooks',
    { schema: { tags: agentTags, body: createWebhookBodySchema }, preHandler: agentAuth },
    async (request, reply) => {
      reply.status(201);
      return createWebhook(request.ctx, undefined, request.body, settings);
    },
  );
  app.patch(
    '/api/agent/webhooks/:webhookId',
    { schema: { tags: agentTags, params: webhookParamsSchema, body: updateWebhookBodySchema }, preHandler: agentAuth },
    async (request) => ({
      webhook: await updateWebhook(request.ctx, undefined, request.params.webhookId, request.body, settings),
    }),
  );
  app.delete(
    '/api/agent/webhooks/:webhookId',
    { schema: { tags: agentTags, params: webhookParamsSchema }, preHandler: agentAuth },
    async (request, reply) => {
      await deleteWebhook(request.ctx, undefined, request.params.webhookId);
      return reply.status(204).send();
    },
  );
  app.get(
    '/api/agent/webhooks/:webhookId/deliveries',
    { schema: { tags: agentTags, params: webhookParamsSchema }, preHandler: agentAuth },
    async (request) => ({ deliveries: await listWebhookDeliveries(request.ctx, undefined, request.params.webhookId) }),
  );
  app.post(
    '/api/agent/webhooks/:webhookId/deliveries/:deliveryId/replay',
    { schema: { tags: agentTags, params: webhookDeliveryParamsSchema }, preHandler: agentAuth },
    async (request) => ({
      delivery: await replayWebhookDelivery(
        request.ctx,
        undefined,
        request.params.webhookId,
        request.params.deliveryId,
        { jobs: deps.jobs, settings },
      ),
    }),
  );

  // ---------- /api/v1/webhooks (scope webhooks:manage) ----------
  const onRequest = createApiKeyAuth(deps);
  const tags = [PUBLIC_API_TAG];
  const security = [{ bearerAuth: [] }];

  app.get(
    '/api/v1/webhooks',
    {
      schema: {
        tags,
        security,
        summary: 'Webhook endpoints (scope webhooks:manage)',
        response: { 200: webhookListResponseSchema },
      },
      onRequest,
    },
    async (request) => ({ webhooks: await listWebhooks(request.ctx, request.apiKey) }),
  );
  app.post(
    '/api/v1/webhooks',
    {
      schema: {
        tags,
        security,
        summary: 'Register an https endpoint; the signing secret is shown once (scope webhooks:manage)',
        body: createWebhookBodySchema,
        response: { 201: createdWebhookResponseSchema },
      },
      onRequest,
    },
    async (request, reply) => {
      reply.status(201);
      return createWebhook(request.ctx, request.apiKey, request.body, settings);
    },
  );
  app.patch(
    '/api/v1/webhooks/:webhookId',
    {
      schema: {
        tags,
        security,
        summary: 'Change or re-enable an endpoint (scope webhooks:manage)',
        params: webhookParamsSchema,
        body: updateWebhookBodySchema,
        response: { 200: webhookResponseSchema },
      },
      onRequest,
    },
    async (request) => ({
      webhook: await updateWebhook(request.ctx, request.apiKey, request.params.webhookId, request.body, settings),
    }),
  );
  app.delete(
    '/api/v1/webhooks/:webhookId',
    {
      schema: {
        tags,
        security,
        summary: 'Remove an endpoint (scope webhooks:manage)',
        params: webhookParamsSchema,
      },
      onRequest,
    },
    async (request, reply) => {
      await deleteWebhook(request.ctx, request.apiKey, request.params.webhookId);
      return reply.status(204).send();
    },
  );
}
