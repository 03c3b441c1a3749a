import crypto from 'node:crypto';
import type { WidgetConfigResponse, WidgetSessionResponse } from '../../contracts/api.ts';
import type { Locale } from '../../contracts/domain.ts';
import {
  addContactIdentity,
  type ContactRow,
  createContact,
  findContact,
  findContactByIdentity,
  updateContact,
} from '../contacts/contacts.service.ts';
import { mergeVerifiedEmailContact } from '../contacts/contacts.merge.ts';
import { screenFreeText } from '../secrets/secret-guard.ts';
import type { Ctx } from '../context.ts';
import { latestConversationOfContact, toConversation } from '../conversations/conversations.service.ts';
import type { Db } from '../db/db.ts';
import { AppError } from '../errors.ts';
import { findWidgetInbox, findWidgetOrg, type OrgRow } from '../orgs/orgs.service.ts';
import {
  isVisitorTokenExpired,
  readVisitorToken,
  signVisitorToken,
  type VisitorTokenClaims,
  verifyIdentityToken,
  verifyVisitorToken,
} from './tokens.ts';
import { selectVisitorLastSeen } from './visitors.queries.ts';

/**
 * How long after it expired a visitor token still renews into a fresh one for the same visitor, so a customer who
 * comes back within a month finds their conversation. Safe because:
 *   - the signature proves we issued the token for this contact of this organization, and renewal gives nothing more
 *     than a token for that same contact: it can never reach another visitor or an account;
 *   - an account-bound contact (signed in through the exchange's identity token) never renews from an old token: an
 *     expired token left in a shared browser cannot reopen an exchange account's chat without the exchange's
 *     signature; that browser starts a new anonymous visitor instead;
 *   - it bounds a copied token (from a log, a shared computer) to TTL + grace, instead of forever as before; and
 *     renewals are rate-limited per visitor like every session start.
 */
export const VISITOR_RENEWAL_GRACE_SECONDS = 30 * 24 * 60 * 60;

const DEFAULT_GREETING: WidgetConfigResponse['greeting'] = {
  'zh-CN': '您好！我们 24 小时在线。请描述您的问题，例如充值未到账、提币审核中或账户安全。',
  'zh-TW': '您好！我們 24 小時在線。請描述您的問題，例如充值未到帳、提幣審核中或帳戶安全。',
  en: 'Hi! We are here 24/7. Tell us what happened — a missing deposit, a withdrawal in review, account security…',
};

async function findOrgWithInbox(db: Db, slug: string) {
  const org = await findWidgetOrg({ db }, slug);
  if (!org) throw new AppError('org_not_found');
  const inbox = await findWidgetInbox({ db, org });
  if (!inbox) throw new AppError('inbox_not_found');
  return { org, inbox };
}

export async function getWidgetConfig(db: Db, slug: string): Promise<WidgetConfigResponse> {
  const { org, inbox } = await findOrgWithInbox(db, slug);
  const greeting = (inbox.settings.greeting as WidgetConfigResponse['greeting'] | undefined) ?? DEFAULT_GREETING;
  return { org: { slug: org.slug, name: org.name }, inbox: { id: inbox.id, name: inbox.name }, greeting };
}

export type WidgetVisitor = { org: OrgRow; inboxId: string; contactId: string; name: string | null };

/**
 * Resolves who is chatting. An identity token signed by the exchange wins (the customer is that exchange account);
 * otherwise a valid visitor token resumes the same anonymous visitor; otherwise a new visitor is created.
 */
export async function startWidgetSession(
  deps: { db: Db; visitorKey: string; events?: Ctx['events']; log?: Ctx['log'] },
  input: { org: string; visitorToken?: string; identityToken?: string; locale?: Locale },
): Promise<WidgetSessionResponse> {
  const { db } = deps;
  const { org, inbox } = await findOrgWithInbox(db, input.org);
  const scope = { db, org };
  let contactId: string | undefined;
  let verified = false;
  if (input.identityToken) {
    const claims = inbox.identity_secret ? verifyIdentityToken(inbox.identity_secret, input.identityToken) : undefined;
    if (!claims) throw new AppError('identity_token_invalid');
    const existing = await findContactByIdentity(scope, 'exchange_uid', claims.uid);
    const profile = {
      // The exchange signs the name but its customer typed it: screened like any other name.
      name: claims.name === undefined ? undefined : screenFreeText(claims.name, 'value'),
      email: claims.email,
      locale: claims.locale ?? input.locale,
      vipLevel: claims.vipLevel,
    };
    if (existing) {
      contactId = existing.id;
      await updateContact(scope, existing.id, profile);
    } else {
      const contact = await createContact(scope, { exchangeUid: claims.uid, ...profile });
      await addContactIdentity(scope, contact.id, { kind: 'exchange_uid', value: claims.uid });
      contactId = contact.id;
    }
    // The exchange vouches for this account: its email contact, when that mail verifiably came from the same address,
    // becomes part of it (the one automatic merge; see contacts.merge.ts). A failure never blocks the chat.
    await mergeVerifiedEmailContact(
      { db, org, events: deps.events, log: deps.log },
      contactId,
      claims.email ?? existing?.email,
    ).catch((error: unknown) => deps.log?.warn({ err: error }, 'automatic contact merge failed'));
    verified = true;
  } else if (input.visitorToken) {
    const visitor = readVisitorToken(deps.visitorKey, input.visitorToken);
    const known = visitor && visitor.orgId === org.id ? await findContact(scope, visitor.contactId) : undefined;
    // A token for another org, for a contact that no longer exists, or too old to renew starts a fresh visitor
    // rather than failing.
    if (visitor && known && (await mayResume(db, visitor, known))) {
      contactId = visitor.contactId;
      // The widget re-opens its session when the customer switches language: the bot and agents follow it.
      if (input.locale) await updateContact(scope, contactId, { locale: input.locale });
    }
  }
  let contact: ContactRow | undefined;
  let isNew = false;
  if (!contactId) {
    contact = await createContact(scope, { locale: input.locale });
    await addContactIdentity(scope, contact.id, { kind: 'web_visitor', value: crypto.randomUUID() });
    contactId = contact.id;
    isNew = true;
  } else {
    contact = await findContact(scope, contactId);
  }
  if (!contact) throw new AppError('internal_error');
  // A visitor created just now has no conversation to resume.
  const latest = isNew ? undefined : await latestConversationOfContact(scope, contactId);
  const resumable = latest && latest.status !== 'closed' ? latest : undefined;
  const issued = signVisitorToken(deps.visitorKey, org.id, contactId);
  return {
    visitorToken: issued.token,
    visitorTokenExpiresAt: issued.expiresAt.toISOString(),
    contact: { id: contactId, name: contact.name, verified: verified || contact.exchange_uid !== null },
    conversation: resumable ? toConversation(resumable) : null,
  };
}

/** A live token resumes; an expired one (or a v1 token, which never said when) renews within the grace window. */
async function mayResume(db: Db, visitor: VisitorTokenClaims, contact: ContactRow, now = Date.now()): Promise<boolean> {
  if (!isVisitorTokenExpired(visitor, now)) return true;
  if (contact.exchange_uid !== null) return false;
  // A v1 token carries no issue time: measure its age from when its visitor was last here.
  const expiredAt = visitor.expiresAt ?? (await selectVisitorLastSeen(db, contact.org_id, contact.id));
  return expiredAt !== null && now - expiredAt.getTime() <= VISITOR_RENEWAL_GRACE_SECONDS * 1000;
}

/**
 * The contact a visitor token names, whether or not it still opens the API: what the per-visitor rate limit of
 * session starts counts (a renewal is that visitor coming back, not a new one).
 */
export function returningVisitorOf(visitorKey: string, visitorToken: string | undefined): string | undefined {
  return visitorToken ? readVisitorToken(visitorKey, visitorToken)?.contactId : undefined;
}

/** The customer behind a widget request's bearer token. */
export async function authenticateVisitor(
  deps: { db: Db; visitorKey: string },
  token: string | undefined,
): Promise<Pick<Ctx, 'org' | 'actor'> & { inboxId: string }> {
  const visitor = token ? readVisitorToken(deps.visitorKey, token) : undefined;
  if (!visitor) throw new AppError('visitor_token_invalid');
  if (isVisitorTokenExpired(visitor)) {
    throw new AppError(
      'visitor_token_invalid',
      'The visitor token has expired; renew it with POST /api/widget/session.',
    );
  }
  const scope = { db: deps.db, org: { id: visitor.orgId } };
  const contact = await findContact(scope, visitor.contactId);
  if (!contact) throw new AppError('visitor_token_invalid');
  const inbox = await findWidgetInbox(scope);
  if (!inbox) throw new AppError('inbox_not_found');
  return {
    org: { id: visitor.orgId },
    actor: { kind: 'customer', contactId: contact.id, name: contact.name },
    inboxId: inbox.id,
  };
}

export type SocketVisitor = { orgId: string; contactId: string; name: string | null };

/** The customer behind the widget WebSocket's token: undefined unless it is ours, unexpired and names a contact. */
export async function findVisitorBySocketToken(
  deps: { db: Db; visitorKey: string },
  token: string,
): Promise<SocketVisitor | undefined> {
  const visitor = verifyVisitorToken(deps.visitorKey, token);
  const contact = visitor
    ? await findContact({ db: deps.db, org: { id: visitor.orgId } }, visitor.contactId)
    : undefined;
  return visitor && contact ? { orgId: visitor.orgId, contactId: contact.id, name: contact.name } : undefined;
}
