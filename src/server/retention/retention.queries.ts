import type { RetentionMode, RetentionReport } from '../../contracts/retention.ts';
import type { Queryable } from '../db/db.ts';

/**
 * SQL only, for data retention; every query takes the organization id. Retention writes its settings row and, for
 * the conversations it removes, the rows of other domains that hang off them (deliveries, notifications, files,
 * surveys…): they exist only for their conversation and go with it. The conversations and messages themselves are
 * written through conversations/conversation-writes.ts, the contacts through contacts.service.
 */

export type RetentionSettingsRow = {
  days: number | null;
  mode: RetentionMode;
  updated_at: Date;
  last_run_at: Date | null;
  last_run: RetentionReport | null;
};

export async function selectRetentionSettings(db: Queryable, orgId: string): Promise<RetentionSettingsRow | undefined> {
  const rows = await db.query<RetentionSettingsRow>(
    'SELECT days, mode, updated_at, last_run_at, last_run FROM retention_settings WHERE org_id = $1',
    [orgId],
  );
  return rows[0];
}

export async function upsertRetentionSettings(
  db: Queryable,
  orgId: string,
  settings: { days: number | null; mode: RetentionMode },
  agentId: string | null,
): Promise<void> {
  await db.query(
    `INSERT INTO retention_settings (org_id, days, mode, updated_by, updated_at) VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (org_id) DO UPDATE SET days = $2, mode = $3, updated_by = $4, updated_at = now()`,
    [orgId, settings.days, settings.mode, agentId],
  );
}

export async function updateRetentionLastRun(db: Queryable, orgId: string, report: RetentionReport): Promise<void> {
  await db.query('UPDATE retention_settings SET last_run_at = now(), last_run = $2::jsonb WHERE org_id = $1', [
    orgId,
    JSON.stringify(report),
  ]);
}

/** The cross-organization sweep the daily job starts from: every organization that has a retention period set. */
/** Cross-organization sweep: every organization with a period whose last real run is older than `sinceSeconds`. */
export async function selectOrgsWithRetention(db: Queryable, sinceSeconds = 0): Promise<string[]> {
  const rows = await db.query<{ org_id: string }>(
    `SELECT org_id FROM retention_settings
      WHERE days IS NOT NULL AND (last_run_at IS NULL OR last_run_at <= now() - make_interval(secs => $1))
      ORDER BY org_id`,
    [sinceSeconds],
  );
  return rows.map((row) => row.org_id);
}

export type HeldReason =
  | 'case'
  | 'complaint'
  | 'legal_hold'
  | 'exchange_action'
  | 'withdrawal_watch'
  | 'callback'
  | 'merge_target';

/**
 * Conversations that are due by age and status — resolved or closed, last activity before the cutoff ($2), not
 * anonymised already — each with the first reason it is kept anyway (null: it goes). Kept, conservatively:
 * - case: any support case names the conversation, open or closed (the exchange's investigation record, which has
 *   its own retention; its evidence points at the conversation);
 * - complaint: a complaint whose supervisor follow-up is not closed, or that has no closed follow-up yet;
 * - legal_hold: agents tagged it `legal-hold` (a dispute, a regulator's request);
 * - exchange_action: an agent froze or otherwise acted on the customer's exchange account from it;
 * - withdrawal_watch: a withdrawal the customer asked about is still being watched;
 * - callback: a phone call-back is still requested or scheduled;
 * - merge_target: another conversation merged into it is kept (a deleted target would orphan it).
 */
const DUE = `due AS (
    SELECT c.id, c.number, c.contact_id, c.last_activity_at,
      CASE
        WHEN EXISTS (SELECT 1 FROM support_cases s WHERE s.org_id = $1 AND s.conversation_id = c.id) THEN 'case'
        WHEN EXISTS (SELECT 1 FROM complaint_followups f
                      WHERE f.org_id = $1 AND f.conversation_id = c.id AND f.closed_at IS NULL)
          OR (EXISTS (SELECT 1 FROM complaints k WHERE k.org_id = $1 AND k.conversation_id = c.id)
              AND NOT EXISTS (SELECT 1 FROM complaint_followups f
                               WHERE f.org_id = $1 AND f.conversation_id = c.id AND f.closed_at IS NOT NULL))
          THEN 'complaint'
        WHEN 'legal-hold' = ANY (c.tags) THEN 'legal_hold'
        WHEN EXISTS (SELECT 1 FROM exchange_actions x WHERE x.org_id = $1 AND x.conversation_id = c.id)
          THEN 'exchange_action'
        WHEN EXISTS (SELECT 1 FROM withdrawal_watches w
                      WHERE w.org_id = $1 AND w.conversation_id = c.id AND w.done_at IS NULL) THEN 'withdrawal_watch'
        WHEN EXISTS (SELECT 1 FROM callback_requests b
                      WHERE b.org_id = $1 AND b.conversation_id = c.id AND b.status IN ('requested', 'scheduled'))
          THEN 'callback'
      END AS held
    FROM conversations c
    WHERE c.org_id = $1 AND c.status IN ('resolved', 'closed') AND c.anonymised_at IS NULL
      AND c.last_activity_at < $2
  ),
  judged AS (
    SELECT d.id, d.number, d.contact_id, d.last_activity_at,
      CASE WHEN d.held IS NULL AND EXISTS (
             SELECT 1 FROM conversations m
              WHERE m.org_id = $1 AND m.merged_into_id = d.id AND m.anonymised_at IS NULL
                AND NOT EXISTS (SELECT 1 FROM due o WHERE o.id = m.id AND o.held IS NULL))
           THEN 'merge_target' ELSE d.held END AS held
    FROM due d
  )`;

export type DueConversation = { id: string; number: number; contact_id: string; last_activity_at: Date };

/** The conversations that go now, oldest activity first (`limit` of them; every one when null). */
export async function selectDueConversations(
  db: Queryable,
  orgId: string,
  cutoff: Date,
  limit: number | null,
): Promise<DueConversation[]> {
  return db.query<DueConversation>(
    `WITH ${DUE}
     SELECT id, number, contact_id, last_activity_at FROM judged WHERE held IS NULL
     ORDER BY last_activity_at, id LIMIT $3`,
    [orgId, cutoff, limit],
  );
}

/** Due by age and status but kept, counted by reason. */
export async function selectHeldCounts(
  db: Queryable,
  orgId: string,
  cutoff: Date,
): Promise<{ held: HeldReason; n: number }[]> {
  return db.query<{ held: HeldReason; n: number }>(
    `WITH ${DUE}
     SELECT held, count(*)::int AS n FROM judged WHERE held IS NOT NULL GROUP BY held`,
    [orgId, cutoff],
  );
}

/**
 * Locks the batch about to go (rows another transaction holds — a message being stored, which may reopen one — are
 * skipped, for the next run) and checks again that each is still resolved or closed, old and not anonymised.
 */
export async function lockDueConversations(
  db: Queryable,
  orgId: string,
  ids: string[],
  cutoff: Date,
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.query<{ id: string }>(
    `SELECT id FROM conversations
      WHERE org_id = $1 AND id = ANY($2::uuid[]) AND status IN ('resolved', 'closed') AND anonymised_at IS NULL
        AND last_activity_at < $3
      ORDER BY id FOR UPDATE SKIP LOCKED`,
    [orgId, ids, cutoff],
  );
  return rows.map((row) => row.id);
}

/** The messages and stored files of these conversations. */
export async function countConversationContent(
  db: Queryable,
  orgId: string,
  ids: string[],
): Promise<{ messages: number; files: number }> {
  if (ids.length === 0) return { messages: 0, files: 0 };
  const rows = await db.query<{ messages: number; files: number }>(
    `SELECT (SELECT count(*)::int FROM messages WHERE org_id = $1 AND conversation_id = ANY($2::uuid[])) AS messages,
            (SELECT count(*)::int FROM message_files WHERE org_id = $1 AND conversation_id = ANY($2::uuid[])) AS files`,
    [orgId, ids],
  );
  return rows[0] ?? { messages: 0, files: 0 };
}

/**
 * Everything of other domains that hangs off these conversations and could carry a customer's words or identity,
 * removed before the conversations are deleted or anonymised (the order respects the foreign keys to messages).
 * Both modes: notifications (they quote the message), channel deliveries and message references (addresses,
 * errors; an old email thread then starts a new conversation instead of reopening an anonymised one), reply
 * tokens, stored files, emergency-code hashes, finished withdrawal watches (exchange UID), finished call-backs
 * (a phone number) — call logs lose their notes and the link to the call-back.
 * Delete mode also: SLA clocks, routing assignments, CSAT surveys, complaints and follow-ups, and the event log
 * rows (the report facts follow by their trigger), so nothing of the conversation is left.
 * Anonymise mode keeps those (no words in them) but empties the survey comment, the complaint reason and the
 * follow-up note, which are words.
 */
export async function removeConversationDependents(
  db: Queryable,
  orgId: string,
  ids: string[],
  mode: RetentionMode,
  placeholder: string,
): Promise<{ files: number }> {
  if (ids.length === 0) return { files: 0 };
  const params = [orgId, ids];
  const where = 'org_id = $1 AND conversation_id = ANY($2::uuid[])';
  await db.query(`DELETE FROM notifications WHERE ${where}`, params);
  await db.query(`DELETE FROM channel_deliveries WHERE ${where}`, params);
  await db.query(`DELETE FROM channel_message_refs WHERE ${where}`, params);
  await db.query(`DELETE FROM conversation_reply_tokens WHERE ${where}`, params);
  const files = await db.query<{ n: number }>(
    `WITH gone AS (DELETE FROM message_files WHERE ${where} RETURNING 1) SELECT count(*)::int AS n FROM gone`,
    params,
  );
  await db.query(`DELETE FROM emergency_codes WHERE ${where}`, params);
  await db.query(`DELETE FROM withdrawal_watches WHERE ${where}`, params);
  if (mode === 'delete') {
    await db.query(`DELETE FROM call_logs WHERE ${where}`, params);
    await db.query(`DELETE FROM callback_requests WHERE ${where}`, params);
    await db.query(`DELETE FROM conversation_slas WHERE ${where}`, params);
    await db.query(`DELETE FROM routing_assignments WHERE ${where}`, params);
    await db.query(`DELETE FROM csat_surveys WHERE ${where}`, params);
    await db.query(`DELETE FROM complaint_followups WHERE ${where}`, params);
    await db.query(`DELETE FROM complaints WHERE ${where}`, params);
    await db.query(`DELETE FROM conversation_events WHERE ${where}`, params);
  } else {
    await db.query(`UPDATE call_logs SET notes = '', callback_id = NULL WHERE ${where}`, params);
    await db.query(`DELETE FROM callback_requests WHERE ${where}`, params);
    await db.query(`UPDATE csat_surveys SET comment = NULL WHERE ${where} AND comment IS NOT NULL`, params);
    await db.query(`UPDATE complaints SET reason = $3 WHERE ${where}`, [...params, placeholder]);
    await db.query(`UPDATE complaint_followups SET note = $3 WHERE ${where} AND note IS NOT NULL`, [
      ...params,
      placeholder,
    ]);
  }
  return { files: files[0]?.n ?? 0 };
}

/**
 * The delivery logs that hold copies of what was said, finished before the cutoff: webhook deliveries that are no
 * longer pending (their attempts go with them, by cascade) and outbound mail that was sent or failed.
 */
const EXPIRED_WEBHOOK_DELIVERIES = `webhook_deliveries WHERE org_id = $1 AND created_at < $2 AND status <> 'pending'`;
const EXPIRED_OUTBOUND_MAIL = `outbound_emails WHERE org_id = $1 AND created_at < $2
    AND (sent_at IS NOT NULL OR error IS NOT NULL)`;

export async function countExpiredLogs(db: Queryable, orgId: string, cutoff: Date): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM ${EXPIRED_WEBHOOK_DELIVERIES})::int
          + (SELECT count(*) FROM ${EXPIRED_OUTBOUND_MAIL})::int AS n`,
    [orgId, cutoff],
  );
  return rows[0]?.n ?? 0;
}

export async function deleteExpiredLogs(db: Queryable, orgId: string, cutoff: Date): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `WITH hooks AS (DELETE FROM ${EXPIRED_WEBHOOK_DELIVERIES} RETURNING 1),
          mail AS (DELETE FROM ${EXPIRED_OUTBOUND_MAIL} RETURNING 1)
     SELECT (SELECT count(*) FROM hooks)::int + (SELECT count(*) FROM mail)::int AS n`,
    [orgId, cutoff],
  );
  return rows[0]?.n ?? 0;
}

/**
 * Knowledge-base feedback comments (words a customer typed under "was this helpful?") whose vote is older than the
 * cutoff; kb_feedback belongs to kb/, but like the delivery logs it is a copy of a customer's words that retention
 * must reach. Only the comment is emptied: the vote is a yes or a no and the article's counts stay exact.
 */
const EXPIRED_FEEDBACK_COMMENT = 'org_id = $1 AND created_at < $2 AND comment IS NOT NULL';
/**
 * The machine-mail log (email/: bounces, auto-replies, floods, refused mail) before the cutoff for mail that matched
 * no contact: an address and a subject with nobody to anonymise them with (contacts.service removes a contact's own
 * entries with its identity).
 */
const EXPIRED_EMAIL_EVENTS = 'email_events WHERE org_id = $1 AND created_at < $2 AND contact_id IS NULL';

export async function countExpiredCustomerText(
  db: Queryable,
  orgId: string,
  cutoff: Date,
): Promise<{ feedbackComments: number; emailEvents: number }> {
  const rows = await db.query<{ feedback_comments: number; email_events: number }>(
    `SELECT (SELECT count(*) FROM kb_feedback WHERE ${EXPIRED_FEEDBACK_COMMENT})::int AS feedback_comments,
            (SELECT count(*) FROM ${EXPIRED_EMAIL_EVENTS})::int AS email_events`,
    [orgId, cutoff],
  );
  return { feedbackComments: rows[0]?.feedback_comments ?? 0, emailEvents: rows[0]?.email_events ?? 0 };
}

export async function removeExpiredCustomerText(
  db: Queryable,
  orgId: string,
  cutoff: Date,
): Promise<{ feedbackComments: number; emailEvents: number }> {
  const rows = await db.query<{ feedback_comments: number; email_events: number }>(
    `WITH comments AS (UPDATE kb_feedback SET comment = NULL WHERE ${EXPIRED_FEEDBACK_COMMENT} RETURNING 1),
          mail AS (DELETE FROM ${EXPIRED_EMAIL_EVENTS} RETURNING 1)
     SELECT (SELECT count(*) FROM comments)::int AS feedback_comments, (SELECT count(*) FROM mail)::int AS email_events`,
    [orgId, cutoff],
  );
  return { feedbackComments: rows[0]?.feedback_comments ?? 0, emailEvents: rows[0]?.email_events ?? 0 };
}
