import type { MacroActions, MacroLanguage } from '../../contracts/tools.ts';
import type { Queryable } from '../db/db.ts';

/** SQL only. Every function takes the organization id and filters on it. */

export type MacroRow = {
  id: string;
  name: string;
  shortcut: string;
  bodies: Partial<Record<MacroLanguage, string>>;
  actions: MacroActions;
  created_at: Date;
  updated_at: Date;
};

const COLUMNS = 'id, name, shortcut, bodies, actions, created_at, updated_at';

export async function selectMacros(db: Queryable, orgId: string): Promise<MacroRow[]> {
  return db.query<MacroRow>(`SELECT ${COLUMNS} FROM macros WHERE org_id = $1 ORDER BY shortcut`, [orgId]);
}

export async function selectMacro(db: Queryable, orgId: string, id: string): Promise<MacroRow | undefined> {
  const rows = await db.query<MacroRow>(`SELECT ${COLUMNS} FROM macros WHERE org_id = $1 AND id = $2`, [orgId, id]);
  return rows[0];
}

export async function insertMacro(
  db: Queryable,
  orgId: string,
  m: { name: string; shortcut: string; bodies: object; actions: object; createdBy: string | null },
): Promise<MacroRow> {
  const rows = await db.query<MacroRow>(
    `INSERT INTO macros (org_id, name, shortcut, bodies, actions, created_by) VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING ${COLUMNS}`,
    [orgId, m.name, m.shortcut, JSON.stringify(m.bodies), JSON.stringify(m.actions), m.createdBy],
  );
  return rows[0];
}

export async function updateMacroRow(
  db: Queryable,
  orgId: string,
  id: string,
  m: { name?: string; shortcut?: string; bodies?: object; actions?: object },
): Promise<MacroRow | undefined> {
  const rows = await db.query<MacroRow>(
    `UPDATE macros
        SET name = COALESCE($3, name), shortcut = COALESCE($4, shortcut),
            bodies = COALESCE($5::jsonb, bodies), actions = COALESCE($6::jsonb, actions), updated_at = now()
      WHERE org_id = $1 AND id = $2
  RETURNING ${COLUMNS}`,
    [
      orgId,
      id,
      m.name ?? null,
      m.shortcut ?? null,
      m.bodies ? JSON.stringify(m.bodies) : null,
      m.actions ? JSON.stringify(m.actions) : null,
    ],
  );
  return rows[0];
}

export async function deleteMacroRow(db: Queryable, orgId: string, id: string): Promise<boolean> {
  const rows = await db.query<{ id: string }>('DELETE FROM macros WHERE org_id = $1 AND id = $2 RETURNING id', [
    orgId,
    id,
  ]);
  return rows.length > 0;
}
