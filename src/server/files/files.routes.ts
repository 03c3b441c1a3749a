import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { conversationParamsSchema, fileParamsSchema, uploadFileBodySchema } from '../../contracts/api.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { createVisitorAuth, visitorOf } from '../http/visitor-auth.ts';
import { limitCustomerMessage } from '../rate-limit/rate-limit.service.ts';
import {
  createFileLink,
  type FileContent,
  maxFileBytes,
  readFileByLink,
  readMessageFile,
  sendFileMessage,
} from './files.service.ts';

const agentUploadBodySchema = uploadFileBodySchema.extend({ private: z.boolean().default(false) });
const fileLinkQuerySchema = z.object({ token: z.string().min(1).max(1024) });

/**
 * A customer's file is never rendered by the browser as one of kefu's pages: always a download, its type as sniffed,
 * no sniffing by the browser, and a sandbox with nothing allowed should it be opened anyway. Every download route
 * sends through here (the agents', the widget's signed links, /api/v1).
 */
export function sendFile(reply: FastifyReply, file: FileContent): FastifyReply {
  reply.header('content-type', file.contentType);
  reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeRfc5987(file.name)}`);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('content-security-policy', "sandbox; default-src 'none'");
  reply.header('cache-control', 'private, no-store');
  return reply.send(file.data);
}

/** RFC 5987 value: encodeURIComponent leaves ' ( ) * unescaped, which the grammar does not allow. */
function encodeRfc5987(name: string): string {
  return encodeURIComponent(name).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Files of conversations: agents and customers send them as messages and download them. */
export function registerFileRoutes(app: App, deps: AppDeps): void {
  const agentAuth = createAgentAuth(deps);
  const visitorAuth = createVisitorAuth(deps);
  // base64 is 4/3 of the bytes; the rest of the JSON is small. Over the file limit is file_too_large (the service).
  const bodyLimit = Math.ceil((maxFileBytes(deps) * 4) / 3) + 64 * 1024;
  const fileDeps = { config: deps.config };

  app.post(
    '/api/agent/conversations/:conversationId/files',
    {
      schema: { tags: ['agent: conversations'], params: conversationParamsSchema, body: agentUploadBodySchema },
      preHandler: agentAuth,
      bodyLimit,
    },
    async (request, reply) => {
      const { data, ...rest } = request.body;
      const message = await sendFileMessage(request.ctx, fileDeps, request.params.conversationId, {
        ...rest,
        data: Buffer.from(data, 'base64'),
      });
      reply.status(201);
      return { message };
    },
  );

  app.get(
    '/api/agent/conversations/:conversationId/files/:fileId',
    { schema: { tags: ['agent: conversations'], params: fileParamsSchema }, preHandler: agentAuth },
    async (request, reply) =>
      sendFile(reply, await readMessageFile(request.ctx, request.params.conversationId, request.params.fileId)),
  );

  app.post(
    '/api/widget/conversations/:conversationId/files',
    {
      schema: { tags: ['widget'], params: conversationParamsSchema, body: uploadFileBodySchema },
      preHandler: visitorAuth,
      bodyLimit,
    },
    async (request, reply) => {
      await limitCustomerMessage(deps, { ip: request.ip, contactId: visitorOf(request).contactId });
      const { data, ...rest } = request.body;
      const message = await sendFileMessage(request.ctx, fileDeps, request.params.conversationId, {
        ...rest,
        data: Buffer.from(data, 'base64'),
      });
      reply.status(201);
      return { message };
    },
  );

  app.get(
    '/api/widget/conversations/:conversationId/files/:fileId/link',
    { schema: { tags: ['widget'], params: fileParamsSchema }, preHandler: visitorAuth },
    async (request) =>
      createFileLink(request.ctx, deps.visitorKey, request.params.conversationId, request.params.fileId),
  );

  // No visitor token here: the signed link in the query is the credential (see createFileLink).
  app.get(
    '/api/widget/conversations/:conversationId/files/:fileId',
    { schema: { tags: ['widget'], params: fileParamsSchema, querystring: fileLinkQuerySchema } },
    async (request, reply) =>
      sendFile(reply, await readFileByLink(deps, { ...request.params, token: request.query.token })),
  );
}
