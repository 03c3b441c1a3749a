import type { Clock } from '../clock.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { positionMemoryFor } from '../routing/routing.listener.ts';
import { createForecastMemo, getWallboard } from './wallboard.service.ts';

/** The live wallboard for supervisors and admins (the console refetches it on realtime events). */
export function registerWallboardRoutes(app: App, deps: AppDeps & { clock: Clock }): void {
  const preHandler = createAgentAuth(deps);
  const board = {
    db: deps.db,
    log: deps.log,
    events: deps.events,
    clock: deps.clock,
    positions: positionMemoryFor(deps.events),
    forecasts: createForecastMemo(),
  };
  app.get('/api/agent/wallboard', { schema: { tags: ['agent: wallboard'] }, preHandler }, (request) =>
    getWallboard(request.ctx, { ...board, db: request.ctx.db }),
  );
}
