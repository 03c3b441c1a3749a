import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../http/types.ts';
import { type ApiKeyPrincipal, authenticateApiKey } from './api-keys.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on /api/v1 routes by the API-key hook below: the key the exchange's backend called with. */
    apiKey: ApiKeyPrincipal | undefined;
  }
}

/**
 * Every /api/v1 route: `Authorization: Bearer kefu_live_…` names a live key (unknown or revoked: 401
 * `api_key_invalid`), which becomes `request.apiKey` and `request.ctx` (its organization; the actor is the system —
 * the exchange, not a person), within the key's per-minute budget (429 `rate_limited` with Retry-After). It runs on
 * request, before the body is parsed, so an unauthenticated caller learns nothing about what a route accepts.
 * Which scopes a route needs is checked by the service it calls.
 */
export function createApiKeyAuth(deps: Pick<AppDeps, 'db' | 'log' | 'events' | 'rateLimiter' | 'config'>) {
  return async function requireApiKey(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const key = await authenticateApiKey(deps.db, token);
    const retryAfterSeconds = await deps.rateLimiter.take([
      { bucket: `api.key:${key.id}`, limit: deps.config.apiRateLimitPerMinute, windowSeconds: 60 },
    ]);
    if (retryAfterSeconds > 0) throw new AppError('rate_limited', undefined, { retryAfterSeconds });
    request.apiKey = key;
    request.ctx = {
      db: deps.db,
      log: request.log as unknown as AppDeps['log'],
      events: deps.events,
      org: { id: key.orgId },
      actor: { kind: 'system' },
      ip: request.ip,
    };
  };
}

/** The key of a request the hook let through. */
export function apiKeyOf(request: FastifyRequest): ApiKeyPrincipal {
  if (!request.apiKey) throw new AppError('api_key_invalid');
  return request.apiKey;
}
