import type { CallbackStatus, CallDirection, CallOutcome } from '../../contracts/callbacks.ts';
import type { Queryable } from '../db/db.ts';

export type CallbackRow = {
  id: string;
  org_id: string;
  conversation_id: string;
  contact_id: string;
  phone: string;
  window_start: Date;
  window_end: Date;
  time_zone: string;
  locale: 'zh-CN' | 'zh-TW' | 'en';
  note: string | null;
  status: CallbackStatus;
  created_at: Date;
  updated_at: Date;
};

export type CallLogRow = {
  id: string;
  conversation_id: string;
  callback_id: string | null;
  agent_id: string | null;
  agent_name: string | null;
  direction: CallDirection;
  duration_seconds: number;
  outcome: CallOutcome;
  notes: string;
  message_id: string | null;
  created_at: Date;
};

const CALLBACK_COLUMNS = `id, org_id, conversation_id, contact_id, phone, window_start, window_end, time_zone, locale, note,
  status, created_at, updated_at`;

/** One request per conversation: a retried request (same conversation) returns the row stored the first time. */
export async function insertCallbackRequest(
  db: Queryable,
  orgId: string,
  c: {
    conversationId: string;
    contactId: string;
    phone: string;
    windowStart: Date;
    windowEnd: Date;
    timeZone: string;
    locale: string;
    note: string | null;
  },
): Promise<CallbackRow> {
  await db.query(
    `INSERT INTO callback_requests (org_id, conversation_id, contact_id, phone, window_start, window_end, time_zone,
                                    locale, note)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (conversation_id) DO NOTHING`,
    [orgId, c.conversationId, c.contactId, c.phone, c.windowStart, c.windowEnd, c.timeZone, c.locale, c.note],
  );
  const rows = await db.query<CallbackRow>(
    `SELECT ${CALLBACK_COLUMNS} FROM callback_requests WHERE org_id = $1 AND conversation_id = $2`,
    [orgId, c.conversationId],
  );
  return rows[0];
}

export async function selectCallbacksOfConversation(
  db: Queryable,
  orgId: string,
  conversationId: string,
): Promise<CallbackRow[]> {
  return db.query<CallbackRow>(
    `SELECT ${CALLBACK_COLUMNS} FROM callback_requests WHERE org_id = $1 AND conversation_id = $2
      ORDER BY created_at DESC, id`,
    [orgId, conversationId],
  );
}

/** The status a logged call gives the conversation's callback request; a done request stays done. */
export async function updateCallbackStatus(
  db: Queryable,
  orgId: string,
  callbackId: string,
  status: CallbackStatus,
): Promise<CallbackRow | undefined> {
  const rows = await db.query<CallbackRow>(
    `UPDATE callback_requests SET status = $3, updated_at = now()
      WHERE org_id = $1 AND id = $2 AND status <> 'done'
  RETURNING ${CALLBACK_COLUMNS}`,
    [orgId, callbackId, status],
  );
  return rows[0];
}

export async function insertCallLog(
  db: Queryable,
  orgId: string,
  c: {
    id: string;
    conversationId: string;
    callbackId: string | null;
    agentId: string | null;
    direction: CallDirection;
    durationSeconds: number;
    outcome: CallOutcome;
    notes: string;
    messageId: string | null;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO call_logs (id, org_id, conversation_id, callback_id, agent_id, direction, duration_seconds, outcome, notes,
                            message_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      c.id,
      orgId,
      c.conversationId,
      c.callbackId,
      c.agentId,
      c.direction,
      c.durationSeconds,
      c.outcome,
      c.notes,
      c.messageId,
    ],
  );
}

export async function selectCallLogs(
  db: Queryable,
  orgId: string,
  conversationId: string,
  callId?: string,
): Promise<CallLogRow[]> {
  return db.query<CallLogRow>(
    `SELECT l.id, l.conversation_id, l.callback_id, l.agent_id, a.name AS agent_name, l.direction, l.duration_seconds,
            l.outcome, l.notes, l.message_id, l.created_at
       FROM call_logs l
       LEFT JOIN agents a ON a.id = l.agent_id AND a.org_id = l.org_id
      WHERE l.org_id = $1 AND l.conversation_id = $2 AND ($3::uuid IS NULL OR l.id = $3::uuid)
      ORDER BY l.created_at DESC, l.id`,
    [orgId, conversationId, callId ?? null],
  );
}
