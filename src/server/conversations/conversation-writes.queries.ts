import type { Priority } from '../../contracts/domain.ts';
import type { Queryable } from '../db/db.ts';

/**
 * Every write to the conversations row made on behalf of another domain: the bot's state, hand-off and its reading of a message, routing's
 * queue and claims, the SLA's escalation and risk, rule and agent priorities, complaint tags, team changes. The
 * conversations domain owns the table; the other domains call these through `conversation-writes.ts` (never this
 * file), so what a conversation's columns can become is readable in one place. Every statement is scoped by org_id.
 */

/** In the queue and nobody's yet: what routing may claim or move. Routing's reads use the same predicate. */
export const WAITING_FOR_AGENT = `c.queued_at IS NOT NULL AND c.assignee_id IS NULL AND c.status = 'open'`;

const RANK = (column: string) =>
  `CASE ${column} WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'normal' THEN 2 ELSE 1 END`;

export async function updateBotState(
  db: Queryable,
  orgId: string,
  conversationId: string,
  state: unknown,
): Promise<void> {
  await db.query('UPDATE conversations SET bot_state = $3 WHERE org_id = $1 AND id = $2', [
    orgId,
    conversationId,
    JSON.stringify(state),
  ]);
}

/**
 * Hands the conversation to the humans: records why, raises (never lowers) the priority, adds tags, and flags it for
 * the security team when asked.
 */
export async function markHandedOff(
  db: Queryable,
  orgId: string,
  conversationId: string,
  h: { reason: string | null; priority: Priority; tags: string[]; securityFlag: boolean },
): Promise<void> {
  await db.query(
    `UPDATE conversations
        SET handoff_at = CASE WHEN $3::text IS NULL THEN handoff_at ELSE COALESCE(handoff_at, now()) END,
            handoff_reason = COALESCE(handoff_reason, $3),
            priority = CASE WHEN ${RANK('$4')} > ${RANK('priority')}
                            THEN $4 ELSE priority END,
            tags = ARRAY(SELECT DISTINCT unnest(tags || $5::text[]) ORDER BY 1),
            security_flagged_at = CASE WHEN $6::boolean THEN COALESCE(security_flagged_at, now()) ELSE security_flagged_at END,
            status = CASE WHEN status IN ('resolved', 'closed', 'snoozed', 'pending') THEN 'open' ELSE status END,
            updated_at = now()
      WHERE org_id = $1 AND id = $2`,
    [orgId, conversationId, h.reason, h.priority, h.tags, h.securityFlag],
  );
}

/**
 * A resolved conversation the customer writes to again goes back to the bot: the new question gets the same bot-first
 * treatment as a new conversation (look-ups, articles, a hand-off when needed) instead of waiting for a person who
 * already closed the last one. The history and the earlier hand-off note stay in the thread.
 */
export async function returnConversationToBot(
  db: Queryable,
  orgId: string,
  conversationId: string,
  state: unknown,
): Promise<void> {
  await db.query(
    `UPDATE conversations
        SET bot_state = $3, handoff_at = NULL, assignee_id = NULL, assigned_at = NULL, queued_at = NULL,
            queue_entered_at = NULL, updated_at = now()
      WHERE org_id = $1 AND id = $2`,
    [orgId, conversationId, JSON.stringify(state)],
  );
}

/** Adds the complaint tag; false when it was already there. */
export async function addComplaintTag(db: Queryable, orgId: string, conversationId: string): Promise<boolean> {
  const rows = await db.query(
    `UPDATE conversations SET tags = array_append(tags, 'complaint'), updated_at = now()
      WHERE org_id = $1 AND id = $2 AND NOT ('complaint' = ANY (tags))
      RETURNING id`,
    [orgId, conversationId],
  );
  return rows.length > 0;
}

export async function setConversationTeam(
  db: Queryable,
  orgId: string,
  conversationId: string,
  teamId: string,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE conversations SET team_id = $3, updated_at = now()
      WHERE org_id = $1 AND id = $2 AND team_id IS DISTINCT FROM $3 RETURNING id`,
    [orgId, conversationId, teamId],
  );
  return rows.length > 0;
}

export async function markPrioritySetByAgent(
  db: Queryable,
  orgId: string,
  conversationId: string,
  reason: string | null,
): Promise<void> {
  await db.query(
    `UPDATE conversations SET priority_source = 'agent', priority_reason = $3 WHERE org_id = $1 AND id = $2`,
    [orgId, conversationId, reason],
  );
}

/**
 * Raises (never lowers) the priority to what the rules decided. A priority an agent set by hand is left alone, except
 * that funds at risk still make it urgent. Returns the previous priority when it changed.
 */
export async function raisePriorityByRule(
  db: Queryable,
  orgId: string,
  conversationId: string,
  change: { priority: Priority; reasons: string[]; fundsAtRisk: boolean },
): Promise<{ prev_priority: Priority } | undefined> {
  const rows = await db.query<{ prev_priority: Priority }>(
    `UPDATE conversations c
        SET priority = $3, priority_source = 'rule', priority_reason = $4, updated_at = now()
       FROM (SELECT id, priority FROM conversations WHERE org_id = $1 AND id = $2 FOR UPDATE) prev
      WHERE c.id = prev.id
        AND ${RANK('$3')} > ${RANK('c.priority')}
        AND (c.priority_source <> 'agent' OR ($5::boolean AND $3 = 'urgent'))
  RETURNING prev.priority AS prev_priority`,
    [orgId, conversationId, change.priority, change.reasons.join(', '), change.fundsAtRisk],
  );
  return rows[0];
}

/**
 * Puts a conversation in the queue (or refreshes its skills and team if it already waits). Its place (queued_at) is
 * kept from the first time; a conversation someone already has, or a closed one, is left alone.
 */
export async function markQueued(
  db: Queryable,
  orgId: string,
  conversationId: string,
  q: { skills: string[]; teamId: string | null; now: Date },
): Promise<{ queue_entered_at: Date } | undefined> {
  const rows = await db.query<{ queue_entered_at: Date }>(
    `UPDATE conversations
        SET queued_at = COALESCE(queued_at, $4),
            queue_entered_at = CASE WHEN queued_at IS NULL OR assigned_at IS NOT NULL AND queue_entered_at <= assigned_at
                                    THEN $4 ELSE queue_entered_at END,
            required_skills = $3,
            team_id = COALESCE(team_id, $5),
            updated_at = now()
      WHERE org_id = $1 AND id = $2 AND assignee_id IS NULL AND status = 'open'
  RETURNING queue_entered_at`,
    [orgId, conversationId, q.skills, q.now, q.teamId],
  );
  return rows[0];
}

/** The claim itself: only a conversation nobody has yet, so of many concurrent claims exactly one succeeds. */
export async function assignIfWaiting(
  db: Queryable,
  orgId: string,
  conversationId: string,
  agentId: string,
  now: Date,
): Promise<{ queue_entered_at: Date | null; team_id: string | null } | undefined> {
  const rows = await db.query<{ queue_entered_at: Date | null; team_id: string | null }>(
    `UPDATE conversations c SET assignee_id = $3, assigned_at = $4, updated_at = now()
      WHERE c.org_id = $1 AND c.id = $2 AND ${WAITING_FOR_AGENT}
  RETURNING c.queue_entered_at, c.team_id`,
    [orgId, conversationId, agentId, now],
  );
  return rows[0];
}

/**
 * Back to the queue: the routed, open conversations of an agent (all of them, or the given ones), keeping their
 * original place. `exclude` also keeps that agent from getting them again.
 */
export async function requeueAgentConversations(
  db: Queryable,
  orgId: string,
  agentId: string,
  opts: { now: Date; conversationIds?: string[]; exclude: boolean },
): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `UPDATE conversations c
        SET assignee_id = NULL, queue_entered_at = $3, updated_at = now(),
            routing_excluded_agent_ids = CASE WHEN $5::boolean THEN array_append(c.routing_excluded_agent_ids, $2::uuid)
                                              ELSE c.routing_excluded_agent_ids END
      WHERE c.org_id = $1 AND c.assignee_id = $2 AND c.status = 'open' AND c.queued_at IS NOT NULL
        AND ($4::uuid[] IS NULL OR c.id = ANY($4::uuid[]))
  RETURNING c.id`,
    [orgId, agentId, opts.now, opts.conversationIds ?? null, opts.exclude],
  );
  return rows.map((row) => row.id);
}

/** Waiting conversations whose team's overflow time has passed: they move to the overflow team's queue. */
export async function overflowWaitingConversations(
  db: Queryable,
  orgId: string,
  now: Date,
): Promise<{ id: string; from_team_id: string; to_team_id: string }[]> {
  return db.query<{ id: string; from_team_id: string; to_team_id: string }>(
    `UPDATE conversations c
        SET team_id = t.overflow_team_id, queue_entered_at = $2, updated_at = now()
       FROM teams t
      WHERE c.org_id = $1 AND t.org_id = $1 AND t.id = c.team_id AND ${WAITING_FOR_AGENT}
        AND t.overflow_team_id IS NOT NULL AND t.overflow_after_seconds IS NOT NULL
        AND c.queue_entered_at <= $2::timestamptz - make_interval(secs => t.overflow_after_seconds)
  RETURNING c.id, t.id AS from_team_id, t.overflow_team_id AS to_team_id`,
    [orgId, now],
  );
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

/** The conversation's SLA risk, moved with its clocks (the SLA domain owns the clocks in conversation_slas). */
export async function setSlaRisk(
  db: Queryable,
  orgId: string,
  conversationId: string,
  risk: 'at_risk' | 'breached' | null,
): Promise<void> {
  await db.query('UPDATE conversations SET sla_risk = $3, updated_at = now() WHERE org_id = $1 AND id = $2', [
    orgId,
    conversationId,
    risk,
  ]);
}

/** A removed team's conversations go back to the org-wide queue. */
export async function clearConversationsTeam(db: Queryable, orgId: string, teamId: string): Promise<void> {
  await db.query('UPDATE conversations SET team_id = NULL, updated_at = now() WHERE org_id = $1 AND team_id = $2', [
    orgId,
    teamId,
  ]);
}

/** Adds the bot's reading of a customer message to it, for analytics and retraining. */
/**
 * A bot turn's record in one statement: its reading of the customer's message (merged into the message's meta) and the
 * conversation's new bot state. Two statements were two waits for a pooled connection on every customer message.
 */
export async function recordBotTurn(
  db: Queryable,
  orgId: string,
  turn: { conversationId: string; messageId: string; meta: Record<string, unknown>; state: unknown },
): Promise<void> {
  await db.query(
    `WITH reading AS (
       UPDATE messages SET meta = meta || $4::jsonb WHERE org_id = $1 AND id = $3 AND conversation_id = $2
     )
     UPDATE conversations SET bot_state = $5 WHERE org_id = $1 AND id = $2`,
    [orgId, turn.conversationId, turn.messageId, JSON.stringify(turn.meta), JSON.stringify(turn.state)],
  );
}

export async function mergeMessageMeta(
  db: Queryable,
  orgId: string,
  messageId: string,
  meta: Record<string, unknown>,
): Promise<void> {
  await db.query('UPDATE messages SET meta = meta || $3::jsonb WHERE org_id = $1 AND id = $2', [
    orgId,
    messageId,
    JSON.stringify(meta),
  ]);
}

/**
 * Contact merge (contacts/contacts.merge.ts): every conversation of one contact becomes another's; returns the ids
 * moved, which the merge records so an undo can give exactly those back.
 */
export async function moveContactConversations(
  db: Queryable,
  orgId: string,
  fromContactId: string,
  toContactId: string,
): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `UPDATE conversations SET contact_id = $3, updated_at = now()
      WHERE org_id = $1 AND contact_id = $2
      RETURNING id`,
    [orgId, fromContactId, toContactId],
  );
  return rows.map((row) => row.id);
}

/** Contact merge undone: these conversations go back to the contact they came from. */
export async function returnConversationsToContact(
  db: Queryable,
  orgId: string,
  conversationIds: string[],
  contactId: string,
): Promise<void> {
  if (conversationIds.length === 0) return;
  await db.query(
    `UPDATE conversations SET contact_id = $3, updated_at = now()
      WHERE org_id = $1 AND id = ANY($2::uuid[])`,
    [orgId, conversationIds, contactId],
  );
}

/** The files a channel received with a customer's message, once they are stored (they need the message to exist). */
export async function setMessageAttachments(
  db: Queryable,
  orgId: string,
  messageId: string,
  attachments: { name: string; url: string; contentType: string; size: number }[],
): Promise<void> {
  await db.query('UPDATE messages SET attachments = $3 WHERE org_id = $1 AND id = $2', [
    orgId,
    messageId,
    JSON.stringify(attachments),
  ]);
}

/**
 * Data retention (retention/), delete mode: these conversations' messages and rows go. The caller has removed every
 * other row that references them first; a conversation outside the list that was merged into one of them loses the
 * pointer rather than block the delete (it is itself old, resolved and due, or already anonymised: retention holds
 * a merge target while any conversation merged into it is kept).
 */
export async function deleteConversationsForRetention(
  db: Queryable,
  orgId: string,
  conversationIds: string[],
): Promise<{ conversations: number; messages: number }> {
  if (conversationIds.length === 0) return { conversations: 0, messages: 0 };
  await db.query(
    `UPDATE conversations SET merged_into_id = NULL
      WHERE org_id = $1 AND merged_into_id = ANY($2::uuid[]) AND NOT (id = ANY($2::uuid[]))`,
    [orgId, conversationIds],
  );
  const messages = await db.query<{ n: number }>(
    `WITH gone AS (DELETE FROM messages WHERE org_id = $1 AND conversation_id = ANY($2::uuid[]) RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [orgId, conversationIds],
  );
  const conversations = await db.query<{ n: number }>(
    `WITH gone AS (DELETE FROM conversations WHERE org_id = $1 AND id = ANY($2::uuid[]) RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [orgId, conversationIds],
  );
  return { conversations: conversations[0]?.n ?? 0, messages: messages[0]?.n ?? 0 };
}

/**
 * Data retention, anonymise mode: every message keeps its place (seq, author kind, time: the shape reports and the
 * timeline read) but its words become `placeholder`, a customer's name and every attachment and meta go; the
 * conversation's preview, bot state, attributes and priority reason (which may quote the customer) go, and it is
 * marked so retention passes it by afterwards. Status, assignee, team and priority stay, so no event is recorded.
 */
export async function anonymiseConversationsForRetention(
  db: Queryable,
  orgId: string,
  conversationIds: string[],
  placeholder: string,
): Promise<{ conversations: number; messages: number }> {
  if (conversationIds.length === 0) return { conversations: 0, messages: 0 };
  const messages = await db.query<{ n: number }>(
    `WITH changed AS (
       UPDATE messages
          SET body = $3, attachments = '[]', meta = '{}',
              author_name = CASE WHEN author_kind = 'customer' THEN NULL ELSE author_name END
        WHERE org_id = $1 AND conversation_id = ANY($2::uuid[])
       RETURNING 1)
     SELECT count(*)::int AS n FROM changed`,
    [orgId, conversationIds, placeholder],
  );
  const conversations = await db.query<{ n: number }>(
    `WITH changed AS (
       UPDATE conversations
          SET last_message = CASE WHEN last_message IS NULL THEN NULL
                                  ELSE jsonb_set(last_message, '{body}', to_jsonb($3::text)) END,
              bot_state = '{}', attributes = '{}', priority_reason = NULL, anonymised_at = now()
        WHERE org_id = $1 AND id = ANY($2::uuid[]) AND anonymised_at IS NULL
       RETURNING 1)
     SELECT count(*)::int AS n FROM changed`,
    [orgId, conversationIds, placeholder],
  );
  return { conversations: conversations[0]?.n ?? 0, messages: messages[0]?.n ?? 0 };
}
