import type { Queryable } from '../db/db.ts';

/** SQL only: kefu's own record of the actions agents asked the exchange to take. Every query takes the org id. */

export type ExchangeActionRow = {
  conversation_id: string;
  uid: string;
  actor_id: string | null;
  result: Record<string, unknown>;
};

export async function selectExchangeAction(
  db: Queryable,
  orgId: string,
  action: string,
  requestId: string,
): Promise<ExchangeActionRow | undefined> {
  const rows = await db.query<ExchangeActionRow>(
    `SELECT conversation_id, uid, actor_id, result FROM exchange_actions
      WHERE org_id = $1 AND action = $2 AND request_id = $3`,
    [orgId, action, requestId],
  );
  return rows[0];
}

/** False when this action and request id are already recorded (a retry that raced the first request). */
export async function insertExchangeAction(
  db: Queryable,
  orgId: string,
  a: {
    action: string;
    requestId: string;
    conversationId: string;
    uid: string;
    actorId: string | null;
    result: Record<string, unknown>;
  },
): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO exchange_actions (org_id, action, request_id, conversation_id, uid, actor_id, result)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (org_id, action, request_id) DO NOTHING RETURNING request_id`,
    [orgId, a.action, a.requestId, a.conversationId, a.uid, a.actorId, JSON.stringify(a.result)],
  );
  return rows.length > 0;
}
