import { z } from 'zod';
import { loginBodySchema, totpEnableBodySchema } from '../../contracts/api.ts';
import { AGENT_PERMISSIONS } from '../../contracts/domain.ts';
import { createAgentAuth, SESSION_COOKIE } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import {
  enableTotp,
  getSessionInfo,
  login,
  logout,
  SESSION_TTL_SECONDS,
  setAgentPermissions,
  setupTotp,
} from './auth.service.ts';

export function registerAuthRoutes(app: App, deps: AppDeps): void {
  const requireAgent = createAgentAuth(deps);
  const tags = ['agent: auth'];

  app.post('/api/agent/auth/login', { schema: { tags, body: loginBodySchema } }, async (request, reply) => {
    const { token, session } = await login(
      { db: deps.db, maxFailures: deps.config.loginMaxFailures },
      { ...request.body, ip: request.ip, userAgent: request.headers['user-agent'] ?? null },
    );
    const secure =
      deps.config.cookieSecure === 'auto' ? request.protocol === 'https' : deps.config.cookieSecure === 'true';
    reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure,
      path: '/',
      maxAge: SESSION_TTL_SECONDS,
    });
    return getSessionInfo(deps.db, session);
  });

  app.get('/api/agent/auth/session', { schema: { tags }, preHandler: requireAgent }, async (request) => {
    return getSessionInfo(deps.db, request.agentSession!);
  });

  app.post('/api/agent/auth/logout', { schema: { tags }, preHandler: requireAgent }, async (request, reply) => {
    await logout(request.ctx, request.agentSession!);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.put(
    '/api/agent/agents/:agentId/permissions',
    {
      schema: {
        tags: ['agent: team'],
        params: z.object({ agentId: z.uuid() }),
        body: z.object({ permissions: z.array(z.enum(AGENT_PERMISSIONS)).max(AGENT_PERMISSIONS.length) }),
      },
      preHandler: requireAgent,
    },
    async (request) => ({
      agent: await setAgentPermissions(request.ctx, request.params.agentId, request.body.permissions),
    }),
  );

  app.post('/api/agent/auth/totp/setup', { schema: { tags }, preHandler: requireAgent }, async (request) => {
    return setupTotp(request.ctx, request.agentSession!);
  });

  app.post(
    '/api/agent/auth/totp/enable',
    { schema: { tags, body: totpEnableBodySchema }, preHandler: requireAgent },
    async (request) => {
      await enableTotp(request.ctx, request.agentSession!, request.body.code);
      return { ok: true };
    },
  );
}
