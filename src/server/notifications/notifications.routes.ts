import { markNotificationsReadBodySchema, notificationsQuerySchema } from '../../contracts/tools.ts';
import { createAgentAuth } from '../http/agent-auth.ts';
import type { App, AppDeps } from '../http/types.ts';
import { listNotifications, readNotifications } from './notifications.service.ts';

export function registerNotificationRoutes(app: App, deps: AppDeps): void {
  const preHandler = createAgentAuth(deps);
  const tags = ['agent: notifications'];

  app.get(
    '/api/agent/notifications',
    { schema: { tags, querystring: notificationsQuerySchema }, preHandler },
    (request) =>
      listNotifications(request.ctx, { unreadOnly: request.query.unread === 'true', limit: request.query.limit }),
  );

  app.post(
    '/api/agent/notifications/read',
    { schema: { tags, body: markNotificationsReadBodySchema }, preHandler },
    (request) => readNotifications(request.ctx, request.body.ids ?? null),
  );
}
