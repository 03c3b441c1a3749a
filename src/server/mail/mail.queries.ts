import type { Queryable } from '../db/db.ts';

/**
 * The outbound mail outbox. The wipe of expired one-time codes is the one cross-organization statement here: a
 * worker that runs for every organization at once (one job across the cluster), not on an organization's behalf.
 */

export async function insertOutboundEmail(
  db: Queryable,
  orgId: string,
  mail: { to: string; subject: string; body: string; secretTtlMinutes: number | null },
): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO outbound_emails (org_id, to_address, subject, body, wipe_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(mins => $5)) RETURNING id`,
    [orgId, mail.to, mail.subject, mail.body, mail.secretTtlMinutes],
  );
  return rows[0].id;
}

/** Delivered: the body (it may hold a one-time code) is not kept. */
export async function markOutboundEmailSent(db: Queryable, orgId: string, id: string): Promise<void> {
  await db.query("UPDATE outbound_emails SET sent_at = now(), body = '[delivered]' WHERE org_id = $1 AND id = $2", [
    orgId,
    id,
  ]);
}

export async function markOutboundEmailFailed(db: Queryable, orgId: string, id: string, error: string): Promise<void> {
  await db.query('UPDATE outbound_emails SET error = $3 WHERE org_id = $1 AND id = $2', [orgId, id, error]);
}

/** Cross-organization (see above): every undelivered mail whose secret has expired. Returns how many it wiped. */
export async function wipeExpiredOutboundBodies(db: Queryable, expiredBody: string): Promise<number> {
  const rows = await db.query<{ id: string }>(
    `UPDATE outbound_emails SET body = $1
      WHERE wipe_at IS NOT NULL AND wipe_at <= now() AND sent_at IS NULL AND body <> $1
  RETURNING id`,
    [expiredBody],
  );
  return rows.length;
}
