import type { Queryable } from '../db/db.ts';

/** GET /api/health: the database answers. Not an organization's data, so no org_id. */
export async function pingDatabase(db: Queryable): Promise<void> {
  await db.query('SELECT 1');
}
