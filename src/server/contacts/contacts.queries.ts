import type { Queryable } from '../db/db.ts';

export type ContactRow = {
  id: string;
  org_id: string;
  name: string | null;
  email: string | null;
  exchange_uid: string | null;
  locale: string | null;
  vip_level: number;
  attributes: Record<string, unknown>;
};

const CONTACT_COLUMNS = 'id, org_id, name, email, exchange_uid, locale, vip_level, attributes';

/**
 * The contact, or the one it was merged into (following a chain of merges): a widget token or a link that names a
 * merged-away contact reaches the customer's one history. An undone merge clears merged_into_id, so it stops here.
 */
export async function selectContact(db: Queryable, orgId: string, contactId: string): Promise<ContactRow | undefined> {
  const rows = await db.query<ContactRow>(
    `WITH RECURSIVE chain(id, merged_into_id, depth) AS (
       SELECT id, merged_into_id, 0 FROM contacts WHERE org_id = $1 AND id = $2
       UNION ALL
       SELECT c.id, c.merged_into_id, chain.depth + 1
         FROM contacts c JOIN chain ON c.id = chain.merged_into_id
        WHERE c.org_id = $1 AND chain.depth < 10
     )
     SELECT ${CONTACT_COLUMNS} FROM contacts
      WHERE org_id = $1 AND id = (SELECT id FROM chain WHERE merged_into_id IS NULL OR depth = 10 ORDER BY depth LIMIT 1)`,
    [orgId, contactId],
  );
  return rows[0];
}

export async function selectContactByIdentity(
  db: Queryable,
  orgId: string,
  kind: string,
  value: string,
): Promise<ContactRow | undefined> {
  const rows = await db.query<ContactRow>(
    `SELECT ${CONTACT_COLUMNS.replace(/(\w+)/g, 'c.$1')} FROM contacts c
       JOIN contact_identities i ON i.contact_id = c.id
      WHERE i.org_id = $1 AND i.kind = $2 AND i.value = $3`,
    [orgId, kind, value],
  );
  return rows[0];
}

export async function insertContact(
  db: Queryable,
  c: {
    orgId: string;
    name?: string | null;
    email?: string | null;
    exchangeUid?: string | null;
    locale?: string | null;
    vipLevel?: number;
  },
): Promise<ContactRow> {
  const rows = await db.query<ContactRow>(
    `INSERT INTO contacts (org_id, name, email, exchange_uid, locale, vip_level) VALUES ($1, $2, $3, $4, $5, $6)
     RETURNING ${CONTACT_COLUMNS}`,
    [c.orgId, c.name ?? null, c.email ?? null, c.exchangeUid ?? null, c.locale ?? null, c.vipLevel ?? 0],
  );
  return rows[0];
}

export async function insertContactIdentity(
  db: Queryable,
  i: { orgId: string; contactId: string; kind: string; value: string },
): Promise<void> {
  await db.query(
    `INSERT INTO contact_identities (org_id, contact_id, kind, value) VALUES ($1, $2, $3, $4)
     ON CONFLICT (org_id, kind, value) DO NOTHING`,
    [i.orgId, i.contactId, i.kind, i.value],
  );
}

/** Fills in what the exchange told us about the customer; null leaves a field as it is. */
export async function updateContactProfile(
  db: Queryable,
  orgId: string,
  contactId: string,
  p: { name?: string | null; email?: string | null; locale?: string | null; vipLevel?: number | null },
): Promise<void> {
  await db.query(
    `UPDATE contacts SET name = COALESCE($3, name), email = COALESCE($4, email), locale = COALESCE($5, locale),
            vip_level = COALESCE($6, vip_level), updated_at = now()
      WHERE org_id = $1 AND id = $2`,
    [orgId, contactId, p.name ?? null, p.email ?? null, p.locale ?? null, p.vipLevel ?? null],
  );
}

/**
 * Data retention: of these contacts, the ones nothing kept speaks for any more — not anonymised yet, every
 * conversation of theirs (besides `excludingConversationIds`, the ones being removed) anonymised or gone, and no
 * support case of theirs (a case is the exchange's investigation record, kept with the customer it names).
 */
export async function selectContactsWithoutKeptConversations(
  db: Queryable,
  orgId: string,
  contactIds: string[],
  excludingConversationIds: string[],
): Promise<string[]> {
  if (contactIds.length === 0) return [];
  const rows = await db.query<{ id: string }>(
    `SELECT k.id FROM contacts k
      WHERE k.org_id = $1 AND k.id = ANY($2::uuid[]) AND k.anonymised_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM conversations c
                         WHERE c.org_id = $1 AND c.contact_id = k.id AND c.anonymised_at IS NULL
                           AND NOT (c.id = ANY($3::uuid[])))
        AND NOT EXISTS (SELECT 1 FROM support_cases s WHERE s.org_id = $1 AND s.contact_id = k.id)
      ORDER BY k.id`,
    [orgId, contactIds, excludingConversationIds],
  );
  return rows.map((row) => row.id);
}

/**
 * Data retention: the contacts' identity goes — name, email, exchange UID, attributes, every channel identity (web
 * visitor, email address, Telegram id) and the machine-mail log about them. The row stays, as an id, for the merge
 * history and the anonymised conversations that point at it; locale and VIP level identify no one and stay.
 */
export async function anonymiseContactRows(db: Queryable, orgId: string, contactIds: string[]): Promise<number> {
  if (contactIds.length === 0) return 0;
  await db.query('DELETE FROM contact_identities WHERE org_id = $1 AND contact_id = ANY($2::uuid[])', [
    orgId,
    contactIds,
  ]);
  await db.query('DELETE FROM email_events WHERE org_id = $1 AND contact_id = ANY($2::uuid[])', [orgId, contactIds]);
  const rows = await db.query<{ n: number }>(
    `WITH changed AS (
       UPDATE contacts SET name = NULL, email = NULL, exchange_uid = NULL, attributes = '{}',
              anonymised_at = now(), updated_at = now()
        WHERE org_id = $1 AND id = ANY($2::uuid[]) AND anonymised_at IS NULL
       RETURNING 1)
     SELECT count(*)::int AS n FROM changed`,
    [orgId, contactIds],
  );
  return rows[0]?.n ?? 0;
}
