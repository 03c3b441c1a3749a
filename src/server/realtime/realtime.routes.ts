import type { RawData, WebSocket } from 'ws';
import { z } from 'zod';
import { resolveSession } from '../auth/auth.service.ts';
import { AppError } from '../errors.ts';
import { SESSION_COOKIE } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { seesPii } from '../privacy/pii-policy.ts';
import { visitorOfSocket } from '../http/visitor-auth.ts';

/** Close codes in the 4000 range tell the client not to retry with the same credentials. */
const CLOSE_UNAUTHENTICATED = 4401;
/** "Try again later" (RFC 6455): the database could not be asked who this is; the client reconnects with backoff. */
const CLOSE_TRY_AGAIN_LATER = 1013;

/** Who is connecting, or undefined when the database is unavailable (the socket is then closed as try-again-later). */
async function identify<T>(socket: WebSocket, lookUp: () => Promise<T>): Promise<{ found: T } | undefined> {
  try {
    return { found: await lookUp() };
  } catch (error) {
    socket.close(CLOSE_TRY_AGAIN_LATER, error instanceof AppError ? error.code : 'internal_error');
    if (!(error instanceof AppError)) throw error;
    return undefined;
  }
}

export function registerRealtimeRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/api/widget/ws',
    { websocket: true, schema: { hide: true, querystring: z.object({ token: z.string().max(2048) }) } },
    async (socket, request) => {
      const early = holdEarlyMessages(socket);
      const looked = await identify(socket, () => visitorOfSocket(deps, request.query.token));
      if (!looked) return;
      const visitor = looked.found;
      if (!visitor) {
        socket.close(CLOSE_UNAUTHENTICATED, 'visitor_token_invalid');
        return;
      }
      deps.gateway.accept(
        socket,
        { role: 'customer', orgId: visitor.orgId, contactId: visitor.contactId, name: visitor.name, ip: request.ip },
        early.release(),
      );
    },
  );

  app.get('/api/agent/ws', { websocket: true, schema: { hide: true } }, async (socket, request) => {
    const early = holdEarlyMessages(socket);
    // A cookie-authenticated socket must come from our own pages: refuse cross-site WebSocket hijacking.
    if (!isSameOrigin(request.headers.origin, request.headers.host)) {
      socket.close(CLOSE_UNAUTHENTICATED, 'origin_not_allowed');
      return;
    }
    const looked = await identify(socket, () => resolveSession(deps.db, request.cookies[SESSION_COOKIE]));
    if (!looked) return;
    const session = looked.found;
    if (!session || session.enrollmentOnly) {
      socket.close(CLOSE_UNAUTHENTICATED, 'unauthenticated');
      return;
    }
    const agent = session.agent;
    deps.gateway.accept(
      socket,
      {
        role: 'agent',
        orgId: agent.org_id,
        agentId: agent.id,
        name: agent.name,
        agentRole: agent.role,
        seesPii: seesPii({
          kind: 'agent',
          id: agent.id,
          name: agent.name,
          role: agent.role,
          permissions: agent.permissions,
        }),
      },
      early.release(),
    );
  });
}

function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * Clients send `subscribe` the moment the socket opens, while we are still authenticating: keep those frames and
 * hand them to the gateway instead of dropping them.
 */
function holdEarlyMessages(socket: WebSocket) {
  const held: RawData[] = [];
  const hold = (data: RawData) => held.push(data);
  socket.on('message', hold);
  return {
    release() {
      socket.off('message', hold);
      return held;
    },
  };
}
