import crypto from 'node:crypto';
import type { FastifyRequest, RouteOptions } from 'fastify';
import { AppError } from '../errors.ts';
import { findInvalidText, INVALID_TEXT_MESSAGE } from './text-rules.ts';
import type { App } from './types.ts';

/**
 * The console: scripts and styles from our own origin only, never framed. React sets styles through the DOM (style
 * properties), which CSP allows; `'unsafe-inline'` for styles covers the help pages' <style> element and Vite's
 * injected CSS without opening script execution.
 */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
/** JSON and scripts are never documents: nothing may run or be framed from them. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

const toArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Hooks every route gets, installed before any route is registered:
 * - agent routes authenticate before they validate, so an anonymous caller learns nothing about a route's input;
 * - every string in a body, query or path passes the one text rule (src/server/http/text-rules.ts);
 * - security headers on every response.
 */
export function installRequestHardening(app: App): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.url.startsWith('/api/agent/') || !route.preHandler) return;
    route.preValidation = [
      ...toArray(route.preValidation),
      ...toArray(route.preHandler),
    ] as RouteOptions['preValidation'];
    route.preHandler = undefined;
  });
  app.addHook('preHandler', async (request) => {
    const invalidAt =
      findInvalidText(request.params, 'params') ??
      findInvalidText(request.query, 'querystring') ??
      findInvalidText(request.body, 'body');
    if (invalidAt) throw new AppError('invalid_characters', `${invalidAt}: ${INVALID_TEXT_MESSAGE}`);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    if (!reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', type.startsWith('text/html') ? PAGE_CSP : API_CSP);
    }
    // /widget.js and /api/widget/* are fetched by the exchange's own pages; nothing of ours is meant to be framed.
    reply.header('x-frame-options', 'DENY');
    if (request.protocol === 'https') reply.header('strict-transport-security', 'max-age=15552000');
    return payload;
  });
}

/** /metrics: with KEFU_METRICS_TOKEN, only `Authorization: Bearer <token>`; without it, only this machine. */
export function metricsAccess(token: string | undefined) {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  return async function requireMetricsAccess(request: FastifyRequest): Promise<void> {
    if (expected) {
      const given = Buffer.from(request.headers.authorization ?? '');
      if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
        throw new AppError('unauthenticated', 'Send Authorization: Bearer <KEFU_METRICS_TOKEN>.');
      }
      return;
    }
    // request.ip, not the socket: behind a trusted proxy on this machine every socket is loopback.
    if (!isLoopback(request.ip)) {
      throw new AppError('forbidden', 'Set KEFU_METRICS_TOKEN to read /metrics from another machine.');
    }
  };
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
