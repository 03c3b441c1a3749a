import type { Channel, ContactIdentityKind, ConversationStatus, Priority } from '../../contracts/domain.ts';
import type { Queryable } from '../db/db.ts';
import { truncateText } from '../text/width.ts';

/** SQL only. Every function takes the organization id and filters on it. */

export type ConversationRow = {
  id: string;
  org_id: string;
  number: number;
  inbox_id: string;
  contact_id: string;
  status: ConversationStatus;
  priority: Priority;
  assignee_id: string | null;
  team_id: string | null;
  tags: string[];
  last_seq: number;
  last_message: { body: string; authorKind: string; private: boolean } | null;
  first_reply_at: Date | null;
  resolved_at: Date | null;
  last_activity_at: Date;
  created_at: Date;
  updated_at: Date;
  handoff_reason: string | null;
  /** Exact timestamp text, for keyset cursors (a JS Date drops the microseconds). */
  activity_key: string;
  contact_name: string | null;
  contact_email: string | null;
  contact_exchange_uid: string | null;
  contact_locale: string | null;
  contact_vip_level: number;
  assignee_name: string | null;
  snoozed_until: Date | null;
  merged_into_id: string | null;
  attributes: Record<string, string | number | boolean>;
  last_intent: string | null;
  last_language: string | null;
  priority_source: 'default' | 'rule' | 'agent' | 'escalation';
  sla_first_response_due_at: Date | null;
  sla_next_response_due_at: Date | null;
  sla_resolution_due_at: Date | null;
  sla_warned: string[] | null;
  sla_breached: string[] | null;
  sla_paused_at: Date | null;
  sla_started: boolean;
  /** The inbox's kind: the channel the customer wrote on. */
  channel: Channel;
  /** Every identity the contact has (email, Telegram id, phone, exchange UID, widget visitor). */
  contact_identities: { kind: ContactIdentityKind; value: string }[] | null;
};

const SELECT_CONVERSATION = `
  SELECT c.id, c.org_id, c.number, c.inbox_id, c.contact_id, c.status, c.priority, c.assignee_id, c.team_id, c.tags,
         c.last_seq, c.last_message, c.first_reply_at, c.resolved_at, c.last_activity_at, c.created_at,
         c.updated_at, c.handoff_reason,
         c.snoozed_until, c.merged_into_id, c.attributes, c.last_intent, c.last_language,
         c.priority_source, s.first_response_due_at AS sla_first_response_due_at,
         s.next_response_due_at AS sla_next_response_due_at, s.resolution_due_at AS sla_resolution_due_at,
         s.warned AS sla_warned, s.breached AS sla_breached, s.paused_at AS sla_paused_at,
         s.conversation_id IS NOT NULL AS sla_started,
         c.last_activity_at::text AS activity_key,
         ct.name AS contact_name, ct.email AS contact_email, ct.exchange_uid AS contact_exchange_uid,
         ct.locale AS contact_locale, ct.vip_level AS contact_vip_level,
         a.name AS assignee_name, i.kind AS channel,
         (SELECT json_agg(json_build_object('kind', ci.kind, 'value', ci.value) ORDER BY ci.kind, ci.created_at)
            FROM contact_identities ci WHERE ci.org_id = c.org_id AND ci.contact_id = c.contact_id
             AND ci.kind <> 'web_visitor') AS contact_identities
    FROM conversations c
    JOIN contacts ct ON ct.id = c.contact_id
    JOIN inboxes i ON i.id = c.inbox_id
    LEFT JOIN agents a ON a.id = c.assignee_id
    LEFT JOIN conversation_slas s ON s.conversation_id = c.id`;

export async function selectConversation(
  db: Queryable,
  orgId: string,
  id: string,
): Promise<ConversationRow | undefined> {
  const rows = await db.query<ConversationRow>(`${SELECT_CONVERSATION} WHERE c.org_id = $1 AND c.id = $2`, [orgId, id]);
  return rows[0];
}

export type ConversationFilter = {
  status?: ConversationStatus;
  priority?: Priority;
  /** undefined = anyone; null = unassigned. */
  assigneeId?: string | null;
  contactId?: string;
  teamId?: string;
  tag?: string;
  intent?: string;
  language?: string;
  /** Only when the SLA column exists (see hasConversationColumn). */
  slaRisk?: string;
  /**
   * The agent's search text, already trimmed (see conversationSearch). `personalDataExact`: the email, UID and
   * identities match only as a whole (case-insensitive), for an agent who sees them masked.
   */
  search?: ConversationSearch & { personalDataExact?: boolean };
  after?: { activityKey: string; id: string };
  limit: number;
};

/**
 * What an agent typed into the inbox search, parsed once. `#12` is number 12 only; bare digits are number 12 or a
 * customer UID containing them (UIDs are digits too, but "12" must not list every message that mentions 12); anything
 * else is a substring of the contact's name, email, UID, identities or of any message (notes included).
 *
 * No trigram index (pg_trgm) backs the substring search yet: the migration would need CREATE EXTENSION rights on
 * PostgreSQL (the extension is per database, not per schema, which also tangles the schema-per-test runs), PGlite would
 * have to load the extension at every start, and a GIN index on messages.body taxes the one-statement message insert
 * the chat throughput rests on. Numbers use UNIQUE (org_id, number); text scans only the organization's rows.
 */
export type ConversationSearch =
  | { kind: 'number'; number: number }
  | { kind: 'digits'; number: number; text: string }
  | { kind: 'text'; text: string };

export function conversationSearch(q: string): ConversationSearch {
  const hashed = /^#\s*(\d{1,9})$/.exec(q);
  if (hashed) return { kind: 'number', number: Number(hashed[1]) };
  if (/^\d{1,9}$/.test(q)) return { kind: 'digits', number: Number(q), text: q };
  return { kind: 'text', text: q };
}

/** A LIKE pattern matching `text` anywhere, its own %, _ and \ taken literally (ESCAPE '\'). */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

/** `column` matches the parameter `p`: as a substring (p is a LIKE pattern), or whole (p is the plain text). */
function matches(column: string, p: string, exact: boolean): string {
  return exact ? `lower(${column}) = lower(${p})` : `${column} ILIKE ${p} ESCAPE '\\'`;
}

function uidMatches(p: string, exact: boolean): string {
  return `SELECT ct.id FROM contacts ct WHERE ct.org_id = $1 AND ${matches('ct.exchange_uid', p, exact)}
          UNION
          SELECT ci.contact_id FROM contact_identities ci
           WHERE ci.org_id = $1 AND ci.kind = 'exchange_uid' AND ${matches('ci.value', p, exact)}`;
}

export async function selectConversations(
  db: Queryable,
  orgId: string,
  f: ConversationFilter,
): Promise<ConversationRow[]> {
  const where = ['c.org_id = $1'];
  const params: unknown[] = [orgId];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (f.status) add((p) => `c.status = ${p}`, f.status);
  if (f.priority) add((p) => `c.priority = ${p}`, f.priority);
  if (f.assigneeId === null) where.push('c.assignee_id IS NULL');
  else if (f.assigneeId) add((p) => `c.assignee_id = ${p}`, f.assigneeId);
  if (f.contactId) add((p) => `c.contact_id = ${p}`, f.contactId);
  if (f.teamId) add((p) => `c.team_id = ${p}`, f.teamId);
  if (f.tag) add((p) => `c.tags @> ARRAY[${p}]::text[]`, f.tag);
  if (f.intent) add((p) => `c.last_intent = ${p}`, f.intent);
  if (f.language) add((p) => `c.last_language = ${p}`, f.language);
  if (f.slaRisk) add((p) => `c.sla_risk = ${p}`, f.slaRisk);
  if (f.search?.kind === 'number') add((p) => `c.number = ${p}`, f.search.number);
  else if (f.search?.kind === 'digits') {
    const exact = f.search.personalDataExact === true;
    params.push(f.search.number, exact ? f.search.text : likePattern(f.search.text));
    const [n, uid] = [`$${params.length - 1}`, `$${params.length}`];
    where.push(`(c.number = ${n} OR c.contact_id IN (${uidMatches(uid, exact)}))`);
  } else if (f.search?.kind === 'text') {
    // Substring search has no index to use (see the note on conversationSearch): the contacts that match are one
    // hashed set, the message check runs per conversation on messages (conversation_id, seq), newest activity first,
    // and stops as soon as the page is full.
    const exact = f.search.personalDataExact === true;
    params.push(likePattern(f.search.text));
    const p = `$${params.length}`;
    if (exact) params.push(f.search.text);
    const pii = `$${params.length}`;
    where.push(`(c.contact_id IN (
         SELECT ct.id FROM contacts ct
          WHERE ct.org_id = $1
            AND (ct.name ILIKE ${p} ESCAPE '\\' OR ${matches('ct.email', pii, exact)} OR ${matches('ct.exchange_uid', pii, exact)})
         UNION
         SELECT ci.contact_id FROM contact_identities ci
          WHERE ci.org_id = $1 AND ci.kind IN ('email', 'exchange_uid', 'telegram') AND ${matches('ci.value', pii, exact)}
       ) OR EXISTS (
         SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.org_id = $1 AND m.body ILIKE ${p} ESCAPE '\\'
       ))`);
  }
  if (f.after) {
    params.push(f.after.activityKey, f.after.id);
    where.push(`(c.last_activity_at, c.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
  }
  params.push(f.limit);
  // The page's ids first (an index range scan on conversations alone), the joins for those few rows after: with the
  // joins inside, a rare filter (a tag on 0.5% of 100,000 rows) made the planner hash-join every contact.
  return db.query<ConversationRow>(
    `WITH page AS MATERIALIZED (
       SELECT c.id FROM conversations c WHERE ${where.join(' AND ')}
        ORDER BY c.last_activity_at DESC, c.id DESC LIMIT $${params.length}
     )
     ${SELECT_CONVERSATION} WHERE c.org_id = $1 AND c.id IN (SELECT id FROM page)
     ORDER BY c.last_activity_at DESC, c.id DESC`,
    params,
  );
}

/** Reserves `count` display numbers of the organization; returns the first (see conversation-numbers.ts). */
export async function reserveConversationNumbers(db: Queryable, orgId: string, count: number): Promise<number> {
  const rows = await db.query<{ first: number }>(
    `UPDATE organizations SET conversation_counter = conversation_counter + $2 WHERE id = $1
     RETURNING conversation_counter - $2 + 1 AS first`,
    [orgId, count],
  );
  if (!rows[0]) throw new Error(`organization ${orgId} not found`);
  return rows[0].first;
}

export async function insertConversation(
  db: Queryable,
  orgId: string,
  c: { number: number; inboxId: string; contactId: string; priority: Priority },
): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO conversations (org_id, number, inbox_id, contact_id, priority) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [orgId, c.number, c.inboxId, c.contactId, c.priority],
  );
  return rows[0].id;
}

export type UpdateConversationFields = {
  status?: ConversationStatus;
  priority?: Priority;
  assigneeId?: string | null;
};

/** Applies the changes and returns the previous values of what changed, or undefined when the row does not exist. */
export async function updateConversationFields(
  db: Queryable,
  orgId: string,
  id: string,
  fields: UpdateConversationFields,
): Promise<{ prev_status: string; prev_priority: string; prev_assignee_id: string | null } | undefined> {
  const rows = await db.query<{ prev_status: string; prev_priority: string; prev_assignee_id: string | null }>(
    `UPDATE conversations c
        SET status = COALESCE($3, c.status),
            priority = COALESCE($4, c.priority),
            assignee_id = CASE WHEN $5::boolean THEN $6::uuid ELSE c.assignee_id END,
            resolved_at = CASE WHEN $3 = 'resolved' AND c.status <> 'resolved' THEN now()
                               WHEN $3 IS NOT NULL AND $3 NOT IN ('resolved', 'closed') THEN NULL
                               ELSE c.resolved_at END,
            updated_at = now()
       FROM (SELECT id, status, priority, assignee_id FROM conversations WHERE id = $2 AND org_id = $1 FOR UPDATE) prev
      WHERE c.id = prev.id
  RETURNING prev.status AS prev_status, prev.priority AS prev_priority, prev.assignee_id AS prev_assignee_id`,
    [
      orgId,
      id,
      fields.status ?? null,
      fields.priority ?? null,
      fields.assigneeId !== undefined,
      fields.assigneeId ?? null,
    ],
  );
  return rows[0];
}

export type MessageRow = {
  id: string;
  conversation_id: string;
  seq: number;
  author_kind: 'customer' | 'agent' | 'bot' | 'system';
  author_id: string | null;
  author_name: string | null;
  body: string;
  private: boolean;
  attachments: unknown[];
  client_id: string | null;
  meta: Record<string, unknown>;
  created_at: Date;
};

const MESSAGE_COLUMNS =
  'id, conversation_id, seq, author_kind, author_id, author_name, body, private, attachments, client_id, meta, created_at';

export type NewMessage = {
  authorKind: MessageRow['author_kind'];
  authorId: string | null;
  authorName: string | null;
  body: string;
  private: boolean;
  clientId: string | null;
  meta: Record<string, unknown>;
  /** Files sent with the message (stored first by files/, which names their URLs). */
  attachments?: readonly { name: string; url: string; contentType: string; size: number }[];
};

/** The list's preview line: the text, or for a file sent alone its name (a blank preview says nothing). */
function previewText(m: NewMessage): string {
  const text = m.body || (m.attachments ?? []).map((a) => `📎 ${a.name}`).join(' ');
  // Never half a surrogate pair: the send failed with 500 (found by test/integration/fuzz-api.test.ts).
  return truncateText(text, 200);
}

export type StoredMessage = MessageRow & {
  status: ConversationStatus;
  prev_status: ConversationStatus;
  first_reply_at: Date | null;
  prev_first_reply_at: Date | null;
  contact_id: string;
  inbox_id: string;
};

/**
 * Stores a message in ONE statement (one round trip, no explicit transaction): lock the conversation row, take
 * `last_seq + 1`, update the list preview and the timers a message moves, insert the message. A customer's message
 * reopens a pending/snoozed/resolved conversation; an agent's first public reply sets first_reply_at.
 *
 * The statement is atomic, so a retried send whose client_id already exists fails the INSERT with a unique violation
 * and the seq increment rolls back with it: seqs stay gap-free. Returns undefined when the conversation does not
 * exist, is closed, or (for `onlyContactId`) belongs to someone else.
 */
export async function insertMessageWithNextSeq(
  db: Queryable,
  orgId: string,
  conversationId: string,
  m: NewMessage,
  onlyContactId: string | null,
): Promise<StoredMessage | undefined> {
  const preview = JSON.stringify({ body: previewText(m), authorKind: m.authorKind, private: m.private });
  const rows = await db.query<StoredMessage>(
    `WITH prev AS (
       SELECT id, status, first_reply_at FROM conversations
        WHERE id = $2 AND org_id = $1 AND status <> 'closed' AND ($11::uuid IS NULL OR contact_id = $11)
        FOR UPDATE
     ), claim AS (
       UPDATE conversations c
          SET last_seq = c.last_seq + 1,
              last_message = $3::jsonb,
              last_activity_at = now(),
              updated_at = now(),
              status = CASE WHEN $4 = 'customer' AND c.status IN ('pending', 'snoozed', 'resolved') THEN 'open'
                            ELSE c.status END,
              resolved_at = CASE WHEN $4 = 'customer' AND c.status = 'resolved' THEN NULL ELSE c.resolved_at END,
              first_reply_at = CASE WHEN $4 = 'agent' AND NOT $8::boolean AND c.first_reply_at IS NULL THEN now()
                                    ELSE c.first_reply_at END
         FROM prev
        WHERE c.id = prev.id
    RETURNING c.id, c.org_id, c.last_seq, c.status, prev.status AS prev_status, c.first_reply_at,
              prev.first_reply_at AS prev_first_reply_at, c.contact_id, c.inbox_id
     ), inserted AS (
       INSERT INTO messages (org_id, conversation_id, seq, author_kind, author_id, author_name, body, private,
                             client_id, meta, attachments)
       SELECT claim.org_id, claim.id, claim.last_seq, $4, $5, $6, $7, $8, $9, $10::jsonb, $12::jsonb FROM claim
       RETURNING ${MESSAGE_COLUMNS}
     )
     SELECT inserted.*, claim.status, claim.prev_status, claim.first_reply_at AS first_reply_at_after,
            claim.prev_first_reply_at, claim.contact_id, claim.inbox_id
       FROM inserted, claim`,
    [
      orgId,
      conversationId,
      preview,
      m.authorKind,
      m.authorId,
      m.authorName,
      m.body,
      m.private,
      m.clientId,
      JSON.stringify(m.meta),
      onlyContactId,
      JSON.stringify(m.attachments ?? []),
    ],
  );
  const row = rows[0] as (StoredMessage & { first_reply_at_after: Date | null }) | undefined;
  if (!row) return undefined;
  return { ...row, first_reply_at: row.first_reply_at_after };
}

/** One message of a batch: where it goes, what it is, and (for a customer) whose conversation it must be. */
export type BatchedMessage = { conversationId: string; message: NewMessage; onlyContactId: string | null };

/** A stored row of a batch, by the index of its input; inputs with no row were refused or already stored. */
export type BatchedRow = MessageRow & {
  input_index: number;
  status: ConversationStatus;
  prev_status: ConversationStatus;
  first_reply_at_after: Date | null;
  prev_first_reply_at: Date | null;
  contact_id: string;
  inbox_id: string;
};

/**
 * Group commit: stores many messages (of many conversations, several per conversation allowed) in ONE statement,
 * the same work as `insertMessageWithNextSeq` for each. Each conversation is locked once (in id order, so two
 * batches cannot deadlock), takes `last_seq + k` for its k messages, which get consecutive seqs in input order.
 * Inputs are left out — no row, no seq — when the conversation is missing, closed or someone else's, or when their
 * client_id is already stored; client ids must be distinct within one batch per conversation (the caller merges
 * repeats). A client_id committed by someone else between this statement's snapshot and its insert still fails the
 * whole statement with a unique violation (nothing stored): the caller then stores the batch one by one.
 * `status`/`prev_status` and the first-reply times are the conversation's before and after the whole batch.
 */
export async function insertMessagesWithNextSeq(
  db: Queryable,
  orgId: string,
  batch: readonly BatchedMessage[],
): Promise<BatchedRow[]> {
  const column = <T>(pick: (b: BatchedMessage) => T) => batch.map(pick);
  return db.query<BatchedRow>(
    `WITH input AS (
       SELECT (t.ord - 1)::int AS input_index, t.conversation_id, t.author_kind, t.author_id, t.author_name, t.body,
              t.private, t.client_id, t.meta, t.preview, t.only_contact_id, t.attachments
         FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::boolean[], $8::text[],
                     $9::jsonb[], $10::jsonb[], $11::uuid[], $12::jsonb[])
              WITH ORDINALITY AS t(conversation_id, author_kind, author_id, author_name, body, private, client_id,
                                   meta, preview, only_contact_id, attachments, ord)
     ), prev AS (
       -- Conversations by primary key only, here and in claim. PGlite never analyses (no autovacuum), so the planner
       -- guesses "a few rows" for org_id and walked the organisation's whole (org_id, …) index, dead row versions
       -- included, once per batch: the batch cost grew with the organisation's traffic. The org check is this one.
       SELECT c.id, c.status, c.first_reply_at, c.contact_id FROM conversations c
        WHERE c.org_id = $1 AND c.status <> 'closed' AND c.id = ANY ($2::uuid[])
        ORDER BY c.id
        FOR UPDATE
     ), fresh AS (
       SELECT i.*, row_number() OVER (PARTITION BY i.conversation_id ORDER BY i.input_index) AS n
         FROM input i JOIN prev ON prev.id = i.conversation_id
        WHERE (i.only_contact_id IS NULL OR prev.contact_id = i.only_contact_id)
          AND (i.client_id IS NULL OR NOT EXISTS (
                SELECT 1 FROM messages m
                 WHERE m.org_id = $1 AND m.conversation_id = i.conversation_id AND m.client_id = i.client_id))
     ), per_conversation AS (
       SELECT conversation_id, count(*)::int AS k,
              (array_agg(preview ORDER BY input_index DESC))[1] AS last_preview,
              bool_or(author_kind = 'customer') AS has_customer,
              bool_or(author_kind = 'agent' AND NOT private) AS has_agent_reply
         FROM fresh GROUP BY conversation_id
     ), claim AS (
       UPDATE conversations c
          SET last_seq = c.last_seq + pc.k,
              last_message = pc.last_preview,
              last_activity_at = now(),
              updated_at = now(),
              status = CASE WHEN pc.has_customer AND c.status IN ('pending', 'snoozed', 'resolved') THEN 'open'
                            ELSE c.status END,
              resolved_at = CASE WHEN pc.has_customer AND c.status = 'resolved' THEN NULL ELSE c.resolved_at END,
              first_reply_at = CASE WHEN pc.has_agent_reply AND c.first_reply_at IS NULL THEN now()
                                    ELSE c.first_reply_at END
         FROM per_conversation pc, prev
        WHERE c.id = pc.conversation_id AND prev.id = c.id -- prev holds only the organisation's rows
    RETURNING c.id, c.org_id, c.last_seq - pc.k AS base_seq, c.status, prev.status AS prev_status, c.first_reply_at,
              prev.first_reply_at AS prev_first_reply_at, c.contact_id, c.inbox_id
     ), inserted AS (
       INSERT INTO messages (org_id, conversation_id, seq, author_kind, author_id, author_name, body, private,
                             client_id, meta, attachments)
       SELECT claim.org_id, claim.id, claim.base_seq + fresh.n, fresh.author_kind, fresh.author_id,
              fresh.author_name, fresh.body, fresh.private, fresh.client_id, fresh.meta, fresh.attachments
         FROM fresh JOIN claim ON claim.id = fresh.conversation_id
        ORDER BY fresh.input_index
       RETURNING ${MESSAGE_COLUMNS}
     )
     SELECT inserted.*, fresh.input_index, claim.status, claim.prev_status, claim.first_reply_at AS first_reply_at_after,
            claim.prev_first_reply_at, claim.contact_id, claim.inbox_id
       FROM inserted
       JOIN claim ON claim.id = inserted.conversation_id
       JOIN fresh ON fresh.conversation_id = inserted.conversation_id AND claim.base_seq + fresh.n = inserted.seq`,
    [
      orgId,
      column((b) => b.conversationId),
      column((b) => b.message.authorKind),
      column((b) => b.message.authorId),
      column((b) => b.message.authorName),
      column((b) => b.message.body),
      column((b) => b.message.private),
      column((b) => b.message.clientId),
      column((b) => JSON.stringify(b.message.meta)),
      column((b) =>
        JSON.stringify({
          body: previewText(b.message),
          authorKind: b.message.authorKind,
          private: b.message.private,
        }),
      ),
      column((b) => b.onlyContactId),
      column((b) => JSON.stringify(b.message.attachments ?? [])),
    ],
  );
}

/** Whether a conversation exists and is closed (to tell "closed" from "not found" after a refused send). */
/** What the realtime gateway checks on subscribe, typing and viewing: whose it is and how far it has got. */
export async function selectConversationAccess(
  db: Queryable,
  orgId: string,
  id: string,
): Promise<{ id: string; contact_id: string; last_seq: number } | undefined> {
  const rows = await db.query<{ id: string; contact_id: string; last_seq: number }>(
    'SELECT id, contact_id, last_seq FROM conversations WHERE org_id = $1 AND id = $2',
    [orgId, id],
  );
  return rows[0];
}

export async function selectConversationStatus(
  db: Queryable,
  orgId: string,
  conversationId: string,
  onlyContactId: string | null,
): Promise<ConversationStatus | undefined> {
  const rows = await db.query<{ status: ConversationStatus }>(
    'SELECT status FROM conversations WHERE org_id = $1 AND id = $2 AND ($3::uuid IS NULL OR contact_id = $3)',
    [orgId, conversationId, onlyContactId],
  );
  return rows[0]?.status;
}

export async function selectMessageByClientId(
  db: Queryable,
  orgId: string,
  conversationId: string,
  clientId: string,
): Promise<MessageRow | undefined> {
  const rows = await db.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE org_id = $1 AND conversation_id = $2 AND client_id = $3`,
    [orgId, conversationId, clientId],
  );
  return rows[0];
}

/** The first message (seq 1) a contact sent with this client id, in whichever of their conversations it started. */
export async function selectFirstMessageByClientId(
  db: Queryable,
  orgId: string,
  contactId: string,
  clientId: string,
): Promise<MessageRow | undefined> {
  const rows = await db.query<MessageRow>(
    `SELECT m.id, m.conversation_id, m.seq, m.author_kind, m.author_id, m.author_name, m.body, m.private,
            m.attachments, m.client_id, m.meta, m.created_at
       FROM messages m JOIN conversations c ON c.org_id = m.org_id AND c.id = m.conversation_id
      WHERE m.org_id = $1 AND c.contact_id = $2 AND m.client_id = $3 AND m.seq = 1`,
    [orgId, contactId, clientId],
  );
  return rows[0];
}

export async function selectMessagesAfter(
  db: Queryable,
  orgId: string,
  conversationId: string,
  opts: { afterSeq: number; limit: number; includePrivate: boolean },
): Promise<MessageRow[]> {
  return db.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages
      WHERE org_id = $1 AND conversation_id = $2 AND seq > $3 AND ($4::boolean OR NOT private)
      ORDER BY seq LIMIT $5`,
    [orgId, conversationId, opts.afterSeq, opts.includePrivate, opts.limit],
  );
}

export async function selectLatestMessages(
  db: Queryable,
  orgId: string,
  conversationId: string,
  opts: { limit: number; includePrivate: boolean },
): Promise<MessageRow[]> {
  const rows = await db.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages
      WHERE org_id = $1 AND conversation_id = $2 AND ($3::boolean OR NOT private)
      ORDER BY seq DESC LIMIT $4`,
    [orgId, conversationId, opts.includePrivate, opts.limit],
  );
  return rows.reverse();
}

const columnCache = new WeakMap<object, Map<string, Promise<boolean>>>();

/**
 * Whether `conversations` has a column, asked once per database. Lets a filter follow a column another part of the
 * product adds in its own migration (the SLA risk) without a hard dependency on the order the parts land in.
 */
export function hasConversationColumn(db: Queryable, column: string): Promise<boolean> {
  let known = columnCache.get(db);
  if (!known) {
    known = new Map();
    columnCache.set(db, known);
  }
  let answer = known.get(column);
  if (!answer) {
    answer = db
      .query<{ found: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM information_schema.columns
                         WHERE table_schema = current_schema() AND table_name = 'conversations' AND column_name = $1)
                AS found`,
        [column],
      )
      .then((rows) => rows[0]?.found === true);
    known.set(column, answer);
  }
  return answer;
}

export async function selectMessage(
  db: Queryable,
  orgId: string,
  conversationId: string,
  messageId: string,
): Promise<MessageRow | undefined> {
  const rows = await db.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE org_id = $1 AND conversation_id = $2 AND id = $3`,
    [orgId, conversationId, messageId],
  );
  return rows[0];
}
