import type { Queryable } from '../db/db.ts';

/**
 * Reports read the per-conversation rollup of the event log (migration 022: conversation_facts and
 * conversation_agent_facts, rebuilt from conversation_events by triggers in the same transaction as each event;
 * migration 020 writes the events) and, for the dimensions a report is
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

/** The per-conversation rollup (migration 022). */
const FACTS = 'conversation_facts';

/**
 * Agent and team figures over the rows of `src` (key, handled, created_at, first_reply_ats, resolved_ats, ratings),
 * one per conversation and key: the conversations handled, the median first reply and resolution (every such event
 * counts) and the ratings.
 */
function figures(src: string): string {
  return `fig AS (
      SELECT h.key, h.handled, frt.frt_median, res.res_median, csat.csat_score,
        COALESCE(csat.csat_responses, 0)::int AS csat_responses
      FROM (SELECT key, count(*) FILTER (WHERE handled)::int AS handled FROM ${src} GROUP BY key) h
      LEFT JOIN (
        SELECT key, percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t - created_at)::float8) AS frt_median
        FROM ${src}, unnest(first_reply_ats) AS t GROUP BY key
      ) frt ON frt.key = h.key
      LEFT JOIN (
        SELECT key, percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM t - created_at)::float8) AS res_median
        FROM ${src}, unnest(resolved_ats) AS t GROUP BY key
      ) res ON res.key = h.key
      LEFT JOIN (
        SELECT key, avg((r - 1) / 4.0)::float8 AS csat_score, count(*)::int AS csat_responses
        FROM ${src}, unnest(ratings) AS r GROUP BY key
      ) csat ON csat.key = h.key
    )`;
}

const FIGURE_COLUMNS = 'handled, frt_median, res_median, csat_score, csat_responses';

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
    facts AS (
      SELECT s.id, s.created_at, f.first_reply_at, f.resolved_at,
        COALESCE(f.handed_off, false) AS handed_off,
        COALESCE(f.agent_replied, false) AS agent_replied,
        COALESCE(f.reopened, false) AS reopened,
        COALESCE(f.complained, false) AS complained,
        COALESCE(f.has_sla, false) AS has_sla,
        COALESCE(f.sla_breached, false) AS sla_breached,
        COALESCE(f.csat_requested, false) AS csat_requested,
        f.rating
      FROM scope s LEFT JOIN ${FACTS} f ON f.conversation_id = s.id AND f.org_id = $1
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
    facts AS (
      SELECT s.priority, f.sla_breached AS breached
      FROM scope s JOIN ${FACTS} f ON f.conversation_id = s.id AND f.org_id = $1
      WHERE f.has_sla
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
    waits AS (
      SELECT w AS wait FROM scope s JOIN ${FACTS} f ON f.conversation_id = s.id AND f.org_id = $1,
        unnest(f.nrt_waits) AS w
    )
    SELECT ${stats('wait', 'nrt')}
    FROM waits`,
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

export type CsatDayRow = {
  date: string;
  requested: number;
  responses: number;
  score: number | null;
  satisfied: number | null;
};

/**
 * CSAT per local day of the range (every day, zeros where nobody was asked), the day being the conversation's
 * creation day in the zone, as the summary scopes it: the days add up to the summary's figures.
 */
export async function selectCsatByDay(db: Queryable, s: ReportScope): Promise<CsatDayRow[]> {
  return db.query<CsatDayRow>(
    `WITH ${SCOPE},
    surveyed AS (
      SELECT ${VOLUME_KEYS.day} AS key, f.rating
      FROM scope s JOIN ${FACTS} f ON f.conversation_id = s.id AND f.org_id = $1
      WHERE f.csat_requested OR f.rating IS NOT NULL
    ),
    per_day AS (
      SELECT key, count(*)::int AS requested, count(rating)::int AS responses,
        avg((rating - 1) / 4.0)::float8 AS score,
        avg(CASE WHEN rating >= 4 THEN 1.0 WHEN rating IS NOT NULL THEN 0.0 END)::float8 AS satisfied
      FROM surveyed GROUP BY key
    )
    SELECT to_char(d, 'YYYY-MM-DD') AS date, COALESCE(p.requested, 0)::int AS requested,
      COALESCE(p.responses, 0)::int AS responses, p.score, p.satisfied
    FROM generate_series($2::date, $3::date, interval '1 day') AS d
    LEFT JOIN per_day p ON p.key = to_char(d, 'YYYY-MM-DD')
    ORDER BY d`,
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
    af AS (
      SELECT f.agent_id AS key, f.messaged AS handled, s.created_at, f.first_reply_ats, f.resolved_ats, f.ratings
      FROM scope s JOIN conversation_agent_facts f ON f.conversation_id = s.id AND f.org_id = $1
    ),
    ${figures('af')},
    per AS (SELECT key AS agent_id, ${FIGURE_COLUMNS} FROM fig)
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
    tf AS (
      SELECT s.team_id AS key, f.agent_replied AS handled, s.created_at, f.first_reply_ats, f.resolved_ats, f.ratings
      FROM scope s JOIN ${FACTS} f ON f.conversation_id = s.id AND f.org_id = $1
      WHERE s.team_id IS NOT NULL
        AND (f.agent_replied OR cardinality(f.first_reply_ats) > 0 OR cardinality(f.resolved_ats) > 0
             OR cardinality(f.ratings) > 0)
    ),
    ${figures('tf')},
    per AS (SELECT key AS team_id, ${FIGURE_COLUMNS} FROM fig)
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

/** The instants the range's first day starts and the day after its last starts, in the zone (DST included). */
export async function selectRangeBounds(
  db: Queryable,
  s: Pick<ReportScope, 'from' | 'to' | 'timeZone'>,
): Promise<{ start: Date; end: Date }> {
  const rows = await db.query<{ start: Date; end: Date }>(
    `SELECT ($1::date::timestamp AT TIME ZONE $3::text) AS start,
            (($2::date + 1)::timestamp AT TIME ZONE $3::text) AS "end"`,
    [s.from, s.to, s.timeZone],
  );
  const row = rows[0] as { start: Date | string; end: Date | string };
  return { start: new Date(row.start), end: new Date(row.end) };
}

export type PresenceLogRow = { agent_id: string; status: string; at: Date };

/**
 * One organization's presence log (migration 034) for [start, end): each agent's last entry before `start` (the
 * state the range opens in) and every entry within it, by agent and time.
 */
export async function selectPresenceLog(
  db: Queryable,
  orgId: string,
  start: Date,
  end: Date,
): Promise<PresenceLogRow[]> {
  return db.query<PresenceLogRow>(
    `SELECT agent_id, status, at FROM (
       SELECT DISTINCT ON (agent_id) agent_id, status, at, id FROM agent_presence_log
        WHERE org_id = $1 AND at < $2 ORDER BY agent_id, at DESC, id DESC
     ) opening
     UNION ALL
     SELECT agent_id, status, at FROM (
       SELECT agent_id, status, at, id FROM agent_presence_log WHERE org_id = $1 AND at >= $2 AND at < $3
     ) within
     ORDER BY agent_id, at`,
    [orgId, start, end],
  );
}

export type HandlingRow = { agent_id: string; start: Date; end: Date };

/** The conversation filters occupancy honours: the conversation's dimensions now, as every report reads them. */
export type HandlingFilter = Pick<ReportScope, 'channel' | 'intent' | 'language' | 'priority'>;

/**
 * The stretches of [start, end) in which a conversation was assigned to an agent and open, from the event log
 * (migration 020): each conversation's assignee and status carried forward from the events that set them (created,
 * assigned, transferred, unassigned, status_changed), each state lasting until the conversation's next event. A
 * conversation assigned before the range and still open in it counts from the range's start. Only conversations that
 * can matter are read: those with such an event since `start` (the index on org, kind, time), and those open and
 * assigned now (a conversation with no event since `start` is in the state it was in at `start`), and of those only
 * the ones matching `filter` (channel, intent, language, priority; null = any), so that busy time is the time spent
 * on the conversations the report is about.
 */
export async function selectHandlingStretches(
  db: Queryable,
  orgId: string,
  start: Date,
  end: Date,
  filter: HandlingFilter = { channel: null, intent: null, language: null, priority: null },
): Promise<HandlingRow[]> {
  return db.query<HandlingRow>(
    `WITH candidates AS (
       SELECT conversation_id FROM conversation_events
        WHERE org_id = $1 AND kind IN ('created', 'assigned', 'transferred', 'unassigned', 'status_changed') AND at >= $2
       UNION
       SELECT id FROM conversations WHERE org_id = $1 AND status = 'open' AND assignee_id IS NOT NULL
     ),
     relevant AS (
       SELECT k.conversation_id FROM candidates k
       JOIN conversations c ON c.id = k.conversation_id AND c.org_id = $1
       JOIN inboxes i ON i.id = c.inbox_id AND i.org_id = $1
       WHERE ($4::text IS NULL OR i.kind = $4::text)
         AND ($5::text IS NULL OR c.last_intent = $5::text)
         AND ($6::text IS NULL OR c.last_language = $6::text)
         AND ($7::text IS NULL OR c.priority = $7::text)
     ),
     ev AS (
       SELECT e.conversation_id, e.at, e.id,
         e.kind IN ('assigned', 'transferred', 'unassigned') AS sets_assignee,
         CASE WHEN e.kind IN ('assigned', 'transferred') THEN e.actor_id END AS assignee,
         CASE WHEN e.kind = 'status_changed' THEN e.data->>'to' WHEN e.kind = 'created' THEN e.data->>'status' END
           AS status
       FROM conversation_events e JOIN relevant r ON r.conversation_id = e.conversation_id
       WHERE e.org_id = $1 AND e.kind IN ('created', 'assigned', 'transferred', 'unassigned', 'status_changed')
         AND e.at < $3
     ),
     numbered AS (
       SELECT *, count(*) FILTER (WHERE sets_assignee) OVER w AS assignee_group, count(status) OVER w AS status_group
       FROM ev WINDOW w AS (PARTITION BY conversation_id ORDER BY at, id)
     ),
     states AS (
       SELECT conversation_id, at, id,
         first_value(assignee) OVER (PARTITION BY conversation_id, assignee_group ORDER BY at, id) AS assignee,
         first_value(status) OVER (PARTITION BY conversation_id, status_group ORDER BY at, id) AS status
       FROM numbered
     ),
     stretches AS (
       SELECT assignee, status, at AS from_at,
         lead(at) OVER (PARTITION BY conversation_id ORDER BY at, id) AS to_at
       FROM states
     )
     SELECT assignee AS agent_id, greatest(from_at, $2) AS start, least(COALESCE(to_at, $3), $3) AS "end"
     FROM stretches
     WHERE assignee IS NOT NULL AND status = 'open' AND from_at < $3 AND COALESCE(to_at, $3) > $2
       AND COALESCE(to_at, $3) > from_at`,
    [orgId, start, end, filter.channel, filter.intent, filter.language, filter.priority],
  );
}

/** Each team's members now: the teams an agent's row names. */
export async function selectTeamMembers(
  db: Queryable,
  orgId: string,
): Promise<{ team_id: string; agent_id: string }[]> {
  return db.query<{ team_id: string; agent_id: string }>(
    'SELECT team_id, agent_id FROM team_members WHERE org_id = $1',
    [orgId],
  );
}

export type MembershipLogRow = { team_id: string; agent_id: string; change: 'joined' | 'left'; at: Date };

/**
 * One organization's team membership log (migration 035) up to `end`, by team, agent and time: the entries before
 * the range say who was a member when it opened. (Every entry, not just the last before the range: a team's members
 * change seldom, so the log stays small.)
 */
export async function selectMembershipLog(db: Queryable, orgId: string, end: Date): Promise<MembershipLogRow[]> {
  return db.query<MembershipLogRow>(
    `SELECT team_id, agent_id, change, at FROM team_membership_log WHERE org_id = $1 AND at < $2
     ORDER BY team_id, agent_id, at, id`,
    [orgId, end],
  );
}

/** Names of the organization's agents and teams, for rows that have occupancy but no conversation in the range. */
export async function selectAgentNames(db: Queryable, orgId: string): Promise<{ id: string; name: string }[]> {
  return db.query<{ id: string; name: string }>('SELECT id, name FROM agents WHERE org_id = $1', [orgId]);
}

export async function selectTeamNames(db: Queryable, orgId: string): Promise<{ id: string; name: string }[]> {
  return db.query<{ id: string; name: string }>('SELECT id, name FROM teams WHERE org_id = $1', [orgId]);
}
