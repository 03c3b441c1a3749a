import type { Priority } from '../../contracts/domain.ts';
import type { SlaMetric } from '../../contracts/sla.ts';
import type { Queryable } from '../db/db.ts';
import type { SlaDue, SlaTimers } from './sla-timers.ts';

/** SQL only. Every function takes the organization id and filters on it. */

export async function selectSlaPolicy(
  db: Queryable,
  orgId: string,
): Promise<{ policy: unknown; updated_at: Date } | undefined> {
  const rows = await db.query<{ policy: unknown; updated_at: Date }>(
    'SELECT policy, updated_at FROM sla_policies WHERE org_id = $1',
    [orgId],
  );
  return rows[0];
}

export async function upsertSlaPolicy(
  db: Queryable,
  orgId: string,
  policy: unknown,
  agentId: string | null,
): Promise<{ updated_at: Date }> {
  const rows = await db.query<{ updated_at: Date }>(
    `INSERT INTO sla_policies (org_id, policy, updated_by) VALUES ($1, $2, $3)
     ON CONFLICT (org_id) DO UPDATE SET policy = EXCLUDED.policy, updated_by = EXCLUDED.updated_by, updated_at = now()
     RETURNING updated_at`,
    [orgId, JSON.stringify(policy), agentId],
  );
  return rows[0];
}

/** How loaded the queue is when a conversation arrives: open and unassigned, and SLA clocks started lately. */
export async function selectQueueLoad(
  db: Queryable,
  orgId: string,
  arrivalsSince: Date,
): Promise<{ unassignedOpen: number; arrivalsLastMinute: number }> {
  const rows = await db.query<{ unassigned_open: number; arrivals: number }>(
    `SELECT (SELECT count(*)::int FROM conversations
              WHERE org_id = $1 AND status = 'open' AND assignee_id IS NULL) AS unassigned_open,
            (SELECT count(*)::int FROM conversation_slas WHERE org_id = $1 AND started_at >= $2) AS arrivals`,
    [orgId, arrivalsSince],
  );
  return { unassignedOpen: rows[0]?.unassigned_open ?? 0, arrivalsLastMinute: rows[0]?.arrivals ?? 0 };
}

export type SlaRow = {
  conversation_id: string;
  peak: boolean;
  started_at: Date;
  first_response_at: Date | null;
  next_started_at: Date | null;
  next_paused_baseline_ms: number;
  paused_at: Date | null;
  paused_ms: number;
  warned: SlaMetric[];
  breached: SlaMetric[];
  check_job_id: string | null;
  priority: Priority;
  team_id: string | null;
  status: string;
};

export function toTimers(row: SlaRow): SlaTimers {
  return {
    peak: row.peak,
    startedAt: new Date(row.started_at),
    firstResponseAt: row.first_response_at ? new Date(row.first_response_at) : null,
    nextStartedAt: row.next_started_at ? new Date(row.next_started_at) : null,
    nextPausedBaselineMs: Number(row.next_paused_baseline_ms),
    pausedAt: row.paused_at ? new Date(row.paused_at) : null,
    pausedMs: Number(row.paused_ms),
    warned: row.warned,
    breached: row.breached,
  };
}

/** Starts the clocks once: a second start (a retried event, another node) finds them running and changes nothing. */
export async function insertSlaTimers(
  db: Queryable,
  orgId: string,
  conversationId: string,
  timers: SlaTimers,
): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO conversation_slas (conversation_id, org_id, peak, started_at)
     SELECT id, org_id, $3, $4 FROM conversations WHERE org_id = $1 AND id = $2
     ON CONFLICT (conversation_id) DO NOTHING RETURNING conversation_id`,
    [orgId, conversationId, timers.peak, timers.startedAt],
  );
  return rows.length > 0;
}

/** The clocks with what they depend on (priority, team, status), locked for the transaction. */
export async function selectSlaForUpdate(
  db: Queryable,
  orgId: string,
  conversationId: string,
): Promise<SlaRow | undefined> {
  return selectSla(db, orgId, conversationId, { lock: true });
}

/** The clocks without a lock: to see cheaply whether anything changes before locking to change it. */
export async function selectSla(
  db: Queryable,
  orgId: string,
  conversationId: string,
  options: { lock?: boolean } = {},
): Promise<SlaRow | undefined> {
  const rows = await db.query<SlaRow>(
    `SELECT s.conversation_id, s.peak, s.started_at, s.first_response_at, s.next_started_at, s.next_paused_baseline_ms,
            s.paused_at, s.paused_ms, s.warned, s.breached, s.check_job_id, c.priority, c.team_id, c.status
       FROM conversation_slas s JOIN conversations c ON c.id = s.conversation_id
      WHERE s.org_id = $1 AND s.conversation_id = $2
      ${options.lock ? 'FOR UPDATE OF s' : ''}`,
    [orgId, conversationId],
  );
  return rows[0];
}

/** Stores the clocks and their due times; the conversation's risk and updatedAt move with them. */
export async function updateSlaTimers(
  db: Queryable,
  orgId: string,
  conversationId: string,
  t: SlaTimers,
  due: SlaDue,
  risk: 'at_risk' | 'breached' | null,
): Promise<void> {
  await db.query(
    `WITH sla AS (
       UPDATE conversation_slas
          SET first_response_at = $3, next_started_at = $4, next_paused_baseline_ms = $5, paused_at = $6,
              paused_ms = $7, warned = $8, breached = $9, first_response_due_at = $10, next_response_due_at = $11,
              resolution_due_at = $12, updated_at = now()
        WHERE org_id = $1 AND conversation_id = $2
     )
     UPDATE conversations SET sla_risk = $13, updated_at = now() WHERE org_id = $1 AND id = $2`,
    [
      orgId,
      conversationId,
      t.firstResponseAt,
      t.nextStartedAt,
      t.nextPausedBaselineMs,
      t.pausedAt,
      t.pausedMs,
      t.warned,
      t.breached,
      due.firstResponse,
      due.nextResponse,
      due.resolution,
      risk,
    ],
  );
}

export async function updateSlaCheckJob(
  db: Queryable,
  orgId: string,
  conversationId: string,
  jobId: string | null,
): Promise<void> {
  await db.query('UPDATE conversation_slas SET check_job_id = $3 WHERE org_id = $1 AND conversation_id = $2', [
    orgId,
    conversationId,
    jobId,
  ]);
}

/**
 * An SLA breach escalates: the priority goes up one level (when asked) and the conversation moves to the escalation
 * team, unassigned, for that team to pick up. Returns what it was before.
 */
export async function escalateConversation(
  db: Queryable,
  orgId: string,
  conversationId: string,
  change: { priority: Priority | null; teamId: string | null },
): Promise<{ prev_priority: Priority; prev_team_id: string | null; prev_assignee_id: string | null } | undefined> {
  const rows = await db.query<{
    prev_priority: Priority;
    prev_team_id: string | null;
    prev_assignee_id: string | null;
  }>(
    `UPDATE conversations c
        SET priority = COALESCE($3, c.priority),
            priority_source = CASE WHEN $3::text IS NULL OR $3 = c.priority THEN c.priority_source ELSE 'escalation' END,
            team_id = COALESCE($4::uuid, c.team_id),
            assignee_id = CASE WHEN $4::uuid IS NULL OR $4::uuid = c.team_id THEN c.assignee_id ELSE NULL END,
            updated_at = now()
       FROM (SELECT id, priority, team_id, assignee_id FROM conversations WHERE org_id = $1 AND id = $2 FOR UPDATE) prev
      WHERE c.id = prev.id
  RETURNING prev.priority AS prev_priority, prev.team_id AS prev_team_id, prev.assignee_id AS prev_assignee_id`,
    [orgId, conversationId, change.priority, change.teamId],
  );
  return rows[0];
}

/** Clocks that should have fired by `now` and did not (a lost or late check): the sweep picks them up. */
export async function selectOverdueSlas(
  db: Queryable,
  now: Date,
  limit: number,
): Promise<{ org_id: string; conversation_id: string }[]> {
  // Across organizations on purpose: the sweep is the platform's, and each row is then handled within its org.
  return db.query(
    `SELECT org_id, conversation_id FROM conversation_slas
      WHERE paused_at IS NULL
        AND ((first_response_due_at <= $1 AND NOT 'firstResponse' = ANY (breached))
          OR (next_response_due_at <= $1 AND NOT 'nextResponse' = ANY (breached))
          OR (resolution_due_at <= $1 AND NOT 'resolution' = ANY (breached)))
      LIMIT $2`,
    [now, limit],
  );
}
