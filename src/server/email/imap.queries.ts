import type { Queryable } from '../db/db.ts';

/**
 * The IMAP poller's SQL: which email inboxes read a mailbox, how far each has been read, and which node reads it.
 * Listing the inboxes is a cross-organization sweep (the poller serves every organization); everything after it is
 * keyed by the inbox and its org_id.
 */

export type ImapInboxRow = { id: string; org_id: string; settings: Record<string, unknown> };

/** Every email inbox whose settings name an IMAP mailbox, across organizations. */
export async function selectImapInboxes(db: Queryable): Promise<ImapInboxRow[]> {
  return db.query<ImapInboxRow>(
    `SELECT id, org_id, settings FROM inboxes
      WHERE kind = 'email' AND jsonb_typeof(settings->'email'->'imap') = 'object'
      ORDER BY created_at`,
  );
}

export type ImapCursorRow = { uid_validity: number | null; last_uid: number };

/**
 * Claims (or renews) the right to poll an inbox for `seconds`: taken when nobody holds it, it ran out, or this node
 * already holds it. Returns whether this node holds it now. The row is created on first claim.
 */
export async function claimImapLease(
  db: Queryable,
  orgId: string,
  inboxId: string,
  owner: string,
  seconds: number,
): Promise<boolean> {
  const rows = await db.query<{ inbox_id: string }>(
    `INSERT INTO imap_cursors AS c (inbox_id, org_id, lease_owner, lease_until)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4))
     ON CONFLICT (inbox_id) DO UPDATE SET lease_owner = EXCLUDED.lease_owner, lease_until = EXCLUDED.lease_until
       WHERE c.org_id = EXCLUDED.org_id
         AND (c.lease_owner IS NULL OR c.lease_owner = EXCLUDED.lease_owner OR c.lease_until < now())
     RETURNING inbox_id`,
    [inboxId, orgId, owner, seconds],
  );
  return rows.length > 0;
}

/** Lets go of the lease (a node that stops), so another node takes the inbox over at once. */
export async function releaseImapLease(db: Queryable, orgId: string, inboxId: string, owner: string): Promise<void> {
  await db.query(
    `UPDATE imap_cursors SET lease_owner = NULL, lease_until = NULL
      WHERE org_id = $1 AND inbox_id = $2 AND lease_owner = $3`,
    [orgId, inboxId, owner],
  );
}

export async function selectImapCursor(
  db: Queryable,
  orgId: string,
  inboxId: string,
): Promise<ImapCursorRow | undefined> {
  const rows = await db.query<ImapCursorRow>(
    'SELECT uid_validity, last_uid FROM imap_cursors WHERE org_id = $1 AND inbox_id = $2',
    [orgId, inboxId],
  );
  return rows[0];
}

/**
 * Records how far the mailbox has been read, only while this node holds the lease (a node that lost it must not
 * move another's cursor), renewing the lease. Returns whether it was recorded.
 */
export async function updateImapCursor(
  db: Queryable,
  orgId: string,
  inboxId: string,
  owner: string,
  leaseSeconds: number,
  cursor: { uidValidity: number; lastUid: number },
): Promise<boolean> {
  const rows = await db.query<{ inbox_id: string }>(
    `UPDATE imap_cursors
        SET uid_validity = $4, last_uid = $5, updated_at = now(), lease_until = now() + make_interval(secs => $6)
      WHERE org_id = $1 AND inbox_id = $2 AND lease_owner = $3
      RETURNING inbox_id`,
    [orgId, inboxId, owner, cursor.uidValidity, cursor.lastUid, leaseSeconds],
  );
  return rows.length > 0;
}
