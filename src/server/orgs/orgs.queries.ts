import type { Queryable } from '../db/db.ts';
import { seal, unseal, unsealOptional } from '../secrets/sealed.ts';

export type OrgRow = {
  id: string;
  slug: string;
  name: string;
  require_totp: boolean;
  settings: Record<string, unknown>;
};
export type InboxRow = {
  id: string;
  org_id: string;
  kind: 'web' | 'email' | 'telegram' | 'phone' | 'api';
  name: string;
  identity_secret: string | null;
  settings: Record<string, unknown>;
};

export async function selectOrgById(db: Queryable, orgId: string): Promise<OrgRow | undefined> {
  const rows = await db.query<OrgRow>(
    'SELECT id, slug, name, require_totp, settings FROM organizations WHERE id = $1',
    [orgId],
  );
  return rows[0];
}

export async function selectOrgBySlug(db: Queryable, slug: string): Promise<OrgRow | undefined> {
  const rows = await db.query<OrgRow>(
    'SELECT id, slug, name, require_totp, settings FROM organizations WHERE slug = $1',
    [slug],
  );
  return rows[0];
}

export async function insertOrg(
  db: Queryable,
  o: { slug: string; name: string; requireTotp: boolean },
): Promise<string> {
  const rows = await db.query<{ id: string }>(
    'INSERT INTO organizations (slug, name, require_totp) VALUES ($1, $2, $3) RETURNING id',
    [o.slug, o.name, o.requireTotp],
  );
  return rows[0].id;
}

/** The row with its identity-token key opened (stored sealed). */
function openInbox(row: InboxRow | undefined): InboxRow | undefined {
  return row && { ...row, identity_secret: unsealOptional(row.identity_secret) };
}

export async function selectWebInbox(db: Queryable, orgId: string): Promise<InboxRow | undefined> {
  const rows = await db.query<InboxRow>(
    `SELECT id, org_id, kind, name, identity_secret, settings FROM inboxes
      WHERE org_id = $1 AND kind = 'web' ORDER BY created_at LIMIT 1`,
    [orgId],
  );
  return openInbox(rows[0]);
}

export async function selectInbox(db: Queryable, orgId: string, inboxId: string): Promise<InboxRow | undefined> {
  const rows = await db.query<InboxRow>(
    'SELECT id, org_id, kind, name, identity_secret, settings FROM inboxes WHERE org_id = $1 AND id = $2',
    [orgId, inboxId],
  );
  return openInbox(rows[0]);
}

export async function insertInbox(
  db: Queryable,
  i: {
    orgId: string;
    kind: InboxRow['kind'];
    name: string;
    identitySecret: string | null;
    settings?: Record<string, unknown>;
  },
): Promise<string> {
  const rows = await db.query<{ id: string }>(
    'INSERT INTO inboxes (org_id, kind, name, identity_secret, settings) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    // Sealed: the key is what lets anyone sign in as any of the exchange's customers.
    [
      i.orgId,
      i.kind,
      i.name,
      i.identitySecret === null ? null : seal(i.identitySecret),
      JSON.stringify(i.settings ?? {}),
    ],
  );
  return rows[0].id;
}

/** A process-wide secret, created once by whichever node gets there first, then shared by all. */
export async function ensureAppSecret(db: Queryable, name: string, generate: () => string): Promise<string> {
  await db.query('INSERT INTO app_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    name,
    seal(generate()),
  ]);
  const rows = await db.query<{ value: string }>('SELECT value FROM app_secrets WHERE name = $1', [name]);
  return unseal((rows[0] as { value: string }).value);
}

/** How many organizations the database holds (the demo seed runs only into an empty one). */
export async function countOrgs(db: Queryable): Promise<number> {
  const [{ count }] = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM organizations');
  return count;
}

/** The first organization created: the one a single-exchange install serves on its public pages. */
export async function selectOldestOrg(db: Queryable): Promise<OrgRow | undefined> {
  const rows = await db.query<OrgRow>(
    'SELECT id, slug, name, require_totp, settings FROM organizations ORDER BY created_at, id LIMIT 1',
  );
  return rows[0];
}

/**
 * An inbox by id alone, in any organization: a channel's webhook URL names only its inbox (Telegram calls
 * /api/telegram/<inboxId>/webhook); the caller then proves itself with the secret kept in that inbox's settings.
 */
export async function selectInboxForWebhook(db: Queryable, inboxId: string): Promise<InboxRow | undefined> {
  const rows = await db.query<InboxRow>(
    'SELECT id, org_id, kind, name, identity_secret, settings FROM inboxes WHERE id = $1',
    [inboxId],
  );
  return openInbox(rows[0]);
}

/** The organization's first inbox of a kind (the phone inbox callbacks open conversations in). */
export async function selectInboxByKind(
  db: Queryable,
  orgId: string,
  kind: InboxRow['kind'],
): Promise<InboxRow | undefined> {
  const rows = await db.query<InboxRow>(
    `SELECT id, org_id, kind, name, identity_secret, settings FROM inboxes
      WHERE org_id = $1 AND kind = $2 ORDER BY created_at, id LIMIT 1`,
    [orgId, kind],
  );
  return openInbox(rows[0]);
}
