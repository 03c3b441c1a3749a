import type { Priority } from '../../contracts/domain.ts';
import type { Queryable } from '../db/db.ts';

/** SQL only. Every function takes the organization id and filters on it. */

export type PrioritySource = 'default' | 'rule' | 'agent' | 'escalation';

const RANK = (column: string) =>
  `CASE ${column} WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'normal' THEN 2 ELSE 1 END`;

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

export async function markPrioritySetByAgent(
  db: Queryable,
  orgId: string,
  conversationId: string,
  reason: string | null,
): Promise<void> {
  await db.query(
    `UPDATE conversations SET priority_source = 'agent', priority_reason = $3 WHERE org_id = $1 AND id = $2`,
    [orgId, conversationId, reason],
  );
}

/**
 * Raises (never lowers) the priority to what the rules decided. A priority an agent set by hand is left alone, except
 * that funds at risk still make it urgent. Returns the previous priority when it changed.
 */
export async function raisePriorityByRule(
  db: Queryable,
  orgId: string,
  conversationId: string,
  change: { priority: Priority; reasons: string[]; fundsAtRisk: boolean },
): Promise<{ prev_priority: Priority } | undefined> {
  const rows = await db.query<{ prev_priority: Priority }>(
    `UPDATE conversations c
        SET priority = $3, priority_source = 'rule', priority_reason = $4, updated_at = now()
       FROM (SELECT id, priority FROM conversations WHERE org_id = $1 AND id = $2 FOR UPDATE) prev
      WHERE c.id = prev.id
        AND ${RANK('$3')} > ${RANK('c.priority')}
        AND (c.priority_source <> 'agent' OR ($5::boolean AND $3 = 'urgent'))
  RETURNING prev.priority AS prev_priority`,
    [orgId, conversationId, change.priority, change.reasons.join(', '), change.fundsAtRisk],
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
