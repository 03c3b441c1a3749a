import type { Queryable } from '../db/db.ts';

/**
 * When a visitor was last here: the later of their contact's last update (every widget session touches it) and their
 * conversations' last activity.
 */
export async function selectVisitorLastSeen(db: Queryable, orgId: string, contactId: string): Promise<Date | null> {
  const rows = await db.query<{ last_seen: Date | string | null }>(
    `SELECT GREATEST(c.updated_at,
                     (SELECT max(v.last_activity_at) FROM conversations v WHERE v.org_id = $1 AND v.contact_id = $2))
              AS last_seen
       FROM contacts c
      WHERE c.org_id = $1 AND c.id = $2`,
    [orgId, contactId],
  );
  const value = rows[0]?.last_seen;
  return value ? new Date(value) : null;
}
