import type { Queryable } from '../db/db.ts';

/** The channels' SQL: message references, reply tokens and outbound deliveries. Every statement is scoped by org_id. */

/** Records a channel message id for a kefu message; false when it was already recorded (a duplicate delivery). */
export async function insertMessageRef(
  db: Queryable,
  orgId: string,
  ref: { channel: string; externalId: string; conversationId: string; messageId: string | null },
): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO channel_message_refs (org_id, channel, external_id, conversation_id, message_id)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING external_id`,
    [orgId, ref.channel, ref.externalId, ref.conversationId, ref.messageId],
  );
  return rows.length > 0;
}

/** The conversation (and kefu message) a channel message id belongs to, newest reference first. */
export async function selectMessageRefs(
  db: Queryable,
  orgId: string,
  channel: string,
  externalIds: string[],
): Promise<{ external_id: string; conversation_id: string; message_id: string | null }[]> {
  if (externalIds.length === 0) return [];
  return db.query(
    `SELECT external_id, conversation_id, message_id FROM channel_message_refs
      WHERE org_id = $1 AND channel = $2 AND external_id = ANY($3::text[])
      ORDER BY created_at DESC`,
    [orgId, channel, externalIds],
  );
}

/** The conversation's reply token, made on first use. */
export async function ensureReplyToken(
  db: Queryable,
  orgId: string,
  conversationId: string,
  fresh: string,
): Promise<string> {
  await db.query(
    `INSERT INTO conversation_reply_tokens (org_id, conversation_id, token) VALUES ($1, $2, $3)
     ON CONFLICT (conversation_id) DO NOTHING`,
    [orgId, conversationId, fresh],
  );
  const rows = await db.query<{ token: string }>(
    'SELECT token FROM conversation_reply_tokens WHERE org_id = $1 AND conversation_id = $2',
    [orgId, conversationId],
  );
  return (rows[0] as { token: string }).token;
}

export async function selectConversationIdByReplyToken(
  db: Queryable,
  orgId: string,
  token: string,
): Promise<string | undefined> {
  const rows = await db.query<{ conversation_id: string }>(
    'SELECT conversation_id FROM conversation_reply_tokens WHERE org_id = $1 AND token = $2',
    [orgId, token],
  );
  return rows[0]?.conversation_id;
}

// ---------- Deliveries ----------

export type DeliveryRow = {
  id: string;
  org_id: string;
  conversation_id: string;
  message_id: string;
  channel: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_error: string | null;
  external_id: string | null;
  created_at: Date;
  delivered_at: Date | null;
};

const DELIVERY_COLUMNS =
  'id, org_id, conversation_id, message_id, channel, status, attempts, last_error, external_id, created_at, delivered_at';

/** A message to deliver on a channel, once: a second insert for the same message and channel returns nothing. */
export async function insertDelivery(
  db: Queryable,
  orgId: string,
  d: { conversationId: string; messageId: string; channel: string },
): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO channel_deliveries (org_id, conversation_id, message_id, channel) VALUES ($1, $2, $3, $4)
     ON CONFLICT (message_id, channel) DO NOTHING RETURNING id`,
    [orgId, d.conversationId, d.messageId, d.channel],
  );
  return rows[0]?.id;
}

export async function selectDelivery(
  db: Queryable,
  orgId: string,
  deliveryId: string,
): Promise<DeliveryRow | undefined> {
  const rows = await db.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM channel_deliveries WHERE org_id = $1 AND id = $2`,
    [orgId, deliveryId],
  );
  return rows[0];
}

export async function markDeliveryAttempt(
  db: Queryable,
  orgId: string,
  deliveryId: string,
  outcome: { delivered: true; externalId: string | null } | { delivered: false; error: string; final: boolean },
): Promise<void> {
  if (outcome.delivered) {
    await db.query(
      `UPDATE channel_deliveries SET status = 'delivered', attempts = attempts + 1, external_id = $3,
              delivered_at = now(), last_error = NULL
        WHERE org_id = $1 AND id = $2`,
      [orgId, deliveryId, outcome.externalId],
    );
    return;
  }
  await db.query(
    `UPDATE channel_deliveries SET attempts = attempts + 1, last_error = $3,
            status = CASE WHEN $4::boolean THEN 'failed' ELSE status END
      WHERE org_id = $1 AND id = $2`,
    [orgId, deliveryId, outcome.error.slice(0, 1000), outcome.final],
  );
}

export async function selectDeliveriesOfConversation(
  db: Queryable,
  orgId: string,
  conversationId: string,
): Promise<DeliveryRow[]> {
  return db.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM channel_deliveries WHERE org_id = $1 AND conversation_id = $2
      ORDER BY created_at`,
    [orgId, conversationId],
  );
}
