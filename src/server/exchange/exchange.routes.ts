import { conversationParamsSchema } from '../../contracts/api.ts';
import { freezeExchangeAccountBodySchema } from '../../contracts/exchange.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { freezeExchangeAccount, getExchangeProfile } from './exchange.service.ts';

/** The customer's exchange account in the agent console's sidebar, and the freeze an agent may trigger. */
export function registerExchangeRoutes(app: App, deps: AppDeps): void {
  const preHandler = createAgentAuth(deps);
  const tags = ['agent: exchange'];

  app.get(
    '/api/agent/conversations/:conversationId/exchange',
    { schema: { tags, params: conversationParamsSchema }, preHandler },
    (request) => getExchangeProfile(request.ctx, request.params.conversationId),
  );

  app.post(
    '/api/agent/conversations/:conversationId/exchange/freeze',
    { schema: { tags, params: conversationParamsSchema, body: freezeExchangeAccountBodySchema }, preHandler },
    (request) => freezeExchangeAccount(request.ctx, request.params.conversationId, request.body),
  );
}
