import type { FastifyReply, FastifyRequest } from 'fastify';
import { authenticateVisitor, findVisitorBySocketToken, type SocketVisitor } from '../visitors/visitors.service.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from './types.ts';

/** The widget's visitor token, sent as `Authorization: Bearer <token>`. */
function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/**
 * Every /api/widget route that acts for a customer: the visitor token (signed by us, unexpired, naming a contact of an
 * organization with a web inbox) becomes `request.ctx` (the customer as actor) and `request.visitor` (the contact and
 * the inbox the widget chats through), or the request fails with `visitor_token_invalid`.
 *
 * Routes pass it as their `preHandler`: it runs after the route's input is validated, so a malformed request is
 * answered 400 whatever token it carries (unlike the agent session check, it is not moved to `onRequest`).
 */
export function createVisitorAuth(deps: Pick<AppDeps, 'db' | 'log' | 'events' | 'visitorKey'>) {
  return async function requireVisitor(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const visitor = await authenticateVisitor(deps, bearerToken(request));
    request.ctx = { db: deps.db, log: deps.log, events: deps.events, ip: request.ip, ...visitor };
    request.visitor = {
      contactId: visitor.actor.kind === 'customer' ? visitor.actor.contactId : '',
      inboxId: visitor.inboxId,
    };
  };
}

/** The contact and inbox of a request the visitor-auth pre-handler let through (a route without it gets a 401). */
export function visitorOf(request: FastifyRequest): { contactId: string; inboxId: string } {
  if (!request.visitor) throw new AppError('visitor_token_invalid');
  return request.visitor;
}

/**
 * The widget's WebSocket sends its visitor token in the query string (a browser cannot set headers on a WebSocket);
 * undefined when the token is not ours, has expired or names no contact, and the caller closes the socket.
 */
export function visitorOfSocket(
  deps: Pick<AppDeps, 'db' | 'visitorKey'>,
  token: string,
): Promise<SocketVisitor | undefined> {
  return findVisitorBySocketToken(deps, token);
}
