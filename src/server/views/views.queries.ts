import type { ViewFilters } from '../../contracts/tools.ts';
import type { Queryable } from '../db/db.ts';

/** SQL only. Every function takes the organization id and filters on it. */

export type ViewRow = {
  id: string;
  owner_id: string | null;
  name: string;
  filters: ViewFilters;
  created_at: Date;
  updated_at: Date;
};

const COLUMNS = 'id, owner_id, name, filters, created_at, updated_at';

/** The agent's own views and the organization's shared ones. */
export async function selectViewsFor(db: Queryable, orgId: string, agentId: string): Promise<ViewRow[]> {
  return db.query<ViewRow>(
    `SELECT ${COLUMNS} FROM saved_views WHERE org_id = $1 AND (owner_id = $2 OR owner_id IS NULL)
      ORDER BY owner_id IS NULL, name`,
    [orgId, agentId],
  );
}

export async function selectView(db: Queryable, orgId: string, id: string): Promise<ViewRow | undefined> {
  const rows = await db.query<ViewRow>(`SELECT ${COLUMNS} FROM saved_views WHERE org_id = $1 AND id = $2`, [orgId, id]);
  return rows[0];
}

export async function insertView(
  db: Queryable,
  orgId: string,
  v: { ownerId: string | null; name: string; filters: ViewFilters },
): Promise<ViewRow> {
  const rows = await db.query<ViewRow>(
    `INSERT INTO saved_views (org_id, owner_id, name, filters) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
    [orgId, v.ownerId, v.name, JSON.stringify(v.filters)],
  );
  return rows[0];
}

export async function updateViewRow(
  db: Queryable,
  orgId: string,
  id: string,
  v: { name?: string; filters?: ViewFilters },
): Promise<ViewRow | undefined> {
  const rows = await db.query<ViewRow>(
    `UPDATE saved_views SET name = COALESCE($3, name), filters = COALESCE($4::jsonb, filters), updated_at = now()
      WHERE org_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [orgId, id, v.name ?? null, v.filters ? JSON.stringify(v.filters) : null],
  );
  return rows[0];
}

export async function deleteViewRow(db: Queryable, orgId: string, id: string): Promise<void> {
  await db.query('DELETE FROM saved_views WHERE org_id = $1 AND id = $2', [orgId, id]);
}
