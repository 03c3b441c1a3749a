import crypto from 'node:crypto';
import { ImapFlow } from 'imapflow';
import { z } from 'zod';
import { unseal } from '../secrets/sealed.ts';
import { type EmailDeps, receiveEmail } from './email-inbound.ts';
import {
  claimImapLease,
  type ImapInboxRow,
  releaseImapLease,
  selectImapCursor,
  selectImapInboxes,
  updateImapCursor,
} from './imap.queries.ts';

/**
 * Inbound email read from an existing mailbox over IMAP, beside kefu's own SMTP listener: for an exchange whose support
 * address already lives at a mail provider. Per email inbox with `settings.email.imap`, one node (the holder of the
 * inbox's lease in imap_cursors) connects, opens the mailbox read-only, and hands every message with a UID above the
 * last one it kept to receiveEmail, recording that UID after each message, so a restart neither reads a message twice
 * nor misses one (a new UIDVALIDITY means the mailbox was rebuilt: it is read from the start, and receiveEmail drops
 * what it already has by Message-ID). It waits in IDLE where the server offers it (imapflow's auto-IDLE, woken by
 * `exists`) and polls every `pollSeconds` regardless; on any error it reconnects with a growing pause.
 *
 * Why a lease row and not an advisory lock: a session advisory lock belongs to one connection, and the Db interface
 * pools them; a transaction-scoped one would hold a pool connection through slow IMAP traffic. The lease is an
 * upsert that works the same on PGlite and PostgreSQL, is renewed with every cursor write and every poll, is let go
 * on a clean stop (another node takes over at once) and runs out after a crash.
 */

export const imapSettingsSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535).optional(),
  /** TLS from the start (993); false: plain, upgraded with STARTTLS when the server offers it (143). */
  secure: z.boolean().default(true),
  user: z.string().min(1),
  password: z.string().min(1),
  mailbox: z.string().min(1).default('INBOX'),
  /** The poll behind IDLE, and how often a node that does not hold the inbox asks again. */
  pollSeconds: z.number().min(0.2).max(3600).default(60),
});
export type ImapSettings = z.infer<typeof imapSettingsSchema>;

export type ImapPollers = { stop(): Promise<void> };

const RESCAN_SECONDS = 60;
const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 5 * 60_000;

/**
 * Starts a poller for every email inbox that has IMAP settings, and looks again every minute for inboxes added,
 * changed or removed.
 */
export async function startImapPollers(
  deps: EmailDeps,
  options: { rescanSeconds?: number } = {},
): Promise<ImapPollers> {
  const owner = crypto.randomUUID();
  const running = new Map<string, { key: string; poller: InboxPoller }>();
  let stopped = false;

  const rescan = async () => {
    let rows: ImapInboxRow[];
    try {
      rows = await selectImapInboxes(deps.db);
    } catch (error) {
      deps.log.warn({ err: error }, 'IMAP: could not list the inboxes');
      return;
    }
    const seen = new Set<string>();
    for (const row of rows) {
      if (stopped) return;
      const email = row.settings.email as { address?: unknown; imap?: unknown } | undefined;
      const parsed = imapSettingsSchema.safeParse(email?.imap);
      if (typeof email?.address !== 'string' || !parsed.success) {
        if (!running.has(row.id)) {
          deps.log.warn(
            { inboxId: row.id, problems: parsed.error?.issues.map((i) => i.path.join('.')) },
            'IMAP: the inbox settings are incomplete; not polling it',
          );
        }
        continue;
      }
      seen.add(row.id);
      let settings: ImapSettings;
      try {
        // Stored sealed (secrets/sealed.ts); opened only here, for the login.
        settings = { ...parsed.data, password: unseal(parsed.data.password) };
      } catch (error) {
        if (!running.has(row.id)) {
          deps.log.warn({ inboxId: row.id, reason: (error as Error).message }, 'IMAP: cannot open the password');
        }
        continue;
      }
      const key = JSON.stringify([email.address, settings]);
      const current = running.get(row.id);
      if (current?.key === key) continue;
      if (current) await current.poller.stop();
      running.set(row.id, {
        key,
        poller: startInboxPoller(deps, { id: row.id, orgId: row.org_id, address: email.address }, settings, owner),
      });
    }
    for (const [id, current] of running) {
      if (seen.has(id)) continue;
      running.delete(id);
      await current.poller.stop();
    }
  };

  // One scan at a time: an admin's change during a scan queues one more after it.
  let scanning: Promise<void> = Promise.resolve();
  const queueRescan = () => {
    scanning = scanning.then(rescan);
    return scanning;
  };
  await queueRescan();
  // An admin's change (email-inboxes.service.ts) is picked up at once, on every node; the timer is the backstop.
  const unsubscribe = deps.events.subscribe(
    (event) => {
      if (event.type === 'inbox.changed' && event.kind === 'email' && !stopped) void queueRescan();
    },
    { scope: 'cluster' },
  );
  const timer = setInterval(() => void queueRescan(), (options.rescanSeconds ?? RESCAN_SECONDS) * 1000);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      unsubscribe();
      clearInterval(timer);
      await scanning;
      await Promise.all([...running.values()].map((r) => r.poller.stop()));
      running.clear();
    },
  };
}

type InboxRef = { id: string; orgId: string; address: string };
type InboxPoller = { stop(): Promise<void> };

class LeaseLost extends Error {}

/** One inbox's loop: hold the lease, connect, read what is new, wait for IDLE or the poll, again; back off on errors. */
export function startInboxPoller(deps: EmailDeps, inbox: InboxRef, settings: ImapSettings, owner: string): InboxPoller {
  const log = deps.log.child({
    imap: { inboxId: inbox.id, host: settings.host, user: settings.user, mailbox: settings.mailbox },
  });
  const pollMs = settings.pollSeconds * 1000;
  const leaseSeconds = Math.max(30, settings.pollSeconds * 3);
  let stopped = false;
  let client: ImapFlow | undefined;
  // Set by IMAP's EXISTS (or a closed connection, or stop); the wait between reads ends early on it.
  let pending = false;
  let wake: (() => void) | undefined;
  const poke = () => {
    pending = true;
    wake?.();
  };
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (pending || stopped) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  /** Reads every message above the cursor, one at a time, recording each before the next. */
  const readNew = async (imap: ImapFlow) => {
    const mailbox = imap.mailbox;
    if (!mailbox) throw new Error('no mailbox open');
    const uidValidity = Number(mailbox.uidValidity);
    const cursor = await selectImapCursor(deps.db, inbox.orgId, inbox.id);
    let lastUid = cursor?.last_uid ?? 0;
    if (cursor?.uid_validity != null && cursor.uid_validity !== uidValidity) {
      log.warn(
        { was: cursor.uid_validity, now: uidValidity },
        'IMAP: the mailbox UIDVALIDITY changed; reading it again from the start',
      );
      lastUid = 0;
    }
    if (cursor?.uid_validity !== uidValidity || lastUid !== cursor.last_uid) {
      if (!(await updateImapCursor(deps.db, inbox.orgId, inbox.id, owner, leaseSeconds, { uidValidity, lastUid })))
        throw new LeaseLost();
    }
    // "n:*" always includes the newest message, even below n: hence the filter.
    const found = await imap.search({ uid: `${lastUid + 1}:*` }, { uid: true });
    const uids = (found || []).filter((uid) => uid > lastUid).sort((a, b) => a - b);
    for (const uid of uids) {
      if (stopped) return;
      const message = await imap.fetchOne(String(uid), { uid: true, source: true, envelope: true }, { uid: true });
      if (message !== false && message.source) {
        const envelope = message.envelope;
        const recipients = [...(envelope?.to ?? []), ...(envelope?.cc ?? [])]
          .map((a) => a.address)
          .filter((a): a is string => Boolean(a));
        const returnPath = returnPathOf(message.source);
        const from = returnPath ?? envelope?.sender?.[0]?.address ?? envelope?.from?.[0]?.address ?? null;
        const outcome = await receiveEmail(deps, message.source, {
          from,
          // The inbox's own address first: the mailbox is the inbox's, whatever the headers say.
          to: [inbox.address, ...recipients],
        });
        log.debug({ uid, outcome: outcome.kind }, 'IMAP: message taken');
      }
      // A message expunged between SEARCH and FETCH is gone: the cursor moves past it all the same.
      if (!(await updateImapCursor(deps.db, inbox.orgId, inbox.id, owner, leaseSeconds, { uidValidity, lastUid: uid })))
        throw new LeaseLost();
    }
  };

  const session = async () => {
    const imap = new ImapFlow({
      host: settings.host,
      port: settings.port ?? (settings.secure ? 993 : 143),
      secure: settings.secure,
      auth: { user: settings.user, pass: settings.password },
      // imapflow's own log carries every command; ours says what matters, and never the password.
      logger: false,
      maxIdleTime: pollMs,
      // IDLE soon after each read (imapflow's default waits 15 s), so new mail is seen at once, not at the next poll.
      autoIdleDelay: 2000,
      connectionTimeout: 30_000,
    });
    client = imap;
    imap.on('exists', poke);
    imap.on('close', poke);
    imap.on('error', (error: Error) => log.warn({ error: error.message }, 'IMAP: connection error'));
    try {
      await imap.connect();
      await imap.mailboxOpen(settings.mailbox, { readOnly: true });
      log.info({ idle: imap.capabilities.has('IDLE') }, 'IMAP: polling the mailbox');
      backoff = BACKOFF_FIRST_MS;
      while (!stopped && imap.usable) {
        pending = false;
        await readNew(imap);
        await pause(pollMs);
        if (stopped || !imap.usable) break;
        if (!(await claimImapLease(deps.db, inbox.orgId, inbox.id, owner, leaseSeconds))) throw new LeaseLost();
        if (!pending) {
          // The periodic poll selects the mailbox afresh: a folder deleted and rebuilt under an open session sends
          // that session nothing, and only a new SELECT shows its new UIDVALIDITY.
          await imap.mailboxClose();
          await imap.mailboxOpen(settings.mailbox, { readOnly: true });
        }
      }
    } finally {
      client = undefined;
      if (imap.usable) await imap.logout().catch(() => imap.close());
      else imap.close();
    }
  };

  let backoff = BACKOFF_FIRST_MS;
  const loop = async () => {
    while (!stopped) {
      try {
        if (!(await claimImapLease(deps.db, inbox.orgId, inbox.id, owner, leaseSeconds))) {
          // Another node polls this inbox; ask again at the next poll.
          await pause(pollMs);
          pending = false;
          continue;
        }
        await session();
        if (!stopped) log.info('IMAP: the connection closed; reconnecting');
      } catch (error) {
        if (stopped) break;
        if (error instanceof LeaseLost) {
          log.warn('IMAP: another node took this inbox over');
          continue;
        }
        const problem = error as Error & { code?: string; responseText?: string; authenticationFailed?: boolean };
        log.warn(
          {
            error: redact(problem.message, settings.password),
            code: problem.code,
            authenticationFailed: problem.authenticationFailed,
            retryInMs: backoff,
          },
          'IMAP: polling failed; trying again',
        );
        pending = false;
        await pause(backoff * (0.75 + Math.random() / 2));
        pending = false;
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      }
    }
    await releaseImapLease(deps.db, inbox.orgId, inbox.id, owner).catch((error: unknown) =>
      log.warn({ err: error }, 'IMAP: could not let go of the lease'),
    );
  };
  const running = loop();

  return {
    async stop() {
      stopped = true;
      poke();
      // A message being taken is finished; a connection stuck in a command is cut after a few seconds.
      const cut = setTimeout(() => client?.close(), 5000);
      try {
        await running;
      } finally {
        clearTimeout(cut);
      }
    },
  };
}

/** The envelope sender the delivering server recorded ("<>" for a bounce, which receiveEmail reads as one). */
function returnPathOf(source: Buffer): string | null {
  const end = source.indexOf('\r\n\r\n');
  const head = source.subarray(0, end === -1 ? Math.min(source.length, 64 * 1024) : end).toString('latin1');
  const match = /^Return-Path:[ \t]*<([^>]*)>/im.exec(head);
  return match ? (match[1] as string).trim() : null;
}

function redact(text: string | undefined, secret: string): string | undefined {
  return text?.split(secret).join('[password]');
}
