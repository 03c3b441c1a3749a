import type { Queryable } from '../db/db.ts';

/**
 * The emergency freeze's SQL: its stage (kept in the conversation's bot state, which the bot writes) and the mailed
 * one-time codes, stored only as digests.
 */

/** Where a freeze in this conversation stands ('confirm', 'email', 'code'), or null when none is under way. */
export async function selectFreezeStage(db: Queryable, orgId: string, conversationId: string): Promise<string | null> {
  const rows = await db.query<{ stage: string | null }>(
    "SELECT bot_state->'freeze'->>'stage' AS stage FROM conversations WHERE org_id = $1 AND id = $2",
    [orgId, conversationId],
  );
  return rows[0]?.stage ?? null;
}

export async function insertEmergencyCode(
  db: Queryable,
  orgId: string,
  code: { conversationId: string; exchangeUid: string; codeHash: string; ttlMinutes: number },
): Promise<void> {
  await db.query(
    `INSERT INTO emergency_codes (org_id, conversation_id, exchange_uid, code_hash, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(mins => $5))`,
    [orgId, code.conversationId, code.exchangeUid, code.codeHash, code.ttlMinutes],
  );
}

/**
 * Spends the conversation's newest live code if its digest matches, returning the account it was issued for; a
 * wrong digest spends nothing (the caller counts the attempts).
 */
export async function redeemEmergencyCode(
  db: Queryable,
  orgId: string,
  conversationId: string,
  digest: string,
): Promise<string | null> {
  const rows = await db.query<{ exchange_uid: string }>(
    `UPDATE emergency_codes SET used_at = now()
      WHERE id = (SELECT id FROM emergency_codes
                   WHERE org_id = $1 AND conversation_id = $2 AND used_at IS NULL AND expires_at > now()
                   ORDER BY created_at DESC LIMIT 1)
        AND code_hash = $3
  RETURNING exchange_uid`,
    [orgId, conversationId, digest],
  );
  return rows[0]?.exchange_uid ?? null;
}
