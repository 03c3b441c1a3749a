import type { Queryable } from '../db/db.ts';

/** The Telegram inboxes admins configure (telegram-inboxes.service.ts); every query scoped by the organization. */

export type TelegramInboxAdminRow = { id: string; name: string; settings: Record<string, unknown>; created_at: Date };

/** A removed inbox keeps its row (its conversations point at it) but loses its bot: it is no longer listed. */
const LISTED = `kind = 'telegram' AND jsonb_typeof(settings->'telegram'->'username') = 'string'`;

export async function selectTelegramInboxes(db: Queryable, orgId: string): Promise<TelegramInboxAdminRow[]> {
  return db.query<TelegramInboxAdminRow>(
    `SELECT id, name, settings, created_at FROM inboxes WHERE org_id = $1 AND ${LISTED} ORDER BY created_at, id`,
    [orgId],
  );
}

export async function selectTelegramInbox(
  db: Queryable,
  orgId: string,
  inboxId: string,
): Promise<TelegramInboxAdminRow | undefined> {
  const rows = await db.query<TelegramInboxAdminRow>(
    `SELECT id, name, settings, created_at FROM inboxes WHERE org_id = $1 AND id = $2 AND ${LISTED}`,
    [orgId, inboxId],
  );
  return rows[0];
}

export async function updateTelegramInbox(
  db: Queryable,
  orgId: string,
  inboxId: string,
  u: { name: string; settings: Record<string, unknown> },
): Promise<void> {
  await db.query(`UPDATE inboxes SET name = $3, settings = $4 WHERE org_id = $1 AND id = $2 AND kind = 'telegram'`, [
    orgId,
    inboxId,
    u.name,
    JSON.stringify(u.settings),
  ]);
}
