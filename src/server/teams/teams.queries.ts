import type { Queryable } from '../db/db.ts';

/** SQL only. Every function takes the organization id and filters on it. */

export type TeamRow = {
  id: string;
  name: string;
  skills: string[];
  member_ids: string[];
  overflow_team_id: string | null;
  overflow_after_seconds: number | null;
};

const TEAM_SELECT = `
  SELECT t.id, t.name, t.skills, t.overflow_team_id, t.overflow_after_seconds,
         ARRAY(SELECT tm.agent_id FROM team_members tm WHERE tm.org_id = t.org_id AND tm.team_id = t.id
                ORDER BY tm.agent_id) AS member_ids
    FROM teams t`;

export async function selectTeams(db: Queryable, orgId: string): Promise<TeamRow[]> {
  return db.query<TeamRow>(`${TEAM_SELECT} WHERE t.org_id = $1 ORDER BY t.name`, [orgId]);
}

export async function selectTeam(db: Queryable, orgId: string, teamId: string): Promise<TeamRow | undefined> {
  const rows = await db.query<TeamRow>(`${TEAM_SELECT} WHERE t.org_id = $1 AND t.id = $2`, [orgId, teamId]);
  return rows[0];
}

export async function insertTeam(
  db: Queryable,
  orgId: string,
  t: { name: string; skills: string[]; overflowTeamId: string | null; overflowAfterSeconds: number | null },
): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO teams (org_id, name, skills, overflow_team_id, overflow_after_seconds)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [orgId, t.name, t.skills, t.overflowTeamId, t.overflowAfterSeconds],
  );
  return rows[0].id;
}

export async function updateTeamFields(
  db: Queryable,
  orgId: string,
  teamId: string,
  t: {
    name?: string;
    skills?: string[];
    overflowTeamId?: string | null;
    overflowAfterSeconds?: number | null;
  },
): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `UPDATE teams
        SET name = COALESCE($3, name),
            skills = COALESCE($4::text[], skills),
            overflow_team_id = CASE WHEN $5::boolean THEN $6::uuid ELSE overflow_team_id END,
            overflow_after_seconds = CASE WHEN $7::boolean THEN $8::integer ELSE overflow_after_seconds END,
            updated_at = now()
      WHERE org_id = $1 AND id = $2 RETURNING id`,
    [
      orgId,
      teamId,
      t.name ?? null,
      t.skills ?? null,
      t.overflowTeamId !== undefined,
      t.overflowTeamId ?? null,
      t.overflowAfterSeconds !== undefined,
      t.overflowAfterSeconds ?? null,
    ],
  );
  return rows.length > 0;
}

/** Replaces the members with exactly these agents (only agents of the org are kept). */
export async function replaceTeamMembers(
  db: Queryable,
  orgId: string,
  teamId: string,
  agentIds: string[],
): Promise<void> {
  await db.query('DELETE FROM team_members WHERE org_id = $1 AND team_id = $2', [orgId, teamId]);
  await db.query(
    `INSERT INTO team_members (org_id, team_id, agent_id)
     SELECT $1, $2, a.id FROM agents a WHERE a.org_id = $1 AND a.id = ANY($3::uuid[])`,
    [orgId, teamId, agentIds],
  );
}

export async function countAgentsInOrg(db: Queryable, orgId: string, agentIds: string[]): Promise<number> {
  const rows = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM agents WHERE org_id = $1 AND id = ANY($2::uuid[])',
    [orgId, agentIds],
  );
  return rows[0]?.n ?? 0;
}

/** Removes a team (its conversations are first returned to the org-wide queue by the caller); no team overflows into it any more. */
export async function deleteTeam(db: Queryable, orgId: string, teamId: string): Promise<boolean> {
  await db.query('UPDATE teams SET overflow_team_id = NULL WHERE org_id = $1 AND overflow_team_id = $2', [
    orgId,
    teamId,
  ]);
  await db.query('UPDATE routing_assignments SET team_id = NULL WHERE org_id = $1 AND team_id = $2', [orgId, teamId]);
  await db.query('DELETE FROM team_members WHERE org_id = $1 AND team_id = $2', [orgId, teamId]);
  const rows = await db.query<{ id: string }>('DELETE FROM teams WHERE org_id = $1 AND id = $2 RETURNING id', [
    orgId,
    teamId,
  ]);
  return rows.length > 0;
}
