import type { AttributeDefinition, AttributeType } from '../../contracts/tools.ts';
import type { Queryable } from '../db/db.ts';
import type { MessageRow } from './conversations.queries.ts';

/** SQL only, for the agent tools on conversations (tags, attributes, snooze, merge, history). Every query takes orgId. */

/** Adds and removes tags in one statement; returns the tags before and after, or undefined when there is no such row. */
export async function updateConversationTags(
  db: Queryable,
  orgId: string,
  conversationId: string,
  change: { add: string[]; remove: string[] },
): Promise<{ before: string[]; after: string[] } | undefined> {
  const rows = await db.query<{ before: string[]; after: string[] }>(
    `UPDATE conversations c
        SET tags = ARRAY(SELECT DISTINCT t FROM unnest(prev.tags || $3::text[]) t WHERE t <> ALL($4::text[]) ORDER BY 1),
            updated_at = now()
       FROM (SELECT id, tags FROM conversations WHERE org_id = $1 AND id = $2 FOR UPDATE) prev
      WHERE c.id = prev.id
  RETURNING prev.tags AS before, c.tags AS after`,
    [orgId, conversationId, change.add, change.remove],
  );
  return rows[0];
}

export async function selectTagCounts(db: Queryable, orgId: string, limit: number) {
  return db.query<{ tag: string; count: number }>(
    `SELECT tag, count(*)::int AS count FROM conversations, unnest(tags) AS tag
      WHERE org_id = $1 GROUP BY tag ORDER BY count DESC, tag LIMIT $2`,
    [orgId, limit],
  );
}

type DefinitionRow = { key: string; label: string; type: AttributeType; options: string[] | null };

export async function selectAttributeDefinitions(db: Queryable, orgId: string): Promise<AttributeDefinition[]> {
  return db.query<DefinitionRow>(
    'SELECT key, label, type, options FROM conversation_attribute_definitions WHERE org_id = $1 ORDER BY key',
    [orgId],
  );
}

/** Inserts or replaces a definition; existing values are left as they are (they are checked again on the next write). */
export async function upsertAttributeDefinition(db: Queryable, orgId: string, d: AttributeDefinition): Promise<void> {
  await db.query(
    `INSERT INTO conversation_attribute_definitions (org_id, key, label, type, options) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (org_id, key) DO UPDATE SET label = EXCLUDED.label, type = EXCLUDED.type, options = EXCLUDED.options`,
    [orgId, d.key, d.label, d.type, d.options ? JSON.stringify(d.options) : null],
  );
}

/** Sets `set` and removes `remove` keys; returns the attributes before, or undefined when there is no such row. */
export async function updateConversationAttributes(
  db: Queryable,
  orgId: string,
  conversationId: string,
  change: { set: Record<string, unknown>; remove: string[] },
): Promise<{ before: Record<string, unknown> } | undefined> {
  const rows = await db.query<{ before: Record<string, unknown> }>(
    `UPDATE conversations c
        SET attributes = (prev.attributes || $3::jsonb) - $4::text[], updated_at = now()
       FROM (SELECT id, attributes FROM conversations WHERE org_id = $1 AND id = $2 FOR UPDATE) prev
      WHERE c.id = prev.id
  RETURNING prev.attributes AS before`,
    [orgId, conversationId, JSON.stringify(change.set), change.remove],
  );
  return rows[0];
}

/** Snoozes an open or pending conversation; returns its previous status, or undefined when none matched. */
export async function snoozeConversationRow(
  db: Queryable,
  orgId: string,
  conversationId: string,
  until: Date | null,
): Promise<{ prev_status: string } | undefined> {
  const rows = await db.query<{ prev_status: string }>(
    `UPDATE conversations c
        SET status = 'snoozed', snoozed_until = $3, resolved_at = NULL, updated_at = now()
       FROM (SELECT id, status FROM conversations WHERE org_id = $1 AND id = $2 FOR UPDATE) prev
      WHERE c.id = prev.id AND prev.status <> 'closed'
  RETURNING prev.status AS prev_status`,
    [orgId, conversationId, until],
  );
  return rows[0];
}

/**
 * Wakes the org's snoozes that are due at `now` (the caller's clock, not the database's). It waits for rows another
 * transaction holds (the SLA clocks touch the same row when it was snoozed) instead of skipping them; two nodes waking
 * at once stay exactly-once because the waiting one re-reads the row and no longer finds it snoozed.
 */
export async function wakeDueSnoozes(
  db: Queryable,
  orgId: string,
  now: Date,
): Promise<{ id: string; snoozed_until: Date }[]> {
  return db.query<{ id: string; snoozed_until: Date }>(
    `UPDATE conversations c
        SET status = 'open', snoozed_until = NULL, updated_at = now()
       FROM (SELECT id, snoozed_until FROM conversations
              WHERE org_id = $1 AND status = 'snoozed' AND snoozed_until <= $2
              ORDER BY snoozed_until LIMIT 500 FOR UPDATE) due
      WHERE c.id = due.id
  RETURNING c.id, due.snoozed_until`,
    [orgId, now],
  );
}

/**
 * The organizations with a snooze due: the one query that crosses tenants, because the wake-up job runs for the whole
 * platform and then works org by org.
 */
export async function selectOrgsWithDueSnoozes(db: Queryable, now: Date): Promise<string[]> {
  const rows = await db.query<{ org_id: string }>(
    `SELECT DISTINCT org_id FROM conversations WHERE status = 'snoozed' AND snoozed_until <= $1`,
    [now],
  );
  return rows.map((r) => r.org_id);
}

export type MergeCandidateRow = {
  id: string;
  number: number;
  contact_id: string;
  status: string;
  merged_into_id: string | null;
};

/** Locks both conversations (in id order, so two opposite merges cannot deadlock) and returns them. */
export async function lockConversationsForMerge(
  db: Queryable,
  orgId: string,
  ids: [string, string],
): Promise<MergeCandidateRow[]> {
  return db.query<MergeCandidateRow>(
    `SELECT id, number, contact_id, status, merged_into_id FROM conversations
      WHERE org_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
    [orgId, ids],
  );
}

/**
 * Closes the merged conversation and points it (and anything merged into it before) at the survivor, so a chain of
 * merges always resolves in one hop. The survivor takes the merged one's tags and the newer activity time.
 */
export async function markMerged(db: Queryable, orgId: string, mergedId: string, survivorId: string): Promise<void> {
  await db.query(
    `UPDATE conversations SET merged_into_id = $3, updated_at = now()
      WHERE org_id = $1 AND merged_into_id = $2`,
    [orgId, mergedId, survivorId],
  );
  await db.query(
    `UPDATE conversations SET status = 'closed', merged_into_id = $3, snoozed_until = NULL, updated_at = now()
      WHERE org_id = $1 AND id = $2`,
    [orgId, mergedId, survivorId],
  );
  await db.query(
    `UPDATE conversations s
        SET tags = ARRAY(SELECT DISTINCT t FROM unnest(s.tags || m.tags) t ORDER BY 1),
            last_activity_at = GREATEST(s.last_activity_at, m.last_activity_at),
            updated_at = now()
       FROM conversations m
      WHERE s.org_id = $1 AND s.id = $3 AND m.org_id = $1 AND m.id = $2`,
    [orgId, mergedId, survivorId],
  );
}

/** The survivor and every conversation merged into it, survivor first. */
export async function selectMergeFamily(db: Queryable, orgId: string, survivorId: string) {
  return db.query<{ id: string; number: number; merged_into_id: string | null; created_at: Date; channel: string }>(
    `SELECT id, number, merged_into_id, created_at,
            (SELECT kind FROM inboxes i WHERE i.org_id = conversations.org_id AND i.id = conversations.inbox_id) AS channel
       FROM conversations
      WHERE org_id = $1 AND (id = $2 OR merged_into_id = $2)
      ORDER BY (id = $2) DESC, created_at`,
    [orgId, survivorId],
  );
}

/** Messages of several conversations of one org, oldest first (history of a merge, transcripts). */
export async function selectMessagesOfConversations(
  db: Queryable,
  orgId: string,
  conversationIds: string[],
  opts: { includePrivate: boolean; limit: number },
): Promise<MessageRow[]> {
  return db.query<MessageRow>(
    `SELECT id, conversation_id, seq, author_kind, author_id, author_name, body, private, attachments, client_id, meta,
            created_at
       FROM messages
      WHERE org_id = $1 AND conversation_id = ANY($2::uuid[]) AND ($3::boolean OR NOT private)
      ORDER BY created_at, conversation_id, seq
      LIMIT $4`,
    [orgId, conversationIds, opts.includePrivate, opts.limit],
  );
}

/**
 * Copies the bot's reading of a customer message (its intent and reply language, written to the message's meta by the
 * bot) onto the conversation. One row by primary key: the list filters then never look at messages.
 */
export async function copyBotReadingToConversation(
  db: Queryable,
  orgId: string,
  conversationId: string,
  customerMessageId: string,
): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `UPDATE conversations c
        SET last_intent = COALESCE(m.meta->'bot'->>'intent', c.last_intent),
            last_language = COALESCE(m.meta->'bot'->>'language', c.last_language)
       FROM messages m
      WHERE c.org_id = $1 AND c.id = $2 AND m.org_id = $1 AND m.id = $3 AND m.conversation_id = c.id
        AND m.meta ? 'bot'
        AND (c.last_intent IS DISTINCT FROM m.meta->'bot'->>'intent'
             OR c.last_language IS DISTINCT FROM m.meta->'bot'->>'language')
  RETURNING c.id`,
    [orgId, conversationId, customerMessageId],
  );
  return rows.length > 0;
}

/** Records an intent directly (the hand-off note carries the flow's intent, which outranks a single message's). */
export async function setConversationIntent(
  db: Queryable,
  orgId: string,
  conversationId: string,
  intent: string,
): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `UPDATE conversations SET last_intent = $3
      WHERE org_id = $1 AND id = $2 AND last_intent IS DISTINCT FROM $3 RETURNING id`,
    [orgId, conversationId, intent],
  );
  return rows.length > 0;
}
