import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../contracts/errors.ts';
import { AppError, statusForErrorCode } from '../errors.ts';

type ValidationIssue = { instancePath?: string; message?: string; params?: { issue?: { path?: PropertyKey[] } } };

/** The one place an error becomes an HTTP response: `{ error: { code, message } }`. */
export function installErrorHandling(
  app: FastifyInstance,
  options: { spaFallback?: (request: FastifyRequest, reply: FastifyReply) => unknown } = {},
): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    const { status, code, message } = describeError(error);
    // An outage is logged where it is noticed (the pool, the job queue), not once per refused request.
    if (status >= 500 && code !== 'database_unavailable') request.log.error({ err: error }, 'request failed');
    if (error instanceof AppError && error.retryAfterSeconds !== undefined) {
      reply.header('retry-after', String(error.retryAfterSeconds));
    }
    reply.status(status).send({ error: { code, message } });
  });
  app.setNotFoundHandler((request, reply) => {
    // Client-side routes of the single-page console fall back to its index.html.
    const wantsPage =
      request.method === 'GET' && !request.url.startsWith('/api/') && request.headers.accept?.includes('text/html');
    if (wantsPage && options.spaFallback) return options.spaFallback(request, reply);
    reply
      .status(404)
      .send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` } });
  });
}

/**
 * Fastify's own refusals before any route runs (a path parameter over maxParamLength, a URL that does not decode):
 * the same `{ error: { code, message } }` as everything else. Passed as the `frameworkErrors` option in app.ts.
 */
export function sendFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const { status, code, message } = describeError(error);
  // No route ran, so neither did the hooks that set these on every other answer.
  reply.header('x-content-type-options', 'nosniff');
  reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
  reply.status(status).send({ error: { code, message } });
}

/**
 * What Node's HTTP parser refuses before Fastify sees a request (headers or URL over 16 KB: 431, a malformed request:
 * 400, too slow: 408) also answers `{ error: { code, message } }`. Passed as the `clientErrorHandler` option in app.ts.
 */
export function sendClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, reason, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'The request line or headers are too large.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'The request took too long to arrive.']
        : [400, 'Bad Request', 'The request is not valid HTTP.'];
  const body = JSON.stringify({ error: { code: 'bad_request', message } });
  if (socket.writable && (socket as Duplex & { bytesWritten?: number }).bytesWritten === 0) {
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

export function describeError(error: unknown): { status: number; code: ErrorCode; message: string } {
  if (error instanceof AppError)
    return { status: statusForErrorCode(error.code), code: error.code, message: error.message };
  const e = error as FastifyError & { validation?: ValidationIssue[]; validationContext?: string };
  if (e.validation) {
    const where = e.validationContext ?? 'input';
    const details = e.validation
      .slice(0, 5)
      .map((issue) => {
        const path =
          (issue.params as { issue?: { path?: PropertyKey[] } } | undefined)?.issue?.path?.join('.') ??
          issue.instancePath?.replace(/^\//, '').replace(/\//g, '.');
        return path ? `${where}.${path}: ${issue.message}` : `${where}: ${issue.message}`;
      })
      .join('; ');
    return { status: 400, code: 'validation_failed', message: details || 'The input is not valid.' };
  }
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'malformed_json', message: 'The request body is not valid JSON.' };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'payload_too_large', message: 'The request body is too large.' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'bad_request', message: 'Send JSON (Content-Type: application/json).' };
  }
  if (e instanceof SyntaxError)
    return { status: 400, code: 'malformed_json', message: 'The request body is not valid JSON.' };
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, code: 'bad_request', message: e.message };
  }
  return { status: 500, code: 'internal_error', message: 'Something went wrong on our side.' };
}
