import type { Queryable } from '../db/db.ts';

/** SQL only: the API keys, and the organization's API inbox. Every function takes the organization id but the key lookup. */

export type ApiKeyRow = {
  id: string;
  org_id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
};

const KEY_COLUMNS = 'id, org_id, name, prefix, scopes, created_at, last_used_at, revoked_at';

export async function insertApiKey(
  db: Queryable,
  orgId: string,
  k: { name: string; prefix: string; keyHash: string; scopes: string[]; createdBy: string | null },
): Promise<ApiKeyRow> {
  const rows = await db.query<ApiKeyRow>(
    `INSERT INTO api_keys (org_id, name, prefix, key_hash, scopes, created_by) VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING ${KEY_COLUMNS}`,
    [orgId, k.name, k.prefix, k.keyHash, k.scopes, k.createdBy],
  );
  return rows[0] as ApiKeyRow;
}

export async function selectApiKeys(db: Queryable, orgId: string): Promise<ApiKeyRow[]> {
  return db.query<ApiKeyRow>(`SELECT ${KEY_COLUMNS} FROM api_keys WHERE org_id = $1 ORDER BY created_at DESC, id`, [
    orgId,
  ]);
}

/**
 * The live key with this hash, in whichever organization holds it (the key is what names the organization), its
 * last use stamped at most once a minute so a busy key is not one hot row.
 */
export async function selectLiveApiKeyByHash(db: Queryable, keyHash: string): Promise<ApiKeyRow | undefined> {
  const rows = await db.query<ApiKeyRow>(
    `SELECT ${KEY_COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
    [keyHash],
  );
  return rows[0];
}

export async function touchApiKey(db: Queryable, orgId: string, keyId: string): Promise<void> {
  await db.query(
    `UPDATE api_keys SET last_used_at = now()
      WHERE org_id = $1 AND id = $2 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [orgId, keyId],
  );
}

export async function revokeApiKeyRow(db: Queryable, orgId: string, keyId: string): Promise<ApiKeyRow | undefined> {
  const rows = await db.query<ApiKeyRow>(
    `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE org_id = $1 AND id = $2
     RETURNING ${KEY_COLUMNS}`,
    [orgId, keyId],
  );
  return rows[0];
}

/**
 * The organization's API inbox (one per organization, by a unique index), created by whichever request needs it
 * first. The API channel owns its inbox as the other channels own theirs.
 */
export async function ensureApiInbox(db: Queryable, orgId: string): Promise<string> {
  await db.query(
    `INSERT INTO inboxes (org_id, kind, name, identity_secret, settings) VALUES ($1, 'api', 'Exchange API', NULL, '{}')
     ON CONFLICT (org_id) WHERE kind = 'api' DO NOTHING`,
    [orgId],
  );
  const rows = await db.query<{ id: string }>(`SELECT id FROM inboxes WHERE org_id = $1 AND kind = 'api'`, [orgId]);
  return (rows[0] as { id: string }).id;
}
