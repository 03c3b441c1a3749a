import type { Queryable } from '../db/db.ts';

/**
 * The sweep that seals secrets stored before sealing existed (seal-at-rest.ts). A cross-organization sweep on
 * purpose: it runs once at start for every organization. Every write is conditional on the value still being the
 * plaintext it read, so two nodes starting together cannot seal a value twice or undo each other.
 */

const SEALED_LIKE = 'sealed:v1:%';

/** Columns that hold one secret each. Table and column names come from this list only, never from input. */
export const SECRET_COLUMNS = [
  { table: 'agents', column: 'totp_secret' },
  { table: 'inboxes', column: 'identity_secret' },
  { table: 'webhook_endpoints', column: 'secret' },
  { table: 'app_secrets', column: 'value', key: 'name' },
] as const;

/** Secrets inside a jsonb settings column, by path. */
export const SECRET_SETTINGS = [
  { table: 'inboxes', path: ['telegram', 'token'] },
  { table: 'inboxes', path: ['telegram', 'webhookSecret'] },
  { table: 'inboxes', path: ['email', 'imap', 'password'] },
  { table: 'organizations', path: ['exchange', 'secret'] },
] as const;

type Column = (typeof SECRET_COLUMNS)[number];
type Setting = (typeof SECRET_SETTINGS)[number];

export async function selectPlaintextColumn(db: Queryable, c: Column): Promise<{ id: string; value: string }[]> {
  const key = 'key' in c ? c.key : 'id';
  return db.query(
    `SELECT ${key}::text AS id, ${c.column} AS value FROM ${c.table}
      WHERE ${c.column} IS NOT NULL AND ${c.column} NOT LIKE $1`,
    [SEALED_LIKE],
  );
}

export async function updateSealedColumn(
  db: Queryable,
  c: Column,
  row: { id: string; plaintext: string; sealed: string },
): Promise<void> {
  const key = 'key' in c ? c.key : 'id';
  await db.query(`UPDATE ${c.table} SET ${c.column} = $3 WHERE ${key}::text = $1 AND ${c.column} = $2`, [
    row.id,
    row.plaintext,
    row.sealed,
  ]);
}

export async function selectPlaintextSetting(db: Queryable, s: Setting): Promise<{ id: string; value: string }[]> {
  return db.query(
    `SELECT id::text AS id, settings #>> $1::text[] AS value FROM ${s.table}
      WHERE jsonb_typeof(settings #> $1::text[]) = 'string' AND settings #>> $1::text[] NOT LIKE $2`,
    [s.path, SEALED_LIKE],
  );
}

export async function updateSealedSetting(
  db: Queryable,
  s: Setting,
  row: { id: string; plaintext: string; sealed: string },
): Promise<void> {
  await db.query(
    `UPDATE ${s.table} SET settings = jsonb_set(settings, $2::text[], to_jsonb($4::text))
      WHERE id::text = $1 AND settings #>> $2::text[] = $3`,
    [row.id, s.path, row.plaintext, row.sealed],
  );
}
