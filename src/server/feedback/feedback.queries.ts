import type { ComplaintSource } from '../../contracts/feedback.ts';
import type { Queryable } from '../db/db.ts';

/** SQL only for CSAT surveys, complaints and their follow-ups; every query takes the organization id. */

export async function selectOrgSettings(db: Queryable, orgId: string): Promise<Record<string, unknown>> {
  const rows = await db.query<{ settings: Record<string, unknown> }>(
    'SELECT settings FROM organizations WHERE id = $1',
    [orgId],
  );
  return rows[0]?.settings ?? {};
}

/** What a resolution decides: who owns the rating, in which language to ask, whether it is a complaint. */
export type ConversationFacts = {
  id: string;
  status: string;
  contact_id: string;
  assignee_id: string | null;
  team_id: string | null;
  resolved_at: string | null;
  contact_locale: string | null;
  last_language: string | null;
  is_complaint: boolean;
};

export async function selectConversationFacts(
  db: Queryable,
  orgId: string,
  conversationId: string,
): Promise<ConversationFacts | undefined> {
  const rows = await db.query<ConversationFacts>(
    `SELECT c.id, c.status, c.contact_id, c.assignee_id, c.resolved_at, ct.locale AS contact_locale, c.last_language,
            -- The conversation's team, else the resolving agent's (the first by name) so team results add up.
            COALESCE(c.team_id, (SELECT tm.team_id FROM team_members tm JOIN teams t ON t.id = tm.team_id
                                  WHERE tm.org_id = c.org_id AND tm.agent_id = c.assignee_id
                                  ORDER BY t.name LIMIT 1)) AS team_id,
            EXISTS (SELECT 1 FROM complaints k WHERE k.org_id = c.org_id AND k.conversation_id = c.id)
              OR c.handoff_reason = 'complaint' OR 'complaint' = ANY (c.tags) AS is_complaint
       FROM conversations c JOIN contacts ct ON ct.id = c.contact_id
      WHERE c.org_id = $1 AND c.id = $2`,
    [orgId, conversationId],
  );
  return rows[0];
}

// ---------- CSAT ----------

export type CsatRow = {
  conversation_id: string;
  agent_id: string | null;
  team_id: string | null;
  locale: 'zh-CN' | 'zh-TW' | 'en';
  send_job_id: string | null;
  requested_at: string | null;
  rating: number | null;
  comment: string | null;
  answered_at: string | null;
};

const CSAT_COLUMNS =
  'conversation_id, agent_id, team_id, locale, send_job_id, requested_at, rating, comment, answered_at';

export async function selectCsat(db: Queryable, orgId: string, conversationId: string): Promise<CsatRow | undefined> {
  const rows = await db.query<CsatRow>(
    `SELECT ${CSAT_COLUMNS} FROM csat_surveys WHERE org_id = $1 AND conversation_id = $2`,
    [orgId, conversationId],
  );
  return rows[0];
}

/**
 * Plans a survey for a resolution. A survey already asked or answered is left alone (one per conversation): the
 * result is undefined then.
 */
export async function upsertPlannedCsat(
  db: Queryable,
  orgId: string,
  input: { conversationId: string; agentId: string | null; teamId: string | null; locale: string; now: Date },
): Promise<CsatRow | undefined> {
  const rows = await db.query<CsatRow>(
    `INSERT INTO csat_surveys (conversation_id, org_id, agent_id, team_id, locale, created_at, updated_at)
     VALUES ($2, $1, $3, $4, $5, $6, $6)
     ON CONFLICT (conversation_id) DO UPDATE
        SET agent_id = EXCLUDED.agent_id, team_id = EXCLUDED.team_id, locale = EXCLUDED.locale,
            updated_at = EXCLUDED.updated_at
      WHERE csat_surveys.org_id = $1 AND csat_surveys.requested_at IS NULL
     RETURNING ${CSAT_COLUMNS}`,
    [orgId, input.conversationId, input.agentId, input.teamId, input.locale, input.now.toISOString()],
  );
  return rows[0];
}

export async function setCsatJob(
  db: Queryable,
  orgId: string,
  conversationId: string,
  jobId: string | null,
): Promise<void> {
  await db.query('UPDATE csat_surveys SET send_job_id = $3 WHERE org_id = $1 AND conversation_id = $2', [
    orgId,
    conversationId,
    jobId,
  ]);
}

/** Marks the survey asked, once: false when it was already asked (a job run twice asks once). */
export async function markCsatRequested(
  db: Queryable,
  orgId: string,
  conversationId: string,
  now: Date,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE csat_surveys SET requested_at = $3, send_job_id = NULL, updated_at = $3
      WHERE org_id = $1 AND conversation_id = $2 AND requested_at IS NULL
      RETURNING conversation_id`,
    [orgId, conversationId, now.toISOString()],
  );
  return rows.length > 0;
}

/** Stores the answer if the survey was asked and not answered; the row as it is now either way. */
export async function answerCsat(
  db: Queryable,
  orgId: string,
  input: { conversationId: string; rating: number; comment: string | null; now: Date },
): Promise<{ stored: boolean; row: CsatRow | undefined }> {
  const rows = await db.query<CsatRow>(
    `UPDATE csat_surveys SET rating = $3, comment = $4, answered_at = $5, updated_at = $5
      WHERE org_id = $1 AND conversation_id = $2 AND requested_at IS NOT NULL AND answered_at IS NULL
      RETURNING ${CSAT_COLUMNS}`,
    [orgId, input.conversationId, input.rating, input.comment, input.now.toISOString()],
  );
  if (rows[0]) return { stored: true, row: rows[0] };
  return { stored: false, row: await selectCsat(db, orgId, input.conversationId) };
}

export type CsatGroupRow = {
  key: string | null;
  name: string | null;
  rating: number;
  count: number;
};

/** Answer counts per rating, grouped by agent or team, for answers in [from, to). */
export async function selectCsatCounts(
  db: Queryable,
  orgId: string,
  by: 'agent' | 'team',
  range: { from: Date; to: Date },
): Promise<CsatGroupRow[]> {
  const join = by === 'agent' ? 'LEFT JOIN agents g ON g.id = s.agent_id' : 'LEFT JOIN teams g ON g.id = s.team_id';
  const key = by === 'agent' ? 's.agent_id' : 's.team_id';
  return db.query<CsatGroupRow>(
    `SELECT ${key} AS key, g.name, s.rating::int AS rating, count(*)::int AS count
       FROM csat_surveys s ${join}
      WHERE s.org_id = $1 AND s.answered_at >= $2 AND s.answered_at < $3
      GROUP BY ${key}, g.name, s.rating`,
    [orgId, range.from.toISOString(), range.to.toISOString()],
  );
}

// ---------- Complaints ----------

export type ComplaintRow = {
  id: string;
  conversation_id: string;
  source: ComplaintSource;
  reason: string;
  about_agent_id: string | null;
  created_by_agent_id: string | null;
  created_by_name: string | null;
  due_at: string;
  created_at: string;
};

/** Inserts a complaint; a second bot complaint for one conversation is ignored (undefined). */
export async function insertComplaint(
  db: Queryable,
  orgId: string,
  input: {
    conversationId: string;
    source: ComplaintSource;
    reason: string;
    aboutAgentId: string | null;
    createdByAgentId: string | null;
    dueAt: Date;
    now: Date;
  },
): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO complaints (org_id, conversation_id, source, reason, about_agent_id, created_by_agent_id, due_at,
                             created_at)
     SELECT $1, c.id, $3, $4, $5, $6, $7, $8 FROM conversations c WHERE c.org_id = $1 AND c.id = $2
     ON CONFLICT (conversation_id) WHERE source = 'bot' DO NOTHING
     RETURNING id`,
    [
      orgId,
      input.conversationId,
      input.source,
      input.reason,
      input.aboutAgentId,
      input.createdByAgentId,
      input.dueAt.toISOString(),
      input.now.toISOString(),
    ],
  );
  return rows[0]?.id;
}

export async function selectComplaints(
  db: Queryable,
  orgId: string,
  conversationId: string,
  options: { includeReports: boolean },
): Promise<ComplaintRow[]> {
  return db.query<ComplaintRow>(
    `SELECT k.id, k.conversation_id, k.source, k.reason, k.about_agent_id, k.created_by_agent_id,
            a.name AS created_by_name, k.due_at, k.created_at
       FROM complaints k LEFT JOIN agents a ON a.id = k.created_by_agent_id
      WHERE k.org_id = $1 AND k.conversation_id = $2 AND ($3 OR k.source <> 'customer_report')
      ORDER BY k.created_at, k.id`,
    [orgId, conversationId, options.includeReports],
  );
}

/** The team complaints go to: one whose name says supervisors (主管 / 督导 in Chinese), if the org has one. */
export async function selectSupervisorTeamId(db: Queryable, orgId: string): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM teams
      WHERE org_id = $1 AND (name ILIKE '%supervisor%' OR name LIKE '%主管%' OR name LIKE '%督导%')
      ORDER BY name LIMIT 1`,
    [orgId],
  );
  return rows[0]?.id;
}

// ---------- Follow-ups ----------

export type FollowUpRow = {
  id: string;
  conversation_id: string;
  conversation_number: number;
  contact_name: string | null;
  resolved_at: string;
  due_at: string;
  closed_at: string | null;
  closed_by: string | null;
  closed_by_name: string | null;
  note: string | null;
  created_at: string;
};

const SELECT_FOLLOW_UP = `
  SELECT f.id, f.conversation_id, c.number AS conversation_number, ct.name AS contact_name, f.resolved_at, f.due_at,
         f.closed_at, f.closed_by, a.name AS closed_by_name, f.note, f.created_at
    FROM complaint_followups f
    JOIN conversations c ON c.id = f.conversation_id
    JOIN contacts ct ON ct.id = c.contact_id
    LEFT JOIN agents a ON a.id = f.closed_by`;

/** One follow-up per resolution: a job run twice creates one (undefined the second time). */
export async function insertFollowUp(
  db: Queryable,
  orgId: string,
  input: { conversationId: string; resolvedAt: Date; dueAt: Date; now: Date },
): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO complaint_followups (org_id, conversation_id, resolved_at, due_at, created_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (conversation_id, resolved_at) DO NOTHING
     RETURNING id`,
    [orgId, input.conversationId, input.resolvedAt.toISOString(), input.dueAt.toISOString(), input.now.toISOString()],
  );
  return rows[0]?.id;
}

export async function selectFollowUps(
  db: Queryable,
  orgId: string,
  state: 'open' | 'closed' | 'all',
  limit = 200,
): Promise<FollowUpRow[]> {
  const where = state === 'open' ? 'AND f.closed_at IS NULL' : state === 'closed' ? 'AND f.closed_at IS NOT NULL' : '';
  return db.query<FollowUpRow>(`${SELECT_FOLLOW_UP} WHERE f.org_id = $1 ${where} ORDER BY f.due_at, f.id LIMIT $2`, [
    orgId,
    limit,
  ]);
}

export async function selectFollowUp(db: Queryable, orgId: string, id: string): Promise<FollowUpRow | undefined> {
  const rows = await db.query<FollowUpRow>(`${SELECT_FOLLOW_UP} WHERE f.org_id = $1 AND f.id = $2`, [orgId, id]);
  return rows[0];
}

/** Closes an open follow-up; false when it was already closed (or is not this org's). */
export async function closeFollowUpRow(
  db: Queryable,
  orgId: string,
  input: { id: string; agentId: string; note: string; now: Date },
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE complaint_followups SET closed_at = $4, closed_by = $3, note = $5
      WHERE org_id = $1 AND id = $2 AND closed_at IS NULL RETURNING id`,
    [orgId, input.id, input.agentId, input.now.toISOString(), input.note],
  );
  return rows.length > 0;
}

// ---------- Settings ----------

/** The organization's settings, locked until the transaction ends (an admin's change reads what it replaces). */
export async function selectOrgSettingsForUpdate(db: Queryable, orgId: string): Promise<Record<string, unknown>> {
  const rows = await db.query<{ settings: Record<string, unknown> }>(
    'SELECT settings FROM organizations WHERE id = $1 FOR UPDATE',
    [orgId],
  );
  return rows[0]?.settings ?? {};
}

/** Replaces `settings.feedback`, keeping the organization's other settings keys as they are. */
export async function updateFeedbackSettingsRow(db: Queryable, orgId: string, feedback: object): Promise<void> {
  await db.query(
    `UPDATE organizations SET settings = settings || jsonb_build_object('feedback', $2::jsonb) WHERE id = $1`,
    [orgId, JSON.stringify(feedback)],
  );
}
