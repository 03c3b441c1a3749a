import type { Queryable } from '../db/db.ts';

/**
 * Open conversations from the last day about deposits or withdrawals of this coin (by the bot's slot or the tags),
 * with the customer's language: who hears a platform-status announcement. At most 1,000.
 */
export async function selectConversationsAwaitingCoin(
  db: Queryable,
  orgId: string,
  coin: string,
): Promise<{ id: string; locale: string | null }[]> {
  return db.query<{ id: string; locale: string | null }>(
    `SELECT c.id, ct.locale FROM conversations c JOIN contacts ct ON ct.org_id = c.org_id AND ct.id = c.contact_id
      WHERE c.org_id = $1 AND c.status IN ('open', 'pending') AND c.last_activity_at > now() - interval '24 hours'
        AND (upper(c.bot_state->'flow'->'slots'->>'coin') = $2 OR c.tags && ARRAY['deposit', 'withdrawal'])
      LIMIT 1000`,
    [orgId, coin],
  );
}
