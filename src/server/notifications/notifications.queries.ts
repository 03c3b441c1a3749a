import type { Queryable } from '../db/db.ts';

/** SQL only. Every function takes the organization id and filters on it. */

export type NotificationRow = {
  id: string;
  agent_id: string;
  kind: 'mention';
  conversation_id: string;
  conversation_number: number;
  message_id: string;
  actor_id: string | null;
  actor_name: string | null;
  excerpt: string;
  read_at: Date | null;
  created_at: Date;
};

const SELECT = `
  SELECT n.id, n.agent_id, n.kind, n.conversation_id, c.number AS conversation_number, n.message_id, n.actor_id,
         n.actor_name, n.excerpt, n.read_at, n.created_at
    FROM notifications n JOIN conversations c ON c.id = n.conversation_id`;

/** Inserts one mention per agent; a repeat (same message, same agent) is skipped. Returns the rows inserted. */
export async function insertMentionNotifications(
  db: Queryable,
  orgId: string,
  n: {
    agentIds: string[];
    conversationId: string;
    messageId: string;
    actorId: string | null;
    actorName: string | null;
    excerpt: string;
  },
): Promise<NotificationRow[]> {
  return db.query<NotificationRow>(
    `WITH inserted AS (
       INSERT INTO notifications (org_id, agent_id, kind, conversation_id, message_id, actor_id, actor_name, excerpt)
       SELECT $1, a.id, 'mention', $3, $4, $5, $6, $7
         FROM agents a WHERE a.org_id = $1 AND a.id = ANY($2::uuid[])
       ON CONFLICT (agent_id, message_id, kind) DO NOTHING
       RETURNING *
     )
     SELECT i.id, i.agent_id, i.kind, i.conversation_id, c.number AS conversation_number, i.message_id, i.actor_id,
            i.actor_name, i.excerpt, i.read_at, i.created_at
       FROM inserted i JOIN conversations c ON c.id = i.conversation_id`,
    [orgId, n.agentIds, n.conversationId, n.messageId, n.actorId, n.actorName, n.excerpt],
  );
}

export async function selectNotifications(
  db: Queryable,
  orgId: string,
  agentId: string,
  opts: { unreadOnly: boolean; limit: number },
): Promise<NotificationRow[]> {
  return db.query<NotificationRow>(
    `${SELECT} WHERE n.org_id = $1 AND n.agent_id = $2 AND (NOT $3::boolean OR n.read_at IS NULL)
      ORDER BY n.created_at DESC, n.id DESC LIMIT $4`,
    [orgId, agentId, opts.unreadOnly, opts.limit],
  );
}

export async function countUnreadNotifications(db: Queryable, orgId: string, agentId: string): Promise<number> {
  const rows = await db.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM notifications WHERE org_id = $1 AND agent_id = $2 AND read_at IS NULL',
    [orgId, agentId],
  );
  return rows[0]?.count ?? 0;
}

/** Marks the agent's own notifications read (`ids` null = all); returns how many changed. */
export async function markNotificationsRead(
  db: Queryable,
  orgId: string,
  agentId: string,
  ids: string[] | null,
): Promise<number> {
  const rows = await db.query<{ id: string }>(
    `UPDATE notifications SET read_at = now()
      WHERE org_id = $1 AND agent_id = $2 AND read_at IS NULL AND ($3::uuid[] IS NULL OR id = ANY($3::uuid[]))
  RETURNING id`,
    [orgId, agentId, ids],
  );
  return rows.length;
}
