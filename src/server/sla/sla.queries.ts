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

/** Stores the clocks and their due times (the conversation's risk moves with them: see conversations' setSlaRisk). */
export async function updateSlaTimers(
  db: Queryable,
  orgId: string,
  conversationId: string,
  t: SlaTimers,
  due: SlaDue,
): Promise<void> {
  await db.query(
    `UPDATE conversation_slas
          SET first_response_at = $3, next_started_at = $4, next_paused_baseline_ms = $5, paused_at = $6,
              paused_ms = $7, warned = $8, breached = $9, first_response_due_at = $10, next_response_due_at = $11,
              resolution_due_at = $12, updated_at = now()
      WHERE org_id = $1 AND conversation_id = $2`,
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
