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
 * Every /api/agent route but login: a live session from the HTTP-only cookie, the CSRF header on anything that
 * changes state, and enrolment first where the organization requires 2FA.
 */
export function createAgentAuth(deps: AppDeps) {
  return async function requireAgent(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
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
}
