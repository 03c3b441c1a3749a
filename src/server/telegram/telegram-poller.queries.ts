import type { Queryable } from '../db/db.ts';

/**
 * The Telegram poller's SQL: which bots are polled, the last update each has handled, and which node polls it.
 * Listing the inboxes is a cross-organization sweep (the poller serves every organization); everything after it is
 * keyed by the inbox and its org_id.
 */

export type PolledTelegramInboxRow = { id: string; org_id: string };

/** Every Telegram inbox in polling mode, across organizations. */
export async function selectPolledTelegramInboxes(db: Queryable): Promise<PolledTelegramInboxRow[]> {
  return db.query<PolledTelegramInboxRow>(
    `SELECT id, org_id FROM inboxes
      WHERE kind = 'telegram' AND settings->'telegram'->>'mode' = 'polling'
      ORDER BY created_at`,
  );
}

/**
 * Claims (or renews) the right to poll a bot for `seconds`: taken when nobody holds it, it ran out, or this node
 * already holds it. Returns whether this node holds it now, and the last update handled.
 */
export async function claimTelegramLease(
  db: Queryable,
  orgId: string,
  inboxId: string,
  owner: string,
  seconds: number,
): Promise<{ lastUpdateId: number | null } | undefined> {
  const rows = await db.query<{ last_update_id: string | null }>(
    `INSERT INTO telegram_cursors AS c (inbox_id, org_id, lease_owner, lease_until)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4))
     ON CONFLICT (inbox_id) DO UPDATE SET lease_owner = EXCLUDED.lease_owner, lease_until = EXCLUDED.lease_until
       WHERE c.org_id = EXCLUDED.org_id
         AND (c.lease_owner IS NULL OR c.lease_owner = EXCLUDED.lease_owner OR c.lease_until < now())
     RETURNING last_update_id::text`,
    [inboxId, orgId, owner, seconds],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { lastUpdateId: row.last_update_id === null ? null : Number(row.last_update_id) };
}

/**
 * Records the last update handled, only while this node holds the lease (a node that lost it must not move another's
 * offset), renewing the lease. Returns whether it was recorded.
 */
export async function updateTelegramOffset(
  db: Queryable,
  orgId: string,
  inboxId: string,
  owner: string,
  leaseSeconds: number,
  lastUpdateId: number,
): Promise<boolean> {
  const rows = await db.query<{ inbox_id: string }>(
    `UPDATE telegram_cursors
        SET last_update_id = $4, updated_at = now(), lease_until = now() + make_interval(secs => $5)
      WHERE org_id = $1 AND inbox_id = $2 AND lease_owner = $3
      RETURNING inbox_id`,
    [orgId, inboxId, owner, lastUpdateId, leaseSeconds],
  );
  return rows.length > 0;
}

/** Lets go of the lease (a node that stops), so another node takes the bot over at once. */
export async function releaseTelegramLease(
  db: Queryable,
  orgId: string,
  inboxId: string,
  owner: string,
): Promise<void> {
  await db.query(
    `UPDATE telegram_cursors SET lease_owner = NULL, lease_until = NULL
      WHERE org_id = $1 AND inbox_id = $2 AND lease_owner = $3`,
    [orgId, inboxId, owner],
  );
}
