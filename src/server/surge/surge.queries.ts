import type { Queryable } from '../db/db.ts';

/** SQL only. Every function takes the organization id and filters on it, except `selectOrgIdsForSurgeSweep`. */

export type SurgeStateRow = {
  org_id: string;
  active: boolean;
  since: Date | null;
  reason: 'arrivals' | 'queue' | 'manual' | null;
  manual: 'on' | 'off' | null;
  calm_since: Date | null;
  current_surge_id: string | null;
  arrivals_per_minute: number | null;
  unassigned_open: number | null;
  measured_at: Date | null;
};

const STATE_COLUMNS = `org_id, active, since, reason, manual, calm_since, current_surge_id, arrivals_per_minute,
  unassigned_open, measured_at`;

/**
 * The cross-organization exception: the detector's sweep lists every active organization, then reads and writes
 * each one's rows with its own org_id.
 */
export async function selectOrgIdsForSurgeSweep(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ id: string }>('SELECT id FROM organizations ORDER BY id');
  return rows.map((r) => r.id);
}

export async function selectSurgeState(db: Queryable, orgId: string): Promise<SurgeStateRow | undefined> {
  const rows = await db.query<SurgeStateRow>(`SELECT ${STATE_COLUMNS} FROM surge_state WHERE org_id = $1`, [orgId]);
  return rows[0];
}

/** The organization's state row, locked for this transaction (created when missing). */
export async function lockSurgeState(db: Queryable, orgId: string): Promise<SurgeStateRow> {
  await db.query('INSERT INTO surge_state (org_id) VALUES ($1) ON CONFLICT (org_id) DO NOTHING', [orgId]);
  const rows = await db.query<SurgeStateRow>(`SELECT ${STATE_COLUMNS} FROM surge_state WHERE org_id = $1 FOR UPDATE`, [
    orgId,
  ]);
  return rows[0] as SurgeStateRow;
}

export async function updateSurgeState(
  db: Queryable,
  orgId: string,
  s: {
    active: boolean;
    since: Date | null;
    reason: string | null;
    manual: 'on' | 'off' | null;
    calmSince: Date | null;
    currentSurgeId: string | null;
    load?: { arrivalsPerMinute: number; unassignedOpen: number; measuredAt: Date };
  },
): Promise<void> {
  await db.query(
    `UPDATE surge_state
        SET active = $2, since = $3, reason = $4, manual = $5, calm_since = $6, current_surge_id = $7,
            arrivals_per_minute = COALESCE($8, arrivals_per_minute), unassigned_open = COALESCE($9, unassigned_open),
            measured_at = COALESCE($10, measured_at), updated_at = now()
      WHERE org_id = $1`,
    [
      orgId,
      s.active,
      s.since,
      s.reason,
      s.manual,
      s.calmSince,
      s.currentSurgeId,
      s.load?.arrivalsPerMinute ?? null,
      s.load?.unassignedOpen ?? null,
      s.load?.measuredAt ?? null,
    ],
  );
}

/**
 * Conversations that arrived in the last minute and in the window, and the queue at `now`: open conversations queued
 * for a human and not yet assigned (the bot's own conversations are not waiting for anyone).
 */
export async function selectSurgeLoad(
  db: Queryable,
  orgId: string,
  now: Date,
  windowMinutes: number,
): Promise<{ lastMinute: number; inWindow: number; unassignedOpen: number }> {
  const rows = await db.query<{ last_minute: number; in_window: number; unassigned_open: number }>(
    `SELECT count(*) FILTER (WHERE created_at > $2::timestamptz - interval '1 minute')::int AS last_minute,
            count(*)::int AS in_window,
            (SELECT count(*)::int FROM conversations
              WHERE org_id = $1 AND status = 'open' AND assignee_id IS NULL AND queued_at IS NOT NULL) AS unassigned_open
       FROM conversations
      WHERE org_id = $1 AND created_at > $2::timestamptz - make_interval(mins => $3::int) AND created_at <= $2`,
    [orgId, now, windowMinutes],
  );
  const row = rows[0];
  return {
    lastMinute: row?.last_minute ?? 0,
    inWindow: row?.in_window ?? 0,
    unassignedOpen: row?.unassigned_open ?? 0,
  };
}

export async function insertSurge(
  db: Queryable,
  orgId: string,
  s: { startedAt: Date; reason: string; startedBy: string | null },
): Promise<string> {
  const rows = await db.query<{ id: string }>(
    'INSERT INTO surges (org_id, started_at, reason, started_by) VALUES ($1, $2, $3, $4) RETURNING id',
    [orgId, s.startedAt, s.reason, s.startedBy],
  );
  return (rows[0] as { id: string }).id;
}

export async function endSurge(
  db: Queryable,
  orgId: string,
  surgeId: string,
  s: { endedAt: Date; endedBy: string | null },
): Promise<void> {
  await db.query('UPDATE surges SET ended_at = $3, ended_by = $4 WHERE org_id = $1 AND id = $2 AND ended_at IS NULL', [
    orgId,
    surgeId,
    s.endedAt,
    s.endedBy,
  ]);
}

// ---------- Agents ----------

export async function selectSurgeOptIn(
  db: Queryable,
  orgId: string,
  agentId: string,
  surgeId: string | null,
): Promise<{ optIn: boolean; alertedAt: Date | null }> {
  const rows = await db.query<{ surge_opt_in: boolean; alerted_at: Date | null }>(
    `SELECT a.surge_opt_in,
            (SELECT created_at FROM surge_alerts s
              WHERE s.org_id = $1 AND s.agent_id = a.id AND s.surge_id = $3::uuid) AS alerted_at
       FROM agents a WHERE a.org_id = $1 AND a.id = $2`,
    [orgId, agentId, surgeId],
  );
  return { optIn: rows[0]?.surge_opt_in ?? false, alertedAt: rows[0]?.alerted_at ?? null };
}

export async function updateSurgeOptIn(db: Queryable, orgId: string, agentId: string, optIn: boolean): Promise<void> {
  await db.query('UPDATE agents SET surge_opt_in = $3 WHERE org_id = $1 AND id = $2', [orgId, agentId, optIn]);
}

/**
 * Alerts every opted-in, enabled agent who is off duty (routing status not online, or no routing row) of the surge;
 * returns the agents alerted (a repeat for the same surge is skipped).
 */
export async function insertSurgeAlerts(db: Queryable, orgId: string, surgeId: string): Promise<string[]> {
  const rows = await db.query<{ agent_id: string }>(
    `INSERT INTO surge_alerts (surge_id, agent_id, org_id)
     SELECT $2, a.id, $1 FROM agents a
       LEFT JOIN agent_routing r ON r.agent_id = a.id AND r.org_id = $1
      WHERE a.org_id = $1 AND a.surge_opt_in AND a.disabled_at IS NULL AND COALESCE(r.status, 'offline') <> 'online'
     ON CONFLICT (surge_id, agent_id) DO NOTHING
     RETURNING agent_id`,
    [orgId, surgeId],
  );
  return rows.map((r) => r.agent_id);
}

// ---------- Announcements ----------

/**
 * Conversations whose customer is waiting now: open, and either in the queue for a human or with no human reply
 * yet (the bot may be talking to them), active in the last day.
 */
export async function selectWaitingConversations(
  db: Queryable,
  orgId: string,
): Promise<{ id: string; locale: string | null }[]> {
  return db.query<{ id: string; locale: string | null }>(
    `SELECT c.id, ct.locale
       FROM conversations c JOIN contacts ct ON ct.id = c.contact_id AND ct.org_id = c.org_id
      WHERE c.org_id = $1 AND c.status = 'open' AND c.last_activity_at > now() - interval '1 day'
        AND (c.queued_at IS NOT NULL AND c.assignee_id IS NULL OR c.first_reply_at IS NULL)
      ORDER BY c.queued_at NULLS LAST, c.created_at
      LIMIT 5000`,
    [orgId],
  );
}

// ---------- Reports ----------

export type SurgeReportRow = {
  id: string;
  started_at: Date;
  ended_at: Date | null;
  reason: 'arrivals' | 'queue' | 'manual';
  arrivals: number;
  peak_arrivals_per_minute: number;
  contained: number;
  longest_wait_seconds: number | null;
  sla_total: number;
  sla_met: number;
};

/**
 * Past and current surges, newest first, each measured over its window [started_at, ended_at or now]: arrivals,
 * the busiest minute, conversations resolved with no agent message, the longest wait for a human, SLA clocks met.
 */
export async function selectSurgeReports(db: Queryable, orgId: string, limit: number): Promise<SurgeReportRow[]> {
  return db.query<SurgeReportRow>(
    `WITH w AS (
       SELECT id, started_at, ended_at, reason, COALESCE(ended_at, now()) AS until
         FROM surges WHERE org_id = $1 ORDER BY started_at DESC LIMIT $2
     )
     SELECT w.id, w.started_at, w.ended_at, w.reason,
            (SELECT count(*)::int FROM conversations c
              WHERE c.org_id = $1 AND c.created_at >= w.started_at AND c.created_at <= w.until) AS arrivals,
            COALESCE((SELECT max(n)::int FROM (
                SELECT count(*) AS n FROM conversations c
                 WHERE c.org_id = $1 AND c.created_at >= w.started_at AND c.created_at <= w.until
                 GROUP BY date_trunc('minute', c.created_at)) per_minute), 0) AS peak_arrivals_per_minute,
            (SELECT count(*)::int FROM conversations c
              WHERE c.org_id = $1 AND c.created_at >= w.started_at AND c.created_at <= w.until
                AND c.status IN ('resolved', 'closed')
                AND NOT EXISTS (SELECT 1 FROM messages m
                                 WHERE m.org_id = $1 AND m.conversation_id = c.id AND m.author_kind = 'agent')
            ) AS contained,
            (SELECT max(extract(epoch FROM COALESCE(s.first_response_at, w.until) - c.queued_at))::int
               FROM conversations c
               LEFT JOIN conversation_slas s ON s.conversation_id = c.id AND s.org_id = $1
              WHERE c.org_id = $1 AND c.queued_at IS NOT NULL
                AND c.queued_at >= w.started_at AND c.queued_at <= w.until) AS longest_wait_seconds,
            (SELECT count(*)::int FROM conversation_slas s
              WHERE s.org_id = $1 AND s.started_at >= w.started_at AND s.started_at <= w.until) AS sla_total,
            (SELECT count(*)::int FROM conversation_slas s
              WHERE s.org_id = $1 AND s.started_at >= w.started_at AND s.started_at <= w.until
                AND cardinality(s.breached) = 0) AS sla_met
       FROM w ORDER BY w.started_at DESC`,
    [orgId, limit],
  );
}

// ---------- Off-duty alert mail ----------

export type SurgeAlertRecipientRow = {
  agent_id: string;
  email: string;
  name: string;
  locale: string;
  org_name: string;
};

/** The alerted agents' addresses and languages (still enabled and still opted in when the mail goes). */
export async function selectSurgeAlertRecipients(
  db: Queryable,
  orgId: string,
  agentIds: string[],
): Promise<SurgeAlertRecipientRow[]> {
  return db.query<SurgeAlertRecipientRow>(
    `SELECT a.id AS agent_id, a.email, a.name, a.locale, o.name AS org_name
       FROM agents a JOIN organizations o ON o.id = a.org_id
      WHERE a.org_id = $1 AND o.id = $1 AND a.id = ANY($2::uuid[]) AND a.surge_opt_in AND a.disabled_at IS NULL
      ORDER BY a.email`,
    [orgId, agentIds],
  );
}
