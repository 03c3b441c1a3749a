import type { Queryable } from '../db/db.ts';
import { AppError } from '../errors.ts';
import { createTtlCache, type TtlCache } from '../ttl-cache.ts';
import {
  ensureAppSecret,
  type InboxRow,
  insertInbox,
  type OrgRow,
  selectInbox,
  selectInboxByKind,
  selectInboxForWebhook,
  selectOrgById,
  selectOrgBySlug,
  selectOldestOrg,
  selectWebInbox,
} from './orgs.queries.ts';

export type { InboxRow, OrgRow } from './orgs.queries.ts';

/**
 * Organizations and their inboxes, for the other domains. An organization is found by id (from a session or a token)
 * or by its public slug (the widget and the public pages name it); what an inbox is set up to do (bot, routing,
 * greeting) is in its settings.
 */
type Scope = { db: Queryable };
/** What an org-owned read needs: a full Ctx is one, so is `{ db, org: { id } }` where no actor is known yet. */
type OrgScope = Scope & { org: { id: string } };

export async function findOrgById(scope: Scope, orgId: string): Promise<OrgRow | undefined> {
  return selectOrgById(scope.db, orgId);
}

export async function findOrgBySlug(scope: Scope, slug: string): Promise<OrgRow | undefined> {
  return selectOrgBySlug(scope.db, slug);
}

/** The first organization created (a single-exchange install's public pages serve it). */
export async function findOldestOrg(scope: Scope): Promise<OrgRow | undefined> {
  return selectOldestOrg(scope.db);
}

/** The organization a public widget request names by slug; an unknown slug is `org_not_found`. */
export async function requireOrgBySlug(scope: Scope, slug: string): Promise<OrgRow> {
  const org = await selectOrgBySlug(scope.db, slug);
  if (!org) throw new AppError('org_not_found');
  return org;
}

/** The organization's website chat inbox (the widget's), the first one created. */
export async function findWebInbox(scope: OrgScope): Promise<InboxRow | undefined> {
  return selectWebInbox(scope.db, scope.org.id);
}

/**
 * How long the widget's organization and inbox are remembered: every widget request needs them, and under a surge
 * reading them each time was two statements of every session and request. Nothing edits them through the API; a
 * change made in the database is seen within this time.
 */
const WIDGET_LOOKUP_TTL_MS = 10_000;
const widgetOrgs = new WeakMap<Queryable, TtlCache<string, OrgRow | undefined>>();
const widgetInboxes = new WeakMap<Queryable, TtlCache<string, InboxRow | undefined>>();
/** Per database (tests run several in one process); only what exists is remembered. */
function perDb<V>(caches: WeakMap<Queryable, TtlCache<string, V | undefined>>, db: Queryable) {
  let cache = caches.get(db);
  if (!cache) {
    cache = createTtlCache<string, V | undefined>(WIDGET_LOOKUP_TTL_MS, { keep: (v) => v !== undefined });
    caches.set(db, cache);
  }
  return cache;
}

/** findOrgBySlug for the public widget, remembered for a few seconds. */
export function findWidgetOrg(scope: Scope, slug: string): Promise<OrgRow | undefined> {
  return perDb(widgetOrgs, scope.db).get(slug, () => selectOrgBySlug(scope.db, slug));
}

/** findWebInbox for the public widget, remembered for a few seconds. */
export function findWidgetInbox(scope: OrgScope): Promise<InboxRow | undefined> {
  return perDb(widgetInboxes, scope.db).get(scope.org.id, () => selectWebInbox(scope.db, scope.org.id));
}

/** How long an inbox's bot switch is trusted: a switch flipped in settings applies within it. */
const BOT_SWITCH_TTL_MS = 30_000;
const botSwitches = new WeakMap<Queryable, TtlCache<string, boolean>>();

/**
 * Whether the inbox has its bot on, remembered for half a minute: the bot asks on every customer message and the SLA
 * clocks on every new conversation.
 */
export function isInboxBotEnabled(scope: OrgScope, inboxId: string): Promise<boolean> {
  let cache = botSwitches.get(scope.db);
  if (!cache) {
    cache = createTtlCache<string, boolean>(BOT_SWITCH_TTL_MS);
    botSwitches.set(scope.db, cache);
  }
  return cache.get(inboxId, async () => {
    const inbox = await selectInbox(scope.db, scope.org.id, inboxId);
    return (inbox?.settings.bot as { enabled?: boolean } | undefined)?.enabled === true;
  });
}

export async function findInbox(scope: OrgScope, inboxId: string): Promise<InboxRow | undefined> {
  return selectInbox(scope.db, scope.org.id, inboxId);
}

/** The organization's first inbox of a kind (the one that sends a reply on another channel than its conversation's). */
export async function findInboxOfKind(scope: OrgScope, kind: InboxRow['kind']): Promise<InboxRow | undefined> {
  return selectInboxByKind(scope.db, scope.org.id, kind);
}

/** A process-wide secret (not an organization's), created once by whichever node gets there first. */
export async function appSecret(scope: Scope, name: string, generate: () => string): Promise<string> {
  return ensureAppSecret(scope.db, name, generate);
}

/** A new inbox of the organization (a channel an admin connects); returns its id. */
export async function createInbox(
  scope: OrgScope,
  i: { kind: InboxRow['kind']; name: string; settings: Record<string, unknown> },
): Promise<string> {
  return insertInbox(scope.db, {
    orgId: scope.org.id,
    kind: i.kind,
    name: i.name,
    identitySecret: null,
    settings: i.settings,
  });
}

/**
 * The inbox a channel's webhook names, in whichever organization holds it (the URL carries only the inbox id); the
 * caller must then check the secret in its settings before trusting the request.
 */
export async function findInboxForWebhook(scope: Scope, inboxId: string): Promise<InboxRow | undefined> {
  return selectInboxForWebhook(scope.db, inboxId);
}

/**
 * The organization's phone inbox, created on first use (by a customer's callback request). Its bot is off: a callback
 * is for a person, so the SLA clocks start when it opens; it is routed like the website chat. Two first uses at once may both insert; every reader takes
 * the oldest, so they still share one.
 */
export async function ensurePhoneInbox(scope: OrgScope): Promise<InboxRow> {
  const existing = await selectInboxByKind(scope.db, scope.org.id, 'phone');
  if (existing) return existing;
  // Routed like the website chat (skills, teams), if that is routed.
  const web = await selectWebInbox(scope.db, scope.org.id);
  await insertInbox(scope.db, {
    orgId: scope.org.id,
    kind: 'phone',
    name: 'Phone',
    identitySecret: null,
    settings: { bot: { enabled: false }, ...(web?.settings.routing ? { routing: web.settings.routing } : {}) },
  });
  return (await selectInboxByKind(scope.db, scope.org.id, 'phone')) as InboxRow;
}
