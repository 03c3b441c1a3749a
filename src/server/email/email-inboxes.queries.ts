import type { Queryable } from '../db/db.ts';

/** The email inboxes admins configure (email-inboxes.service.ts); every query scoped by the organization. */

export type EmailInboxAdminRow = { id: string; name: string; settings: Record<string, unknown>; created_at: Date };

export async function selectEmailInboxes(db: Queryable, orgId: string): Promise<EmailInboxAdminRow[]> {
  return db.query<EmailInboxAdminRow>(
    `SELECT id, name, settings, created_at FROM inboxes
      WHERE org_id = $1 AND kind = 'email' AND jsonb_typeof(settings->'email'->'address') = 'string'
      ORDER BY created_at, id`,
    [orgId],
  );
}

export async function selectEmailInbox(
  db: Queryable,
  orgId: string,
  inboxId: string,
): Promise<EmailInboxAdminRow | undefined> {
  const rows = await db.query<EmailInboxAdminRow>(
    `SELECT id, name, settings, created_at FROM inboxes
      WHERE org_id = $1 AND id = $2 AND kind = 'email' AND jsonb_typeof(settings->'email'->'address') = 'string'`,
    [orgId, inboxId],
  );
  return rows[0];
}

export async function updateEmailInbox(
  db: Queryable,
  orgId: string,
  inboxId: string,
  u: { name: string; settings: Record<string, unknown> },
): Promise<void> {
  await db.query(`UPDATE inboxes SET name = $3, settings = $4 WHERE org_id = $1 AND id = $2 AND kind = 'email'`, [
    orgId,
    inboxId,
    u.name,
    JSON.stringify(u.settings),
  ]);
}
