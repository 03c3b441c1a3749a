import crypto from 'node:crypto';
import type { FastifyRequest, RouteOptions } from 'fastify';
import { AppError } from '../errors.ts';
import { isAgentAuthHook } from './agent-auth.ts';
import { exceedsInputDepth, findInvalidText, INVALID_TEXT_MESSAGE, MAX_INPUT_DEPTH } from './text-rules.ts';
import type { App } from './types.ts';

/**
 * Every HTML page (the console, /demo, the help pages): scripts from our own origin only, no inline script or event
 * handler, never framed. Styles allow `'unsafe-inline'` because the help pages and /demo carry a <style> element and
 * style attributes, and the widget (on /demo) styles its Shadow DOM with a <style> element; inline style cannot run
 * script. (@fastify/helmet would do the same headers but defaults to `Cross-Origin-Resource-Policy: same-origin`,
 * which breaks /widget.js on exchange sites, and knows nothing of HTML vs JSON; one hook here is clearer.)
 */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  // 'self' covers ws:/wss: to our own host (CSP Level 3), which is all the console and the widget connect to.
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
/** JSON, scripts and text are never documents: opened directly, nothing in them may load, run or be framed. */
const NON_PAGE_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * One registered route: what the authorisation matrix and the API fuzz enumerate (HEAD twins of GET routes left out).
 * `schema` holds the route's zod input schemas, from which test/integration/fuzz-api.test.ts builds nearly-valid input.
 */
export type RegisteredRoute = {
  method: string;
  url: string;
  websocket: boolean;
  schema: { body?: unknown; querystring?: unknown; params?: unknown };
};
const routeTables = new WeakMap<object, RegisteredRoute[]>();

/**
 * Every route registered on `app` since installRequestHardening, in registration order. Fastify has no public list of
 * its routes (printRoutes draws a tree); test/integration/authorization-matrix.test.ts needs one to fail on a route
 * nobody wrote an expectation for.
 */
export function registeredRoutes(app: App): readonly RegisteredRoute[] {
  return routeTables.get(app) ?? [];
}

const toArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Hooks every route gets, installed before any route is registered:
 * - the agent session check (src/server/http/agent-auth.ts) runs on request, before the body is parsed and the input
 *   validated, so an anonymous caller gets 401 from every agent route whatever it sent;
 * - every string in a body, query or path passes the one text rule (src/server/http/text-rules.ts) before the route's
 *   schema sees it, so the error names the rule rather than some later failure;
 * - security headers on every response.
 */
export function installRequestHardening(app: App): void {
  const table: RegisteredRoute[] = [];
  routeTables.set(app, table);
  app.addHook('onRoute', (route: RouteOptions) => {
    for (const method of toArray(route.method)) {
      // A HEAD route is a GET's twin (Fastify's own, or a static plugin's) with its handler and hooks.
      if (method === 'HEAD') continue;
      const { body, querystring, params } = (route.schema ?? {}) as RegisteredRoute['schema'];
      table.push({
        method,
        url: route.url,
        websocket: Boolean((route as { websocket?: boolean }).websocket),
        schema: { body, querystring, params },
      });
    }
    const preHandlers = toArray(route.preHandler);
    const auth = preHandlers.filter(isAgentAuthHook);
    if (auth.length === 0) return;
    // Route-level onRequest hooks run after the app's own (cookies are parsed by then).
    route.onRequest = [...toArray(route.onRequest), ...auth] as RouteOptions['onRequest'];
    const rest = preHandlers.filter((hook) => !isAgentAuthHook(hook));
    route.preHandler = rest.length > 0 ? (rest as RouteOptions['preHandler']) : undefined;
  });
  app.addHook('preValidation', async (request) => {
    if (exceedsInputDepth(request.body) || exceedsInputDepth(request.query)) {
      throw new AppError('validation_failed', `input nests deeper than ${MAX_INPUT_DEPTH} levels`);
    }
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
    // A route that sets its own policy keeps it; every other response gets ours. A 304 carries none: it has no
    // content type to tell a page from JSON, and the browser would write its policy over the cached page's, so a
    // reload of the console came back blank under `default-src 'none'`.
    if (reply.statusCode !== 304 && !reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', type.startsWith('text/html') ? PAGE_CSP : NON_PAGE_CSP);
    }
    // Nothing of ours is meant to be framed: the widget embeds by a <script> tag into a Shadow DOM (no iframe), and
    // /widget.js and /api/widget/* are fetched by the host page, which framing headers do not affect.
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
