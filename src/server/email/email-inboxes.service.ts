import { ImapFlow } from 'imapflow';
import type {
  CreateEmailInboxBody,
  EmailInbox,
  EmailInboxList,
  ImapTestResult,
  UpdateEmailInboxBody,
} from '../../contracts/email-inboxes.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Config } from '../config.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import { AppError } from '../errors.ts';
import { createInbox } from '../orgs/orgs.service.ts';
import { seal, unseal } from '../secrets/sealed.ts';
import {
  type EmailInboxAdminRow,
  selectEmailInbox,
  selectEmailInboxes,
  updateEmailInbox,
} from './email-inboxes.queries.ts';
import { selectEmailInboxByAddress } from './email.queries.ts';

/**
 * Admins' email inboxes (issue 13): the address, the name mail goes out under, and the inbound route: kefu's SMTP
 * listener, or an existing mailbox over IMAP. Stored in the inbox's settings.email, where the SMTP listener and the
 * IMAP poller read it; every change publishes `inbox.changed`, so every node's poller looks again at once. The
 * password is sealed before it is stored and never returned; the audit log records what changed, never the password.
 */

type StoredEmail = {
  address: string;
  imap?: { host: string; port?: number; secure: boolean; user: string; password: string; mailbox: string };
};

function emailOf(row: EmailInboxAdminRow): StoredEmail {
  return row.settings.email as StoredEmail;
}

function toEmailInbox(row: EmailInboxAdminRow): EmailInbox {
  const email = emailOf(row);
  const imap = email.imap;
  return {
    id: row.id,
    address: email.address,
    displayName: row.name,
    bot: (row.settings.bot as { enabled?: boolean } | undefined)?.enabled !== false,
    inbound: imap
      ? {
          kind: 'imap',
          host: imap.host,
          port: imap.port ?? (imap.secure ? 993 : 143),
          secure: imap.secure,
          user: imap.user,
          mailbox: imap.mailbox,
          passwordSet: Boolean(imap.password),
        }
      : { kind: 'smtp' },
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function listEmailInboxes(
  ctx: Ctx,
  config: Pick<Config, 'smtpListener'>,
  smtpPort: number | undefined,
): Promise<EmailInboxList> {
  requireAgentRole(ctx, 'admin');
  const rows = await selectEmailInboxes(ctx.db, ctx.org.id);
  const listener = config.smtpListener;
  return {
    inboxes: rows.map(toEmailInbox),
    smtpListener: listener ? { host: listener.host, port: smtpPort ?? listener.port } : null,
  };
}

async function requireFreeAddress(ctx: Ctx, address: string, except?: string): Promise<void> {
  const holder = await selectEmailInboxByAddress(ctx.db, address);
  // Mail is routed by address alone, across organizations: one address, one inbox.
  if (holder && holder.id !== except) throw new AppError('conflict', 'Another inbox already receives this address.');
}

/** The stored IMAP settings for an inbound route; an update without a password keeps the stored one. */
function imapToStore(inbound: CreateEmailInboxBody['inbound'], previous: StoredEmail['imap']): StoredEmail['imap'] {
  if (inbound.kind !== 'imap') return undefined;
  const password = inbound.password ? seal(inbound.password) : previous?.password;
  if (!password) throw new AppError('bad_request', 'The IMAP password is required.');
  return {
    host: inbound.host,
    ...(inbound.port ? { port: inbound.port } : {}),
    secure: inbound.secure,
    user: inbound.user,
    password,
    mailbox: inbound.mailbox,
  };
}

function auditDetails(email: StoredEmail, name: string) {
  // Never the password.
  return {
    address: email.address,
    displayName: name,
    inbound: email.imap ? { kind: 'imap', host: email.imap.host, user: email.imap.user } : { kind: 'smtp' },
  };
}

export async function createEmailInbox(ctx: Ctx, body: CreateEmailInboxBody): Promise<EmailInbox> {
  requireAgentRole(ctx, 'admin');
  const address = body.address.toLowerCase();
  await requireFreeAddress(ctx, address);
  const imap = imapToStore(body.inbound, undefined);
  const email: StoredEmail = { address, ...(imap ? { imap } : {}) };
  const inboxId = await createInbox(ctx, {
    kind: 'email',
    name: body.displayName,
    settings: { bot: { enabled: body.bot ?? true }, email },
  });
  await recordAudit(ctx, ctx.db, {
    action: 'email_inbox.create',
    targetType: 'inbox',
    targetId: inboxId,
    details: auditDetails(email, body.displayName),
  });
  ctx.events.publish({ type: 'inbox.changed', orgId: ctx.org.id, inboxId, kind: 'email' });
  const row = await selectEmailInbox(ctx.db, ctx.org.id, inboxId);
  if (!row) throw new AppError('inbox_not_found');
  return toEmailInbox(row);
}

export async function updateEmailInboxSettings(
  ctx: Ctx,
  inboxId: string,
  body: UpdateEmailInboxBody,
): Promise<EmailInbox> {
  requireAgentRole(ctx, 'admin');
  const row = await selectEmailInbox(ctx.db, ctx.org.id, inboxId);
  if (!row) throw new AppError('inbox_not_found');
  const previous = emailOf(row);
  const address = body.address?.toLowerCase() ?? previous.address;
  if (address !== previous.address) await requireFreeAddress(ctx, address, inboxId);
  let imap = previous.imap;
  if (body.inbound) imap = imapToStore(body.inbound, previous.imap);
  const email: StoredEmail = { ...previous, address, ...(imap ? { imap } : {}) };
  if (!imap) delete email.imap;
  const name = body.displayName ?? row.name;
  const bot = body.bot === undefined ? row.settings.bot : { ...(row.settings.bot as object), enabled: body.bot };
  await updateEmailInbox(ctx.db, ctx.org.id, inboxId, { name, settings: { ...row.settings, bot, email } });
  await recordAudit(ctx, ctx.db, {
    action: 'email_inbox.update',
    targetType: 'inbox',
    targetId: inboxId,
    details: {
      ...auditDetails(email, name),
      passwordChanged: body.inbound?.kind === 'imap' && !!body.inbound.password,
    },
  });
  ctx.events.publish({ type: 'inbox.changed', orgId: ctx.org.id, inboxId, kind: 'email' });
  const updated = await selectEmailInbox(ctx.db, ctx.org.id, inboxId);
  if (!updated) throw new AppError('inbox_not_found');
  return toEmailInbox(updated);
}

/**
 * Removes an email inbox from service: it stops receiving (no address, no mailbox, the password dropped) but its
 * row stays, because its conversations keep pointing at it.
 */
export async function removeEmailInbox(ctx: Ctx, inboxId: string): Promise<void> {
  requireAgentRole(ctx, 'admin');
  const row = await selectEmailInbox(ctx.db, ctx.org.id, inboxId);
  if (!row) throw new AppError('inbox_not_found');
  const previous = emailOf(row);
  await updateEmailInbox(ctx.db, ctx.org.id, inboxId, {
    name: row.name,
    settings: { ...row.settings, email: { removed: true, formerAddress: previous.address } },
  });
  await recordAudit(ctx, ctx.db, {
    action: 'email_inbox.delete',
    targetType: 'inbox',
    targetId: inboxId,
    details: { address: previous.address },
  });
  ctx.events.publish({ type: 'inbox.changed', orgId: ctx.org.id, inboxId, kind: 'email' });
}

/** Logs in to the mailbox and opens it read-only: what the poller will do, said back to the admin. */
export async function testImapConnection(
  ctx: Ctx,
  body: {
    inboxId?: string;
    imap: { host: string; port?: number; secure: boolean; user: string; mailbox: string; password?: string };
  },
): Promise<ImapTestResult> {
  requireAgentRole(ctx, 'admin');
  let password = body.imap.password;
  if (!password && body.inboxId) {
    const row = await selectEmailInbox(ctx.db, ctx.org.id, body.inboxId);
    if (!row) throw new AppError('inbox_not_found');
    const stored = emailOf(row).imap?.password;
    password = stored ? unseal(stored) : undefined;
  }
  if (!password) throw new AppError('bad_request', 'The IMAP password is required.');
  const { host, secure, user, mailbox } = body.imap;
  const imap = new ImapFlow({
    host,
    port: body.imap.port ?? (secure ? 993 : 143),
    secure,
    auth: { user, pass: password },
    logger: false,
    connectionTimeout: 15_000,
    greetingTimeout: 10_000,
  });
  // An unreachable host emits 'error' as well as rejecting connect().
  imap.on('error', () => {});
  try {
    await imap.connect();
    const opened = await imap.mailboxOpen(mailbox, { readOnly: true });
    return { ok: true, messages: opened.exists };
  } catch (error) {
    const problem = error as Error & { responseText?: string; authenticationFailed?: boolean };
    const text = problem.authenticationFailed
      ? 'The server refused the user name or password.'
      : (problem.responseText ?? problem.message);
    ctx.log.info({ host, user, reason: text.split(password).join('[password]') }, 'IMAP test failed');
    return { ok: false, error: text.split(password).join('[password]').slice(0, 300) };
  } finally {
    if (imap.usable) await imap.logout().catch(() => imap.close());
    else imap.close();
  }
}
