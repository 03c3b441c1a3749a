import type { ContactMerge } from '../../contracts/contacts.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import { moveContactConversations, returnConversationsToContact } from '../conversations/conversation-writes.ts';
import { publishConversationUpdated } from '../conversations/conversations.service.ts';
import { AppError } from '../errors.ts';
import { IDENTITY_MASKS } from '../privacy/pii-mask.ts';
import { seesPii } from '../privacy/pii-policy.ts';
import { findContactByIdentity } from './contacts.service.ts';
import { selectContact } from './contacts.queries.ts';
import {
  type ContactMergeRow,
  clearExchangeUid,
  insertContactMerge,
  type LockedContact,
  lockContacts,
  markMergeUndone,
  type MergeProfile,
  moveIdentities,
  returnIdentities,
  selectContactMergeForUpdate,
  selectLatestInboundEmailAuth,
  selectMergesOfContact,
  selectPairWasUndone,
  setMergeProfile,
} from './contacts.merge.queries.ts';

/**
 * One customer, one history (issue 13). Two contacts that are one person become one: the other contact's identities
 * (email, Telegram, phone, visitor ids, exchange UID) and conversations move to the survivor, which keeps its own
 * profile and takes the other's only where its own is empty (VIP: the higher). Every merge is recorded with exactly
 * what moved and both profiles as they were, so an undo puts everything back. Agents merge by hand (supervisors and
 * admins, audited); kefu merges on its own only when it is verifiable (`mergeVerifiedEmailContact`).
 */

/** What a merge needs of a Ctx: events only to tell consoles (a widget session may start without them). */
type MergeCtx = Pick<Ctx, 'db' | 'org' | 'actor' | 'ip'> & { events?: Ctx['events']; log?: Ctx['log'] };

function toContactMerge(row: ContactMergeRow): ContactMerge {
  return {
    id: row.id,
    survivorId: row.survivor_id,
    mergedId: row.merged_id,
    automatic: row.automatic,
    reason: row.reason,
    agentId: row.agent_id,
    identities: row.moved.identities.map(({ kind, value }) => ({ kind, value })),
    conversationIds: row.moved.conversationIds,
    createdAt: new Date(row.created_at).toISOString(),
    undoneAt: row.undone_at ? new Date(row.undone_at).toISOString() : null,
  };
}

const profileOf = (c: LockedContact): MergeProfile => ({
  name: c.name,
  email: c.email,
  exchange_uid: c.exchange_uid,
  locale: c.locale,
  vip_level: c.vip_level,
});

async function tellConsoles(ctx: MergeCtx, conversationIds: string[]): Promise<void> {
  if (!ctx.events || !ctx.log) return;
  const full = ctx as Ctx;
  for (const conversationId of conversationIds) {
    await publishConversationUpdated(full, conversationId, ['contact']).catch(() => undefined);
  }
}

async function performMerge(
  ctx: MergeCtx,
  input: { survivorId: string; otherId: string; automatic: boolean; reason: string | null },
): Promise<ContactMerge> {
  if (input.survivorId === input.otherId) throw new AppError('bad_request', 'A contact cannot be merged with itself.');
  const agentId = ctx.actor.kind === 'agent' ? ctx.actor.id : null;
  const row = await ctx.db.transaction(async (tx) => {
    const locked = await lockContacts(tx, ctx.org.id, [input.survivorId, input.otherId]);
    const survivor = locked.find((c) => c.id === input.survivorId);
    const other = locked.find((c) => c.id === input.otherId);
    if (!survivor || !other || survivor.merged_into_id || other.merged_into_id) {
      throw new AppError('contact_not_found', 'No such contact (or it was already merged into another).');
    }
    if (survivor.exchange_uid && other.exchange_uid && survivor.exchange_uid !== other.exchange_uid) {
      throw new AppError('contact_merge_uid_clash');
    }
    const survivorBefore = profileOf(survivor);
    const mergedBefore = profileOf(other);
    const identities = await moveIdentities(tx, ctx.org.id, other.id, survivor.id);
    const conversationIds = await moveContactConversations(tx, ctx.org.id, other.id, survivor.id);
    // The UID is unique per organization: the merged contact lets go of it before the survivor takes it.
    if (other.exchange_uid) await clearExchangeUid(tx, ctx.org.id, other.id);
    await setMergeProfile(tx, ctx.org.id, other.id, {
      ...mergedBefore,
      exchange_uid: null,
      merged_into_id: survivor.id,
    });
    await setMergeProfile(tx, ctx.org.id, survivor.id, {
      name: survivor.name || other.name,
      email: survivor.email || other.email,
      exchange_uid: survivor.exchange_uid || other.exchange_uid,
      locale: survivor.locale || other.locale,
      vip_level: Math.max(survivor.vip_level, other.vip_level),
      merged_into_id: null,
    });
    const merge = await insertContactMerge(tx, ctx.org.id, {
      survivorId: survivor.id,
      mergedId: other.id,
      automatic: input.automatic,
      reason: input.reason,
      agentId,
      moved: { identities, conversationIds, survivorBefore, mergedBefore },
    });
    await recordAudit(ctx, tx, {
      action: input.automatic ? 'contact.merge_automatic' : 'contact.merge',
      targetType: 'contact',
      targetId: survivor.id,
      details: {
        mergeId: merge.id,
        mergedId: other.id,
        reason: input.reason,
        identities: identities.map((i) => i.kind),
        conversationIds,
      },
    });
    return merge;
  });
  await tellConsoles(ctx, row.moved.conversationIds);
  return toContactMerge(row);
}

/** An agent's merge: `otherContactId` moves into `contactId`. Supervisors and admins only. */
export async function mergeContacts(ctx: Ctx, contactId: string, otherContactId: string): Promise<ContactMerge> {
  requireAgentRole(ctx, 'supervisor', 'admin');
  return performMerge(ctx, { survivorId: contactId, otherId: otherContactId, automatic: false, reason: null });
}

/**
 * Puts a merge back exactly: the identities and conversations that moved return to the merged contact and both
 * profiles are what they were before. What arrived since (a new conversation, a new identity) stays with the survivor.
 */
export async function undoContactMerge(ctx: Ctx, mergeId: string): Promise<ContactMerge> {
  const agent = requireAgentRole(ctx, 'supervisor', 'admin');
  const row = await ctx.db.transaction(async (tx) => {
    const merge = await selectContactMergeForUpdate(tx, ctx.org.id, mergeId);
    if (!merge) throw new AppError('contact_merge_not_found');
    if (merge.undone_at) throw new AppError('contact_merge_undone');
    await lockContacts(tx, ctx.org.id, [merge.survivor_id, merge.merged_id]);
    const { identities, conversationIds, survivorBefore, mergedBefore } = merge.moved;
    await returnIdentities(
      tx,
      ctx.org.id,
      identities.map((i) => i.id),
      merge.merged_id,
    );
    await returnConversationsToContact(tx, ctx.org.id, conversationIds, merge.merged_id);
    // The survivor first: it lets go of a UID that was the merged contact's before that contact takes it back.
    await setMergeProfile(tx, ctx.org.id, merge.survivor_id, { ...survivorBefore, merged_into_id: null });
    await setMergeProfile(tx, ctx.org.id, merge.merged_id, { ...mergedBefore, merged_into_id: null });
    const undone = await markMergeUndone(tx, ctx.org.id, mergeId, agent.id);
    await recordAudit(ctx, tx, {
      action: 'contact.merge_undo',
      targetType: 'contact',
      targetId: merge.survivor_id,
      details: { mergeId, mergedId: merge.merged_id, conversationIds },
    });
    return undone;
  });
  await tellConsoles(ctx, row.moved.conversationIds);
  return toContactMerge(row);
}

/** The merges a contact took part in, newest first (the console offers Undo on the standing ones). */
export async function listContactMerges(ctx: Ctx, contactId: string): Promise<ContactMerge[]> {
  requireAgentRole(ctx);
  // Another organization's contact (or none) is a 404, as everywhere else, not an empty list that says "no merges".
  if (!(await selectContact(ctx.db, ctx.org.id, contactId)))
    throw new AppError('contact_not_found', 'No such contact.');
  const merges = (await selectMergesOfContact(ctx.db, ctx.org.id, contactId, 20)).map(toContactMerge);
  if (seesPii(ctx.actor)) return merges;
  // What moved names the customer's identities: masked like the contact itself for an agent without pii_read.
  return merges.map((m) => ({
    ...m,
    identities: m.identities.map((i) => ({ kind: i.kind, value: IDENTITY_MASKS[i.kind](i.value) })),
  }));
}

const passed = (auth: { spf?: string; dkim?: string[] } | undefined) =>
  auth !== undefined && (auth.spf === 'pass' || (Array.isArray(auth.dkim) && auth.dkim.includes('pass')));

/**
 * The one automatic merge, deliberately narrow: a widget customer the exchange just vouched for (a signed identity
 * token for UID X) and an email contact whose address is that account's email AND whose latest inbound mail passed
 * SPF or DKIM — both channels then prove the same person. The email contact moves into the UID contact, recorded as
 * an automatic merge that agents can undo; a pair an agent has unmerged is never merged again on its own. Nothing
 * else merges without an agent. Returns the merge, or null when nothing was merged.
 */
export async function mergeVerifiedEmailContact(
  scope: { db: Ctx['db']; org: { id: string }; events?: Ctx['events']; log?: Ctx['log'] },
  uidContactId: string,
  accountEmail: string | null | undefined,
): Promise<ContactMerge | null> {
  const email = accountEmail?.trim().toLowerCase();
  if (!email?.includes('@')) return null;
  const emailContact = await findContactByIdentity(scope, 'email', email);
  if (!emailContact || emailContact.id === uidContactId || emailContact.exchange_uid) return null;
  if (!passed(await selectLatestInboundEmailAuth(scope.db, scope.org.id, emailContact.id))) return null;
  if (await selectPairWasUndone(scope.db, scope.org.id, uidContactId, emailContact.id)) return null;
  return performMerge(
    { ...scope, actor: { kind: 'system' } },
    { survivorId: uidContactId, otherId: emailContact.id, automatic: true, reason: 'verified_email' },
  );
}
