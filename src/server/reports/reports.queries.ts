import type { Queryable } from '../db/db.ts';

/**
 * Reports read the conversation event log (migration 020, written by triggers) and, for the dimensions a report is
 * filtered and grouped by, the conversation as it is now (team, assignee, channel, intent, language, priority).
 * Every query is one organization's ($1). A report covers the conversations created from the start of day `from` to
 * the end of day `to` in the organization's time zone ($4): the bounds are converted with AT TIME ZONE in SQL, so
 * day boundaries follow the zone's offset on that day (DST included). What happened to those conversations later
 * (a reply, a resolution after `to`) still counts for them.
 */
export type ReportScope = {
  orgId: string;
  from: string;
  to: string;
  timeZone: string;
  teamId: string | null;
  agentId: string | null;
  channel: string | null;
  intent: string | null;
  language: string | null;
  priority: string | null;
};

function scopeParams(s: ReportScope): unknown[] {
  return [s.orgId, s.from, s.to, s.timeZone, s.teamId, s.agentId, s.channel, s.intent, s.language, s.priority];
}

const FILTERS = `($5::uuid IS NULL OR c.team_id = $5::uuid)
    AND ($6::uuid IS NULL OR c.assignee_id = $6::uuid)
    AND ($7::text IS NULL OR i.kind = $7::text)
    AND ($8::text IS NULL OR c.last_intent = $8::text)
    AND ($9::text IS NULL OR c.last_language = $9::text)
    AND ($10::text IS NULL OR c.priority = $10::text)`;

const FROM_TS = `($2::date::timestamp AT TIME ZONE $4::text)`;

/** The conversations a report covers, with their dimensions. */
const SCOPE = `scope AS (
  SELECT c.id, c.created_at, c.priority, c.team_id, c.assignee_id, c.last_intent, c.last_language, i.kind AS channel
  FROM conversations c JOIN inboxes i ON i.id = c.inbox_id
  WHERE c.org_id = $1 AND i.org_id = $1
    AND c.created_at >= ${FROM_TS}
    AND c.created_at < (($3::date + 1)::timestamp AT TIME ZONE $4::text)
    AND ${FILTERS}
)`;

/** The scope's events of some kinds (they all happen at or after the range's start). */
function events(kinds: string[]): string {
  const list = kinds.map((k) => `'${k}'`).join(', ');
  return `SELECT e.conversation_id, e.kind, e.at, e.actor_id, e.data, e.id
    FROM conversation_events e JOIN scope s ON s.id = e.conversation_id
    WHERE e.org_id = $1 AND e.kind IN (${list}) AND e.at >= ${FROM_TS}`;
}

const stats = (expr: string, name: string) =>
  `count(${expr})::int AS ${name}_count, avg(${expr})::float8 AS ${name}_mean,
   percentile_cont(0.5) WITHIN GROUP (ORDER BY ${expr}) AS ${name}_median,
   percentile_cont(0.9) WITHIN GROUP (ORDER BY ${expr}) AS ${name}_p90`;

export type SummaryRow = {
  conversations: number;
  frt_count: number;
  frt_mean: number | null;
  frt_median: number | null;
  frt_p90: number | null;
  res_count: number;
  res_mean: number | null;
  res_median: number | null;
  res_p90: number | null;
  with_sla: number;
  sla_met: number;
  csat_requested: number;
  csat_answered: number;
  csat_score: number | null;
  csat_satisfied: number | null;
  complained: number;
  contained: number;
  handed_off: number;
  resolved: number;
  reopened: number;
};

export async function selectSummary(db: Queryable, s: ReportScope): Promise<SummaryRow> {
  const rows = await db.query<SummaryRow>(
    `WITH ${SCOPE},
    ev AS (${events([
      'first_reply',
      'resolved',
      'handoff',
      'agent_message',
      'reopened',
      'complaint',
      'sla_started',
      'sla_breached',
      'csat_requested',
      'csat_answered',
    ])}),
    facts AS (
      SELECT s.id, s.created_at,
        min(e.at) FILTER (WHERE e.kind = 'first_reply') AS first_reply_at,
        min(e.at) FILTER (WHERE e.kind = 'resolved') AS resolved_at,
        COALESCE(bool_or(e.kind = 'handoff'), false) AS handed_off,
        COALESCE(bool_or(e.kind = 'agent_message'), false) AS agent_replied,
        COALESCE(bool_or(e.kind = 'reopened'), false) AS reopened,
        COALESCE(bool_or(e.kind = 'complaint'), false) AS complained,
        COALESCE(bool_or(e.kind = 'sla_started'), false) AS has_sla,
        COALESCE(bool_or(e.kind = 'sla_breached' AND e.data->>'metric' IN ('firstResponse', 'resolution')), false)
          AS sla_breached,
        COALESCE(bool_or(e.kind = 'csat_requested'), false) AS csat_requested,
        max((e.data->>'rating')::int) FILTER (WHERE e.kind = 'csat_answered') AS rating
      FROM scope s LEFT JOIN ev e ON e.conversation_id = s.id
      GROUP BY s.id, s.created_at
    )
    SELECT count(*)::int AS conversations,
      ${stats('extract(epoch FROM first_reply_at - created_at)::float8', 'frt')},
      ${stats('extract(epoch FROM resolved_at - created_at)::float8', 'res')},
      count(*) FILTER (WHERE has_sla)::int AS with_sla,
      count(*) FILTER (WHERE has_sla AND NOT sla_breached)::int AS sla_met,
      count(*) FILTER (WHERE csat_requested OR rating IS NOT NULL)::int AS csat_requested,
      count(rating)::int AS csat_answered,
      avg((rating - 1) / 4.0)::float8 AS csat_score,
      avg(CASE WHEN rating >= 4 THEN 1.0 WHEN rating IS NOT NULL THEN 0.0 END)::float8 AS csat_satisfied,
      count(*) FILTER (WHERE complained)::int AS complained,
      count(*) FILTER (WHERE resolved_at IS NOT NULL AND NOT agent_replied AND NOT handed_off)::int AS contained,
      count(*) FILTER (WHERE handed_off)::int AS handed_off,
      count(*) FILTER (WHERE resolved_at IS NOT NULL)::int AS resolved,
      count(*) FILTER (WHERE reopened)::int AS reopened
    FROM facts`,
    scopeParams(s),
  );
  return rows[0] as SummaryRow;
}

export type SlaByPriorityRow = { priority: string; conversations: number; met: number };

export async function selectSlaByPriority(db: Queryable, s: ReportScope): Promise<SlaByPriorityRow[]> {
  return db.query<SlaByPriorityRow>(
    `WITH ${SCOPE},
    ev AS (${events(['sla_started', 'sla_breached'])}),
    facts AS (
      SELECT s.priority,
        bool_or(e.kind = 'sla_breached' AND e.data->>'metric' IN ('firstResponse', 'resolution')) AS breached
      FROM scope s JOIN ev e ON e.conversation_id = s.id
      GROUP BY s.id, s.priority
      HAVING bool_or(e.kind = 'sla_started')
    )
    SELECT priority, count(*)::int AS conversations, count(*) FILTER (WHERE NOT breached)::int AS met
    FROM facts GROUP BY priority
    ORDER BY array_position(ARRAY['urgent', 'high', 'normal', 'low'], priority)`,
    scopeParams(s),
  );
}

export type DurationRow = {
  nrt_count: number;
  nrt_mean: number | null;
  nrt_median: number | null;
  nrt_p90: number | null;
};

/**
 * Next response time: after the first public agent reply, each wait from the first customer message that follows an
 * agent reply to the next agent reply.
 */
export async function selectNextResponse(db: Queryable, s: ReportScope): Promise<DurationRow> {
  const rows = await db.query<DurationRow>(
    `WITH ${SCOPE},
    msgs AS (
      SELECT conversation_id, kind, at,
        count(*) FILTER (WHERE kind = 'agent_message') OVER (
          PARTITION BY conversation_id ORDER BY at, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS replies_before
      FROM (${events(['customer_message', 'agent_message'])}) m
    ),
    waits AS (
      SELECT min(at) FILTER (WHERE kind = 'customer_message') AS asked,
        min(at) FILTER (WHERE kind = 'agent_message') AS answered
      FROM msgs WHERE replies_before >= 1
      GROUP BY conversation_id, replies_before
    )
    SELECT ${stats('extract(epoch FROM answered - asked)::float8', 'nrt')}
    FROM waits WHERE asked IS NOT NULL AND answered IS NOT NULL`,
    scopeParams(s),
  );
  return rows[0] as DurationRow;
}

export async function selectBacklog(db: Queryable, s: ReportScope): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM conversations c JOIN inboxes i ON i.id = c.inbox_id
     WHERE c.org_id = $1 AND i.org_id = $1 AND c.status IN ('open', 'pending', 'snoozed')
       AND c.merged_into_id IS NULL AND $2::text IS NOT NULL AND $3::text IS NOT NULL AND $4::text IS NOT NULL
       AND ${FILTERS}`,
    scopeParams(s),
  );
  return rows[0]?.n ?? 0;
}

const VOLUME_KEYS = {
  day: `to_char((s.created_at AT TIME ZONE $4::text)::date, 'YYYY-MM-DD')`,
  hour: `lpad(extract(hour FROM s.created_at AT TIME ZONE $4::text)::int::text, 2, '0')`,
  channel: 's.channel',
  intent: `COALESCE(s.last_intent, 'none')`,
  language: `COALESCE(s.last_language, 'unknown')`,
} as const;

export type VolumeRowDb = { key: string; conversations: number };

export async function selectVolume(
  db: Queryable,
  s: ReportScope,
  by: keyof typeof VOLUME_KEYS,
): Promise<VolumeRowDb[]> {
  if (by === 'day') {
    // Every day of the range, with the days nobody wrote as zeros.
    return db.query<VolumeRowDb>(
      `WITH ${SCOPE},
      counts AS (SELECT ${VOLUME_KEYS.day} AS key, count(*)::int AS n FROM scope s GROUP BY 1)
      SELECT to_char(d, 'YYYY-MM-DD') AS key, COALESCE(counts.n, 0)::int AS conversations
      FROM generate_series($2::date, $3::date, interval '1 day') AS d
      LEFT JOIN counts ON counts.key = to_char(d, 'YYYY-MM-DD')
      ORDER BY d`,
      scopeParams(s),
    );
  }
  return db.query<VolumeRowDb>(
    `WITH ${SCOPE}
    SELECT ${VOLUME_KEYS[by]} AS key, count(*)::int AS conversations FROM scope s GROUP BY 1
    ORDER BY ${by === 'hour' ? '1' : '2 DESC, 1'}`,
    scopeParams(s),
  );
}

export type AgentFiguresRow = {
  agent_id: string;
  name: string;
  team_ids: string[];
  handled: number;
  frt_median: number | null;
  res_median: number | null;
  csat_score: number | null;
  csat_responses: number;
};

/** Per agent: conversations they answered, their first replies, the resolutions and ratings that were theirs. */
export async function selectAgentFigures(db: Queryable, s: ReportScope): Promise<AgentFiguresRow[]> {
  return db.query<AgentFiguresRow>(
    `WITH ${SCOPE},
    ev AS (${events(['agent_message', 'first_reply', 'resolved', 'csat_answered'])}),
    per AS (
      SELECT e.actor_id AS agent_id,
        count(DISTINCT e.conversation_id) FILTER (WHERE e.kind = 'agent_message')::int AS handled,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN e.kind = 'first_reply'
          THEN extract(epoch FROM e.at - s.created_at)::float8 END) AS frt_median,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN e.kind = 'resolved'
          THEN extract(epoch FROM e.at - s.created_at)::float8 END) AS res_median,
        avg(CASE WHEN e.kind = 'csat_answered' THEN ((e.data->>'rating')::int - 1) / 4.0 END)::float8 AS csat_score,
        count(*) FILTER (WHERE e.kind = 'csat_answered')::int AS csat_responses
      FROM ev e JOIN scope s ON s.id = e.conversation_id
      WHERE e.actor_id IS NOT NULL
      GROUP BY e.actor_id
    )
    SELECT per.*, a.name,
      COALESCE((SELECT array_agg(tm.team_id::text ORDER BY tm.team_id) FROM team_members tm
                WHERE tm.org_id = $1 AND tm.agent_id = a.id), '{}') AS team_ids
    FROM per JOIN agents a ON a.id = per.agent_id AND a.org_id = $1
    ORDER BY per.handled DESC, a.name`,
    scopeParams(s),
  );
}

export type TeamFiguresRow = Omit<AgentFiguresRow, 'agent_id' | 'team_ids'> & { team_id: string };

/** Per team (the conversation's team now). */
export async function selectTeamFigures(db: Queryable, s: ReportScope): Promise<TeamFiguresRow[]> {
  return db.query<TeamFiguresRow>(
    `WITH ${SCOPE},
    ev AS (${events(['agent_message', 'first_reply', 'resolved', 'csat_answered'])}),
    per AS (
      SELECT s.team_id,
        count(DISTINCT e.conversation_id) FILTER (WHERE e.kind = 'agent_message')::int AS handled,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN e.kind = 'first_reply'
          THEN extract(epoch FROM e.at - s.created_at)::float8 END) AS frt_median,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY CASE WHEN e.kind = 'resolved'
          THEN extract(epoch FROM e.at - s.created_at)::float8 END) AS res_median,
        avg(CASE WHEN e.kind = 'csat_answered' THEN ((e.data->>'rating')::int - 1) / 4.0 END)::float8 AS csat_score,
        count(*) FILTER (WHERE e.kind = 'csat_answered')::int AS csat_responses
      FROM ev e JOIN scope s ON s.id = e.conversation_id
      WHERE s.team_id IS NOT NULL
      GROUP BY s.team_id
    )
    SELECT per.*, t.name FROM per JOIN teams t ON t.id = per.team_id AND t.org_id = $1
    ORDER BY per.handled DESC, t.name`,
    scopeParams(s),
  );
}

export type HandoffRowDb = { reason: string; intent: string | null; handoffs: number };

export async function selectHandoffs(db: Queryable, s: ReportScope): Promise<HandoffRowDb[]> {
  return db.query<HandoffRowDb>(
    `WITH ${SCOPE}
    SELECT COALESCE(e.data->>'reason', 'unknown') AS reason, e.data->>'intent' AS intent, count(*)::int AS handoffs
    FROM (${events(['handoff'])}) e
    GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`,
    scopeParams(s),
  );
}

export async function selectScopeCount(db: Queryable, s: ReportScope): Promise<number> {
  const rows = await db.query<{ n: number }>(`WITH ${SCOPE} SELECT count(*)::int AS n FROM scope`, scopeParams(s));
  return rows[0]?.n ?? 0;
}

export async function selectOrgTimeZone(db: Queryable, orgId: string): Promise<string | null> {
  const rows = await db.query<{ tz: string | null }>(
    `SELECT settings->>'timeZone' AS tz FROM organizations WHERE id = $1`,
    [orgId],
  );
  return rows[0]?.tz ?? null;
}
