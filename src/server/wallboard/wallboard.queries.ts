import type { Queryable } from '../db/db.ts';

/** Conversations the organization received since `since` (arrivals for the wallboard). */
export async function countArrivalsSince(db: Queryable, orgId: string, since: Date): Promise<number> {
  const rows = await db.query<{ n: number | string }>(
    'SELECT count(*) AS n FROM conversations WHERE org_id = $1 AND created_at >= $2',
    [orgId, since],
  );
  return Number(rows[0]?.n ?? 0);
}
