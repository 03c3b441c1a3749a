import type { ContactIdentityKind } from '../../contracts/domain.ts';
import type { Queryable } from '../db/db.ts';

/** SQL of contact merges (contacts.merge.ts): locking both contacts, moving identities, the merge record. */

export type MergeProfile = {
  name: string | null;
  email: string | null;
  exchange_uid: string | null;
  locale: string | null;
  vip_level: number;
};

export type LockedContact = MergeProfile & { id: string; merged_into_id: string | null };

/** Both contacts, locked in id order (two merges of the same pair cannot deadlock). */
export async function lockContacts(db: Queryable, orgId: string, contactIds: string[]): Promise<LockedContact[]> {
  return db.query<LockedContact>(
    `SELECT id, name, email, exchange_uid, locale, vip_level, merged_into_id FROM contacts
      WHERE org_id = $1 AND id = ANY($2::uuid[])
      ORDER BY id
      FOR UPDATE`,
    [orgId, contactIds],
  );
}

/** Every identity of one contact becomes another's; returns what moved. */
export async function moveIdentities(
  db: Queryable,
  orgId: string,
  fromContactId: string,
  toContactId: string,
): Promise<{ id: string; kind: ContactIdentityKind; value: string }[]> {
  return db.query(
    `UPDATE contact_identities SET contact_id = $3
      WHERE org_id = $1 AND contact_id = $2
      RETURNING id, kind, value`,
    [orgId, fromContactId, toContactId],
  );
}

export async function returnIdentities(
  db: Queryable,
  orgId: string,
  identityIds: string[],
  contactId: string,
): Promise<void> {
  if (identityIds.length === 0) return;
  await db.query('UPDATE contact_identities SET contact_id = $3 WHERE org_id = $1 AND id = ANY($2::uuid[])', [
    orgId,
    identityIds,
    contactId,
  ]);
}

/** Sets a contact's whole profile (the merge's result, or what it was before on an undo). */
export async function setMergeProfile(
  db: Queryable,
  orgId: string,
  contactId: string,
  p: MergeProfile & { merged_into_id: string | null },
): Promise<void> {
  await db.query(
    `UPDATE contacts SET name = $3, email = $4, exchange_uid = $5, locale = $6, vip_level = $7, merged_into_id = $8,
            updated_at = now()
      WHERE org_id = $1 AND id = $2`,
    [orgId, contactId, p.name, p.email, p.exchange_uid, p.locale, p.vip_level, p.merged_into_id],
  );
}

/** The exchange UID is unique per organization: the merged contact lets go of it before the survivor takes it. */
export async function clearExchangeUid(db: Queryable, orgId: string, contactId: string): Promise<void> {
  await db.query('UPDATE contacts SET exchange_uid = NULL, updated_at = now() WHERE org_id = $1 AND id = $2', [
    orgId,
    contactId,
  ]);
}

export type MergeMoved = {
  identities: { id: string; kind: ContactIdentityKind; value: string }[];
  conversationIds: string[];
  survivorBefore: MergeProfile;
  mergedBefore: MergeProfile;
};

export type ContactMergeRow = {
  id: string;
  survivor_id: string;
  merged_id: string;
  automatic: boolean;
  reason: string | null;
  agent_id: string | null;
  moved: MergeMoved;
  created_at: Date;
  undone_at: Date | null;
};

const MERGE_COLUMNS = 'id, survivor_id, merged_id, automatic, reason, agent_id, moved, created_at, undone_at';

export async function insertContactMerge(
  db: Queryable,
  orgId: string,
  m: {
    survivorId: string;
    mergedId: string;
    automatic: boolean;
    reason: string | null;
    agentId: string | null;
    moved: MergeMoved;
  },
): Promise<ContactMergeRow> {
  const rows = await db.query<ContactMergeRow>(
    `INSERT INTO contact_merges (org_id, survivor_id, merged_id, automatic, reason, agent_id, moved)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING ${MERGE_COLUMNS}`,
    [orgId, m.survivorId, m.mergedId, m.automatic, m.reason, m.agentId, JSON.stringify(m.moved)],
  );
  return rows[0] as ContactMergeRow;
}

export async function selectContactMergeForUpdate(
  db: Queryable,
  orgId: string,
  mergeId: string,
): Promise<ContactMergeRow | undefined> {
  const rows = await db.query<ContactMergeRow>(
    `SELECT ${MERGE_COLUMNS} FROM contact_merges WHERE org_id = $1 AND id = $2 FOR UPDATE`,
    [orgId, mergeId],
  );
  return rows[0];
}

export async function markMergeUndone(
  db: Queryable,
  orgId: string,
  mergeId: string,
  agentId: string | null,
): Promise<ContactMergeRow> {
  const rows = await db.query<ContactMergeRow>(
    `UPDATE contact_merges SET undone_at = now(), undone_by = $3 WHERE org_id = $1 AND id = $2
     RETURNING ${MERGE_COLUMNS}`,
    [orgId, mergeId, agentId],
  );
  return rows[0] as ContactMergeRow;
}

/** The merges a contact took part in, newest first (the console's undo). */
export async function selectMergesOfContact(db: Queryable, orgId: string, contactId: string, limit: number) {
  return db.query<ContactMergeRow>(
    `SELECT ${MERGE_COLUMNS} FROM contact_merges
      WHERE org_id = $1 AND (survivor_id = $2 OR merged_id = $2)
      ORDER BY created_at DESC, id
      LIMIT $3`,
    [orgId, contactId, limit],
  );
}

/** Whether these two contacts were merged once and an agent undid it: kefu never merges that pair on its own again. */
export async function selectPairWasUndone(db: Queryable, orgId: string, a: string, b: string): Promise<boolean> {
  const rows = await db.query(
    `SELECT 1 FROM contact_merges
      WHERE org_id = $1 AND undone_at IS NOT NULL
        AND ((survivor_id = $2 AND merged_id = $3) OR (survivor_id = $3 AND merged_id = $2))
      LIMIT 1`,
    [orgId, a, b],
  );
  return rows.length > 0;
}

/**
 * The authentication results (SPF, DKIM, DMARC) of the contact's latest inbound email, as the email channel recorded
 * them in `message.meta.email.auth`; undefined when the contact never wrote by email.
 */
export async function selectLatestInboundEmailAuth(
  db: Queryable,
  orgId: string,
  contactId: string,
): Promise<{ spf?: string; dkim?: string[]; dmarc?: string } | undefined> {
  const rows = await db.query<{ auth: { spf?: string; dkim?: string[]; dmarc?: string } | null }>(
    `SELECT m.meta -> 'email' -> 'auth' AS auth
       FROM messages m JOIN conversations c ON c.id = m.conversation_id AND c.org_id = m.org_id
      WHERE m.org_id = $1 AND c.contact_id = $2 AND m.author_kind = 'customer' AND m.meta ? 'email'
      ORDER BY m.created_at DESC, m.seq DESC
      LIMIT 1`,
    [orgId, contactId],
  );
  return rows[0]?.auth ?? undefined;
}
