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
