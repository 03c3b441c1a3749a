import type { FastifyReply, FastifyRequest } from 'fastify';
import { agentActor, isCsrfTokenValid, resolveSession } from '../auth/auth.service.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from './types.ts';

export const SESSION_COOKIE = 'kefu_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Routes a session that still has to enrol in 2FA may use. */
const ENROLMENT_ROUTES = new Set([
  '/api/agent/auth/session',
  '/api/agent/auth/logout',
  '/api/agent/auth/totp/setup',
  '/api/agent/auth/totp/enable',
]);

/**
 * Marks the hook below. Routes pass it as their `preHandler`, and src/server/http/hardening.ts moves it to
 * `onRequest`, so a caller is authenticated before the body is parsed or validated: an anonymous caller gets 401 from
 * every agent route, whatever it sent, and learns nothing about what a route accepts.
 */
export const AGENT_AUTH_HOOK = Symbol('agentAuthHook');

/**
 * Every /api/agent route but login: a live session from the HTTP-only cookie, the CSRF header on anything that
 * changes state, and enrolment first where the organization requires 2FA.
 */
export function createAgentAuth(deps: AppDeps) {
  const requireAgent = async function requireAgent(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const session = await resolveSession(deps.db, request.cookies[SESSION_COOKIE]);
    if (!session) throw new AppError(request.cookies[SESSION_COOKIE] ? 'session_expired' : 'unauthenticated');
    if (!SAFE_METHODS.has(request.method)) {
      const header = request.headers['x-csrf-token'];
      if (!isCsrfTokenValid(session, Array.isArray(header) ? header[0] : header))
        throw new AppError('csrf_token_invalid');
    }
    if (session.enrollmentOnly && !ENROLMENT_ROUTES.has(request.routeOptions.url ?? '')) {
      throw new AppError('totp_enrollment_required');
    }
    request.agentSession = session;
    request.ctx = {
      db: deps.db,
      log: request.log as unknown as AppDeps['log'],
      events: deps.events,
      org: { id: session.agent.org_id },
      actor: agentActor(session.agent),
      ip: request.ip,
    };
  };
  return Object.assign(requireAgent, { [AGENT_AUTH_HOOK]: true as const });
}

export function isAgentAuthHook(hook: unknown): boolean {
  return typeof hook === 'function' && AGENT_AUTH_HOOK in hook;
}
