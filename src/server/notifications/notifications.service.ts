import type { Notification } from '../../contracts/tools.ts';
import { listActiveAgents } from '../auth/auth.service.ts';
import type { Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import type { DomainEventOf } from '../events/domain-events.ts';
import { findMentionedAgents } from './mentions.ts';
import { truncateText } from '../text/width.ts';
import {
  countUnreadNotifications,
  insertMentionNotifications,
  markNotificationsRead,
  type NotificationRow,
  selectNotifications,
} from './notifications.queries.ts';

function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    kind: row.kind,
    conversationId: row.conversation_id,
    conversationNumber: row.conversation_number,
    messageId: row.message_id,
    actor: { id: row.actor_id, name: row.actor_name },
    excerpt: row.excerpt,
    readAt: row.read_at ? new Date(row.read_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function requireAgent(ctx: Ctx): Extract<Ctx['actor'], { kind: 'agent' }> {
  if (ctx.actor.kind !== 'agent') throw new AppError('forbidden');
  return ctx.actor;
}

/**
 * An agent's internal note that @mentions colleagues notifies each of them (never the author): stored, then pushed to
 * their open consoles. Public replies mention nobody: the customer would see the @.
 */
export async function notifyMentions(ctx: Ctx, event: DomainEventOf<'message.created'>): Promise<Notification[]> {
  const message = event.message;
  if (!message.private || message.authorKind !== 'agent' || !message.body.includes('@')) return [];
  const agents = (await listActiveAgents(ctx)).filter((a) => !a.disabled_at && a.id !== message.authorId);
  const mentioned = findMentionedAgents(message.body, agents);
  if (mentioned.length === 0) return [];
  const rows = await insertMentionNotifications(ctx.db, ctx.org.id, {
    agentIds: mentioned.map((a) => a.id),
    conversationId: event.conversationId,
    messageId: message.id,
    actorId: message.authorId,
    actorName: message.authorName,
    excerpt: truncateText(message.body, 200),
  });
  const notifications = rows.map(toNotification);
  for (const [index, notification] of notifications.entries()) {
    ctx.events.publish({
      type: 'notification.created',
      orgId: ctx.org.id,
      agentId: rows[index].agent_id,
      notification,
    });
  }
  return notifications;
}

export async function listNotifications(
  ctx: Ctx,
  opts: { unreadOnly: boolean; limit: number },
): Promise<{ notifications: Notification[]; unreadCount: number }> {
  const actor = requireAgent(ctx);
  const [rows, unreadCount] = await Promise.all([
    selectNotifications(ctx.db, ctx.org.id, actor.id, opts),
    countUnreadNotifications(ctx.db, ctx.org.id, actor.id),
  ]);
  return { notifications: rows.map(toNotification), unreadCount };
}

/** Marks the agent's own notifications read (all of them when `ids` is null). Idempotent: read stays read. */
export async function readNotifications(ctx: Ctx, ids: string[] | null): Promise<{ unreadCount: number }> {
  const actor = requireAgent(ctx);
  // Scoped to the agent's own rows: another agent's notification id changes nothing.
  await markNotificationsRead(ctx.db, ctx.org.id, actor.id, ids);
  return { unreadCount: await countUnreadNotifications(ctx.db, ctx.org.id, actor.id) };
}
