import type { AgentStatus } from '../../contracts/routing.ts';
import type { Locale, Priority } from '../../contracts/domain.ts';
import { WAITING_FOR_AGENT } from '../conversations/conversation-writes.queries.ts';
import type { Queryable } from '../db/db.ts';

/** SQL only. Every function takes the organization id and filters on it (except the sweeper's list of orgs). */

/** In the queue: needed a human, nobody has it yet, and it is still open. */
const OPEN_LOAD = `(SELECT count(*)::int FROM conversations l WHERE l.org_id = $1 AND l.assignee_id = a.id AND l.status = 'open')`;

export async function selectInboxSwitches(
  db: Queryable,
  orgId: string,
  inboxId: string,
): Promise<{ routing: boolean; bot: boolean } | undefined> {
  const rows = await db.query<{ routing: boolean; bot: boolean }>(
    `SELECT COALESCE((settings->'routing'->>'enabled')::boolean, false) AS routing,
            COALESCE((settings->'bot'->>'enabled')::boolean, false) AS bot
       FROM inboxes WHERE org_id = $1 AND id = $2`,
    [orgId, inboxId],
  );
  return rows[0];
}

export type RoutingFactsRow = {
  inbox_id: string;
  contact_id: string;
  status: string;
  assignee_id: string | null;
  team_id: string | null;
  handoff_reason: string | null;
  security_flagged: boolean;
  contact_locale: Locale | null;
  vip_level: number;
  customer_text: string | null;
  detected_language: Locale | null;
  message_intent: string | null;
  handoff_intent: string | null;
  queue_entered_at: Date | null;
  queued_at: Date | null;
};

/** What decides a conversation's skills: the customer, the bot's hand-off, the latest customer message. */
export async function selectRoutingFacts(
  db: Queryable,
  orgId: string,
  conversationId: string,
): Promise<RoutingFactsRow | undefined> {
  const rows = await db.query<RoutingFactsRow>(
    `SELECT c.inbox_id, c.contact_id, c.status, c.assignee_id, c.team_id, c.handoff_reason,
            c.security_flagged_at IS NOT NULL AS security_flagged, c.queue_entered_at, c.queued_at,
            ct.locale AS contact_locale, ct.vip_level,
            lm.body AS customer_text, lm.meta->'bot'->>'language' AS detected_language,
            lm.meta->'bot'->>'intent' AS message_intent,
            (SELECT h.meta->'handoff'->>'intent' FROM messages h
              WHERE h.org_id = $1 AND h.conversation_id = c.id AND h.meta ? 'handoff'
              ORDER BY h.seq DESC LIMIT 1) AS handoff_intent
       FROM conversations c
       JOIN contacts ct ON ct.id = c.contact_id
       LEFT JOIN LATERAL (
         SELECT m.body, m.meta FROM messages m
          WHERE m.org_id = $1 AND m.conversation_id = c.id AND m.author_kind = 'customer'
          ORDER BY m.seq DESC LIMIT 1
       ) lm ON true
      WHERE c.org_id = $1 AND c.id = $2`,
    [orgId, conversationId],
  );
  return rows[0];
}

export type TeamRoutingRow = {
  id: string;
  name: string;
  skills: string[];
  overflow_team_id: string | null;
  overflow_after_seconds: number | null;
};

export async function selectTeamsForRouting(db: Queryable, orgId: string): Promise<TeamRoutingRow[]> {
  return db.query<TeamRoutingRow>(
    'SELECT id, name, skills, overflow_team_id, overflow_after_seconds FROM teams WHERE org_id = $1 ORDER BY name',
    [orgId],
  );
}

export type RoutingAgentRow = {
  id: string;
  name: string;
  status: AgentStatus;
  capacity: number;
  skills: string[];
  load: number;
  team_ids: string[];
  last_assigned_at: Date | null;
  disconnected_at: Date | null;
};

/** Every enabled agent of the org with their routing state (defaults when never configured) and current load. */
export async function selectRoutingAgents(db: Queryable, orgId: string, agentId?: string): Promise<RoutingAgentRow[]> {
  return db.query<RoutingAgentRow>(
    `SELECT a.id, a.name, COALESCE(r.status, 'offline') AS status, COALESCE(r.capacity, 5) AS capacity,
            COALESCE(r.skills, '{}') AS skills, r.last_assigned_at, r.disconnected_at,
            ${OPEN_LOAD} AS load,
            ARRAY(SELECT tm.team_id FROM team_members tm WHERE tm.org_id = $1 AND tm.agent_id = a.id) AS team_ids
       FROM agents a
       LEFT JOIN agent_routing r ON r.agent_id = a.id AND r.org_id = $1
      WHERE a.org_id = $1 AND a.disabled_at IS NULL AND ($2::uuid IS NULL OR a.id = $2)
      ORDER BY a.name, a.id`,
    [orgId, agentId ?? null],
  );
}

export type WaitingRow = {
  id: string;
  contact_id: string;
  priority: Priority;
  queued_at: Date;
  queue_entered_at: Date;
  required_skills: string[];
  team_id: string | null;
  routing_excluded_agent_ids: string[];
};

const WAITING_COLUMNS = `c.id, c.contact_id, c.priority, c.queued_at, c.queue_entered_at, c.required_skills, c.team_id,
  c.routing_excluded_agent_ids`;
const PRIORITY_ORDER = `CASE c.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END`;

export async function selectWaitingConversations(db: Queryable, orgId: string): Promise<WaitingRow[]> {
  return db.query<WaitingRow>(
    `SELECT ${WAITING_COLUMNS} FROM conversations c
      WHERE c.org_id = $1 AND ${WAITING_FOR_AGENT}
      ORDER BY ${PRIORITY_ORDER}, c.queued_at, c.id`,
    [orgId],
  );
}

/** Makes sure the agent has a routing row (so it can be locked), when the agent belongs to the org. */
export async function ensureAgentRouting(db: Queryable, orgId: string, agentId: string): Promise<void> {
  await db.query(
    `INSERT INTO agent_routing (agent_id, org_id)
     SELECT id, org_id FROM agents WHERE org_id = $1 AND id = $2
     ON CONFLICT (agent_id) DO NOTHING`,
    [orgId, agentId],
  );
}

/**
 * Locks the agent's routing row for the rest of the transaction and reads their capacity and load: two claims for
 * the same agent run one after the other, so neither can push the agent past capacity.
 */
export async function lockAgentForClaim(
  db: Queryable,
  orgId: string,
  agentId: string,
): Promise<{ status: AgentStatus; capacity: number; skills: string[]; load: number; team_ids: string[] } | undefined> {
  const locked = await db.query<{ status: AgentStatus; capacity: number; skills: string[] }>(
    'SELECT status, capacity, skills FROM agent_routing WHERE org_id = $1 AND agent_id = $2 FOR UPDATE',
    [orgId, agentId],
  );
  if (!locked[0]) return undefined;
  const rows = await db.query<{ load: number; team_ids: string[] }>(
    `SELECT ${OPEN_LOAD} AS load,
            ARRAY(SELECT tm.team_id FROM team_members tm WHERE tm.org_id = $1 AND tm.agent_id = a.id) AS team_ids
       FROM agents a WHERE a.org_id = $1 AND a.id = $2`,
    [orgId, agentId],
  );
  return { ...locked[0], load: rows[0]?.load ?? 0, team_ids: rows[0]?.team_ids ?? [] };
}

/** The best waiting conversation this agent can take, locked; rows another claim is holding are skipped, not waited on. */
export async function selectNextForAgent(
  db: Queryable,
  orgId: string,
  agent: { id: string; skills: string[]; teamIds: string[] },
): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>(
    `SELECT c.id FROM conversations c
      WHERE c.org_id = $1 AND ${WAITING_FOR_AGENT}
        AND c.required_skills <@ $3::text[]
        AND (c.team_id IS NULL OR c.team_id = ANY($4::uuid[]))
        AND NOT ($2::uuid = ANY(c.routing_excluded_agent_ids))
      ORDER BY ${PRIORITY_ORDER}, c.queued_at, c.id
      LIMIT 1
      FOR UPDATE OF c SKIP LOCKED`,
    [orgId, agent.id, agent.skills, agent.teamIds],
  );
  return rows[0]?.id;
}

export async function recordRoutedAssignment(
  db: Queryable,
  orgId: string,
  a: {
    conversationId: string;
    agentId: string;
    teamId: string | null;
    via: 'auto' | 'take_next';
    waitedSeconds: number;
    now: Date;
  },
): Promise<void> {
  await db.query('UPDATE agent_routing SET last_assigned_at = $3 WHERE org_id = $1 AND agent_id = $2', [
    orgId,
    a.agentId,
    a.now,
  ]);
  await db.query(
    `INSERT INTO routing_assignments (org_id, conversation_id, agent_id, team_id, via, waited_seconds, assigned_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [orgId, a.conversationId, a.agentId, a.teamId, a.via, a.waitedSeconds, a.now],
  );
}

/** How long customers waited for their recent assignments, newest first. */
export async function selectRecentWaits(db: Queryable, orgId: string, since: Date): Promise<number[]> {
  const rows = await db.query<{ waited_seconds: number }>(
    `SELECT waited_seconds FROM routing_assignments WHERE org_id = $1 AND assigned_at >= $2
      ORDER BY assigned_at DESC LIMIT 50`,
    [orgId, since],
  );
  return rows.map((row) => row.waited_seconds);
}

export type AgentRoutingChange = { status?: AgentStatus; capacity?: number; skills?: string[] };

export async function updateAgentRouting(
  db: Queryable,
  orgId: string,
  agentId: string,
  change: AgentRoutingChange & { now: Date },
): Promise<{ prev_status: AgentStatus; prev_capacity: number; prev_skills: string[] } | undefined> {
  await ensureAgentRouting(db, orgId, agentId);
  const rows = await db.query<{ prev_status: AgentStatus; prev_capacity: number; prev_skills: string[] }>(
    `UPDATE agent_routing r
        SET status = COALESCE($3, r.status),
            capacity = COALESCE($4, r.capacity),
            skills = COALESCE($5::text[], r.skills),
            status_changed_at = CASE WHEN $3 IS NOT NULL AND $3 <> r.status THEN $6 ELSE r.status_changed_at END,
            disconnected_at = CASE WHEN $3 = 'offline' THEN NULL ELSE r.disconnected_at END
       FROM (SELECT agent_id, status, capacity, skills FROM agent_routing
              WHERE org_id = $1 AND agent_id = $2 FOR UPDATE) prev
      WHERE r.agent_id = prev.agent_id
  RETURNING prev.status AS prev_status, prev.capacity AS prev_capacity, prev.skills AS prev_skills`,
    [orgId, agentId, change.status ?? null, change.capacity ?? null, change.skills ?? null, change.now],
  );
  return rows[0];
}

/**
 * The console's last socket on a node closed (`at`) or one opened again (null). Only agents routing knows about, and
 * only when no newer presence change (by `changedAt`) is recorded.
 */
export async function setAgentDisconnected(
  db: Queryable,
  orgId: string,
  agentId: string,
  at: Date | null,
  changedAt: Date,
): Promise<void> {
  await db.query(
    `UPDATE agent_routing SET disconnected_at = CASE WHEN $3::timestamptz IS NULL THEN NULL
                                                    ELSE COALESCE(disconnected_at, $3) END,
                              presence_at = $4
      WHERE org_id = $1 AND agent_id = $2 AND (presence_at IS NULL OR presence_at <= $4)`,
    [orgId, agentId, at, changedAt],
  );
}

export async function selectAgentsGoneSince(db: Queryable, orgId: string, cutoff: Date): Promise<string[]> {
  const rows = await db.query<{ agent_id: string }>(
    `SELECT agent_id FROM agent_routing
      WHERE org_id = $1 AND status <> 'offline' AND disconnected_at IS NOT NULL AND disconnected_at <= $2`,
    [orgId, cutoff],
  );
  return rows.map((row) => row.agent_id);
}

export async function selectOnlineAgentIds(db: Queryable, orgId: string): Promise<string[]> {
  const rows = await db.query<{ agent_id: string }>(
    `SELECT agent_id FROM agent_routing WHERE org_id = $1 AND status = 'online' AND disconnected_at IS NULL`,
    [orgId],
  );
  return rows.map((row) => row.agent_id);
}

/**
 * Routed conversations whose agent has left the customer waiting since before `cutoff`: the oldest customer message
 * after the agent's last public reply is older than the cutoff, and so is the assignment.
 */
export async function selectSilentAssignments(
  db: Queryable,
  orgId: string,
  cutoff: Date,
): Promise<{ id: string; assignee_id: string }[]> {
  return db.query<{ id: string; assignee_id: string }>(
    `SELECT c.id, c.assignee_id FROM conversations c
      WHERE c.org_id = $1 AND c.status = 'open' AND c.queued_at IS NOT NULL AND c.assignee_id IS NOT NULL
        AND c.assigned_at <= $2
        AND (SELECT min(m.created_at) FROM messages m
              WHERE m.org_id = $1 AND m.conversation_id = c.id AND m.author_kind = 'customer'
                AND m.seq > COALESCE((SELECT max(r.seq) FROM messages r
                                       WHERE r.org_id = $1 AND r.conversation_id = c.id AND r.author_kind = 'agent'
                                         AND NOT r.private), 0)) <= $2`,
    [orgId, cutoff],
  );
}

/** The organizations the sweeper has anything to do for: someone routable, or someone waiting. */
export async function selectRoutingOrgIds(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ org_id: string }>(
    `SELECT org_id FROM agent_routing WHERE status <> 'offline'
     UNION SELECT org_id FROM conversations WHERE queued_at IS NOT NULL AND assignee_id IS NULL AND status = 'open'`,
  );
  return rows.map((row) => row.org_id);
}

/** How many agents are online, and how many of them have room for one more conversation. */
export async function selectOnlineCapacity(
  db: Queryable,
  orgId: string,
): Promise<{ online: number; withRoom: number }> {
  const rows = await db.query<{ online: number; with_room: number }>(
    `SELECT count(*)::int AS online,
            count(*) FILTER (WHERE r.capacity > ${OPEN_LOAD.replace('a.id', 'r.agent_id')})::int AS with_room
       FROM agent_routing r
       JOIN agents a ON a.id = r.agent_id AND a.org_id = r.org_id AND a.disabled_at IS NULL
      WHERE r.org_id = $1 AND r.status = 'online'`,
    [orgId],
  );
  return { online: rows[0]?.online ?? 0, withRoom: rows[0]?.with_room ?? 0 };
}
