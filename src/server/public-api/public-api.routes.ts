import { z } from 'zod';
import {
  apiConversationListResponseSchema,
  apiConversationParamsSchema,
  apiConversationResponseSchema,
  apiFileParamsSchema,
  apiKeyParamsSchema,
  apiMessageResponseSchema,
  contactParamsSchema,
  createApiKeyBodySchema,
  listApiConversationsQuerySchema,
  openConversationBodySchema,
  postApiMessageBodySchema,
  upsertContactBodySchema,
  upsertContactResponseSchema,
} from '../../contracts/public-api.ts';
import { sendFile } from '../files/files.routes.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { apiKeyOf, createApiKeyAuth } from './api-auth.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.service.ts';
import {
  getApiConversation,
  listApiConversations,
  openConversation,
  postApiMessage,
  readApiFile,
  upsertContact,
} from './public-api.service.ts';

export const PUBLIC_API_TAG = 'public API v1';

const security = [{ bearerAuth: [] }];
const errorExample = z
  .object({ error: z.object({ code: z.string(), message: z.string() }) })
  .meta({ example: { error: { code: 'forbidden', message: 'This API key lacks the scope conversations:write.' } } });

/** The admins' API-key management (`/api/agent/api-keys`) and the exchange's REST API (`/api/v1`). */
export function registerPublicApiRoutes(app: App, deps: AppDeps): void {
  app.decorateRequest('apiKey', undefined);
  const preHandler = createAgentAuth(deps);
  const agentTags = ['agent: integrations'];

  app.get('/api/agent/api-keys', { schema: { tags: agentTags }, preHandler }, async (request) => ({
    apiKeys: await listApiKeys(request.ctx),
  }));
  app.post(
    '/api/agent/api-keys',
    { schema: { tags: agentTags, body: createApiKeyBodySchema }, preHandler },
    async (request, reply) => {
      reply.status(201);
      return createApiKey(request.ctx, request.body);
    },
  );
  app.delete(
    '/api/agent/api-keys/:keyId',
    { schema: { tags: agentTags, params: apiKeyParamsSchema }, preHandler },
    async (request) => ({ apiKey: await revokeApiKey(request.ctx, request.params.keyId) }),
  );

  const onRequest = createApiKeyAuth(deps);
  const tags = [PUBLIC_API_TAG];
  const errors = { 401: errorExample, 403: errorExample, 404: errorExample, 429: errorExample };

  app.put(
    '/api/v1/contacts/:exchangeUid',
    {
      schema: {
        tags,
        security,
        summary: 'Create or update a customer by exchange UID (scope contacts:write)',
        params: contactParamsSchema,
        body: upsertContactBodySchema,
        response: { 200: upsertContactResponseSchema, 201: upsertContactResponseSchema, ...errors },
      },
      onRequest,
    },
    async (request, reply) => {
      const result = await upsertContact(request.ctx, apiKeyOf(request), request.params.exchangeUid, request.body);
      reply.status(result.created ? 201 : 200);
      return result;
    },
  );

  app.post(
    '/api/v1/conversations',
    {
      schema: {
        tags,
        security,
        summary: 'Open a conversation with a customer, as the exchange (scope conversations:write)',
        body: openConversationBodySchema,
        response: { 201: apiConversationResponseSchema, ...errors },
      },
      onRequest,
    },
    async (request, reply) => {
      reply.status(201);
      return openConversation(request.ctx, apiKeyOf(request), request.body);
    },
  );

  app.post(
    '/api/v1/conversations/:conversationId/messages',
    {
      schema: {
        tags,
        security,
        summary: 'Write in a conversation, as the exchange (scope conversations:write)',
        params: apiConversationParamsSchema,
        body: postApiMessageBodySchema,
        response: { 201: apiMessageResponseSchema, ...errors },
      },
      onRequest,
    },
    async (request, reply) => {
      reply.status(201);
      return {
        message: await postApiMessage(request.ctx, apiKeyOf(request), request.params.conversationId, request.body),
      };
    },
  );

  app.get(
    '/api/v1/conversations',
    {
      schema: {
        tags,
        security,
        summary: "A customer's conversations, latest activity first (scope conversations:read)",
        querystring: listApiConversationsQuerySchema,
        response: { 200: apiConversationListResponseSchema, ...errors },
      },
      onRequest,
    },
    async (request) => ({
      conversations: await listApiConversations(request.ctx, apiKeyOf(request), request.query),
    }),
  );

  app.get(
    '/api/v1/conversations/:conversationId',
    {
      schema: {
        tags,
        security,
        summary: 'A conversation with its public messages, never private notes (scope conversations:read)',
        params: apiConversationParamsSchema,
        response: { 200: apiConversationResponseSchema, ...errors },
      },
      onRequest,
    },
    async (request) => getApiConversation(request.ctx, apiKeyOf(request), request.params.conversationId),
  );

  app.get(
    '/api/v1/conversations/:conversationId/files/:fileId',
    {
      schema: {
        tags,
        security,
        summary: "A message's file: the url in a message's attachments (scope conversations:read)",
        description:
          "The stored bytes, always as a download: Content-Type as sniffed from the bytes (never the sender's label), " +
          'Content-Disposition attachment with the file name, X-Content-Type-Options nosniff, a sandbox CSP and ' +
          'Cache-Control private, no-store. Files of private notes, and any of another organization, are 404.',
        params: apiFileParamsSchema,
        response: {
          200: z.string().meta({ format: 'binary', description: "The file's bytes" }),
          ...errors,
        },
      },
      onRequest,
    },
    async (request, reply) =>
      sendFile(
        reply,
        await readApiFile(request.ctx, apiKeyOf(request), request.params.conversationId, request.params.fileId),
      ),
  );
}
