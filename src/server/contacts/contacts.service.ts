import type { Queryable } from '../db/db.ts';
import {
  anonymiseContactRows,
  type ContactRow,
  insertContact,
  insertContactIdentity,
  selectContact,
  selectContactByIdentity,
  selectContactsWithoutKeptConversations,
  updateContactProfile,
} from './contacts.queries.ts';

export type { ContactRow } from './contacts.queries.ts';

/**
 * The customers of an organization and the identities they are known by (an exchange UID, a visitor id…), for the
 * other domains. Every call is scoped to one organization: a full Ctx is a scope, so is `{ db, org: { id } }` where
 * no actor is known yet (a widget session being started).
 */
type ContactScope = { db: Queryable; org: { id: string } };
export type ContactProfile = { name?: string | null; email?: string | null; locale?: string | null; vipLevel?: number };

export async function findContact(scope: ContactScope, contactId: string): Promise<ContactRow | undefined> {
  return selectContact(scope.db, scope.org.id, contactId);
}

export async function findContactByIdentity(
  scope: ContactScope,
  kind: string,
  value: string,
): Promise<ContactRow | undefined> {
  return selectContactByIdentity(scope.db, scope.org.id, kind, value);
}

export async function createContact(
  scope: ContactScope,
  c: ContactProfile & { exchangeUid?: string | null },
): Promise<ContactRow> {
  return insertContact(scope.db, { orgId: scope.org.id, ...c });
}

/** Records that the contact is known by this identity; one already recorded is left as it is. */
export async function addContactIdentity(
  scope: ContactScope,
  contactId: string,
  identity: { kind: string; value: string },
): Promise<void> {
  await insertContactIdentity(scope.db, { orgId: scope.org.id, contactId, ...identity });
}

/** Fills in what the exchange told us about the customer; null leaves a field as it is. */
export async function updateContact(
  scope: ContactScope,
  contactId: string,
  profile: { name?: string | null; email?: string | null; locale?: string | null; vipLevel?: number | null },
): Promise<void> {
  await updateContactProfile(scope.db, scope.org.id, contactId, profile);
}

/**
 * Data retention: of these contacts, the ones with no kept conversation besides `removing` (and no support case);
 * unless `dryRun`, their name, email, exchange UID and channel identities are removed. Returns how many.
 */
export async function anonymiseContactsWithoutKeptConversations(
  scope: ContactScope,
  contactIds: string[],
  options: { removing: string[]; dryRun: boolean },
): Promise<number> {
  const ids = await selectContactsWithoutKeptConversations(scope.db, scope.org.id, contactIds, options.removing);
  if (options.dryRun) return ids.length;
  return anonymiseContactRows(scope.db, scope.org.id, ids);
}
