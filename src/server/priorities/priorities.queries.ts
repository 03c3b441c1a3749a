import type { Priority } from '../../contracts/domain.ts';
import type { Queryable } from '../db/db.ts';

/** SQL only. Every function takes the organization id and filters on it. */

export type PrioritySource = 'default' | 'rule' | 'agent' | 'escalation';

/** The current priority and who set it, locking the row for the rest of the transaction. */
export async function selectPrioritySource(
  db: Queryable,
  orgId: string,
  conversationId: string,
): Promise<{ priority: Priority; priority_source: PrioritySource } | undefined> {
  const rows = await db.query<{ priority: Priority; priority_source: PrioritySource }>(
    'SELECT priority, priority_source FROM conversations WHERE org_id = $1 AND id = $2 FOR UPDATE',
    [orgId, conversationId],
  );
  return rows[0];
}

/** What the rules need beyond the bot's reading: the customer's VIP level and the message's own words. */
export async function selectPriorityContext(
  db: Queryable,
  orgId: string,
  conversationId: string,
  messageId: string,
): Promise<{ vip_level: number; body: string | null } | undefined> {
  const rows = await db.query<{ vip_level: number; body: string | null }>(
    `SELECT ct.vip_level, m.body
       FROM conversations c
       JOIN contacts ct ON ct.id = c.contact_id
       LEFT JOIN messages m ON m.org_id = c.org_id AND m.conversation_id = c.id AND m.id = $3
      WHERE c.org_id = $1 AND c.id = $2`,
    [orgId, conversationId, messageId],
  );
  return rows[0];
}
