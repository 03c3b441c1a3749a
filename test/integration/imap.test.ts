import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { selectImapCursor } from '../../src/server/email/imap.queries.ts';
import { insertInbox } from '../../src/server/orgs/orgs.queries.ts';
import { testDatabases } from '../helpers/databases.ts';
import { type Dovecot, startDovecot } from '../helpers/dovecot.ts';
import { createTestOrg, loginAgent, startTestServer, type TestOrg, type TestServerWithBot } from '../helpers/server.ts';
import { DOVECOT_PATH, isAvailable, servicesRequired } from '../helpers/services.ts';

/**
 * Inbound email read from an existing mailbox: a dovecot of the test's own holds it, the test APPENDs mail as a
 * provider's MTA would deliver it, and kefu's IMAP poller turns it into conversations, across a restart in the middle.
 */

const hasDovecot = await isAvailable('dovecot');
if (!hasDovecot) {
  if (servicesRequired()) throw new Error(`dovecot is required (CI=true) but ${DOVECOT_PATH} is missing`);
  console.warn(
    `${'!'.repeat(78)}\n  SKIPPING the IMAP suite: no dovecot at ${DOVECOT_PATH} (apt-get install dovecot-imapd).\n${'!'.repeat(78)}`,
  );
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function mail(m: { from: string; to: string; subject: string; text: string; messageId: string; inReplyTo?: string }) {
  return [
    `Return-Path: <${m.from}>`,
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${m.subject}`,
    `Message-ID: ${m.messageId}`,
    ...(m.inReplyTo ? [`In-Reply-To: ${m.inReplyTo}`, `References: ${m.inReplyTo}`] : []),
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    m.text,
    '',
  ].join('\r\n');
}

let dovecot: Dovecot | undefined;
if (hasDovecot) {
  before(async () => {
    dovecot = await startDovecot();
  });
  after(async () => {
    await dovecot?.stop();
  });
}

for (const database of await testDatabases()) {
  describe(`email by IMAP (${database.name})`, { skip: !hasDovecot && 'no dovecot' }, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServerWithBot | undefined;
    let org: TestOrg;
    let inboxId: string;
    let address: string;
    let imap: ImapFlow;
    const mailbox = `Support-${database.name}`;

    before(async () => {
      if (!dovecot) throw new Error('dovecot did not start');
      imap = new ImapFlow({
        host: '127.0.0.1',
        port: dovecot.port,
        secure: false,
        auth: { user: dovecot.user, pass: dovecot.password },
        logger: false,
      });
      await imap.connect();
      await imap.mailboxCreate(mailbox);
      db = await database.open();
      org = await createTestOrg(db, undefined, { bot: true });
      address = `support-${org.slug}@lumen.example`;
      inboxId = await insertInbox(db, {
        orgId: org.id,
        kind: 'email',
        name: 'Email',
        identitySecret: null,
        settings: {
          bot: { enabled: true },
          email: {
            address,
            imap: {
              host: '127.0.0.1',
              port: dovecot.port,
              secure: false,
              user: dovecot.user,
              password: dovecot.password,
              mailbox,
              pollSeconds: 1,
            },
          },
        },
      });
    });
    after(async () => {
      await imap?.logout().catch(() => {});
      await server?.close();
      await db?.drop();
    });

    const append = async (m: Parameters<typeof mail>[0]) => {
      const result = await imap.append(mailbox, mail(m));
      assert.ok(result !== false && result.uid, 'dovecot gave the message a UID');
      return result.uid;
    };
    /** Every email conversation of the org, with its customer messages (an admin's view: addresses in full). */
    const emailConversations = async (s: TestServerWithBot) => {
      const agent = await loginAgent(s, org.agents.admin);
      const list = await agent.call('GET', '/api/agent/conversations?assignee=all&limit=50');
      assert.equal(list.status, 200);
      const out: { id: string; channel: string; email: string | null; customer: string[]; ids: string[] }[] = [];
      for (const c of list.body.conversations as { id: string; channel: string; contact: { email: string | null } }[]) {
        const detail = await agent.call('GET', `/api/agent/conversations/${c.id}`);
        const mine = (
          detail.body.messages as { authorKind: string; body: string; meta: { email?: { messageId?: string } } }[]
        ).filter((m) => m.authorKind === 'customer');
        out.push({
          id: c.id,
          channel: c.channel,
          email: c.contact.email,
          customer: mine.map((m) => m.body),
          ids: mine.map((m) => m.meta.email?.messageId ?? ''),
        });
      }
      return out;
    };
    const cursor = () => selectImapCursor(db, org.id, inboxId);

    test('mail in the mailbox becomes email conversations, once each, across a restart; a reply threads', async () => {
      const tag = crypto.randomBytes(3).toString('hex');
      const customers = [1, 2, 3].map((n) => `c${n}-${tag}@example.com`);
      const ids = [1, 2, 3].map((n) => `<m${n}-${tag}@example.com>`);
      // Mail already waiting before kefu starts: read on the first connection.
      const uid1 = await append({
        from: customers[0] as string,
        to: address,
        subject: 'USDT deposit missing',
        text: 'My 500 USDT deposit from yesterday has not arrived.',
        messageId: ids[0] as string,
      });
      const uid2 = await append({
        from: customers[1] as string,
        to: address,
        subject: 'Withdrawal pending',
        text: 'My BTC withdrawal has been pending for two hours.',
        messageId: ids[1] as string,
      });
      server = await startTestServer(db);
      const first = server;
      await until('the first message handled', async () => ((await cursor())?.last_uid ?? 0) >= uid1);
      // Stopped in the middle: the first message is kept, the second may or may not be.
      await first.close();
      server = undefined;
      const stoppedAt = await cursor();
      assert.ok(stoppedAt && stoppedAt.last_uid >= uid1 && stoppedAt.last_uid <= uid2);
      const leases = await db.query<{ lease_owner: string | null }>(
        'SELECT lease_owner FROM imap_cursors WHERE inbox_id = $1',
        [inboxId],
      );
      assert.equal(leases[0]?.lease_owner, null, 'a node that stops lets go of the inbox');

      const uid3 = await append({
        from: customers[2] as string,
        to: address,
        subject: 'Account frozen?',
        text: 'I cannot log in since this morning.',
        messageId: ids[2] as string,
      });
      server = await startTestServer(db);
      await until('the third message handled', async () => ((await cursor())?.last_uid ?? 0) >= uid3);
      // Two more polls: anything read twice would show now.
      await new Promise((r) => setTimeout(r, 2500));
      let conversations = await emailConversations(server);
      assert.equal(conversations.length, 3, JSON.stringify(conversations));
      for (const c of conversations) assert.equal(c.channel, 'email');
      assert.deepEqual(
        conversations.flatMap((c) => c.ids).sort(),
        [...ids].sort(),
        'exactly the three messages, none twice, none missed',
      );
      const byCustomer = (email: string) => conversations.find((c) => c.email === email);
      assert.match(byCustomer(customers[0] as string)?.customer[0] ?? '', /500 USDT/);
      assert.ok(byCustomer(customers[1] as string));
      assert.ok(byCustomer(customers[2] as string));

      // The customer answers kefu's acknowledgement: In-Reply-To their first message threads it.
      const uid4 = await append({
        from: customers[0] as string,
        to: address,
        subject: 'Re: USDT deposit missing',
        text: 'The TxID is 0xabc, network TRC20.',
        messageId: `<m4-${tag}@example.com>`,
        inReplyTo: ids[0] as string,
      });
      const firstId = byCustomer(customers[0] as string)?.id;
      conversations = await until('the threaded reply', async () => {
        const now = await emailConversations(server as TestServerWithBot);
        return now.find((c) => c.id === firstId)?.customer.length === 2 ? now : undefined;
      });
      assert.equal(conversations.length, 3, 'no new conversation for the reply');
      assert.match(conversations.find((c) => c.id === firstId)?.customer[1] ?? '', /TxID is 0xabc/);
      assert.equal((await cursor())?.last_uid, uid4);
      const status = await imap.status(mailbox, { uidValidity: true });
      assert.equal((await cursor())?.uid_validity, Number(status !== false && status.uidValidity));
    });

    test('a mailbox rebuilt with a new UIDVALIDITY is read again from the start; mail kefu has is not posted twice', async () => {
      const before = await cursor();
      const tag = crypto.randomBytes(3).toString('hex');
      const previous = (await emailConversations(server as TestServerWithBot)).flatMap((c) => c.ids);
      // The provider rebuilds the folder: the poller's session loses its mailbox, reconnects, finds new UIDs.
      await imap.mailboxDelete(mailbox);
      await imap.mailboxCreate(mailbox);
      const old = previous[0] as string;
      const raw = (id: string, from: string, text: string) =>
        mail({ from, to: address, subject: 'again', text, messageId: id });
      await imap.append(mailbox, raw(old, `c1-${tag}@example.com`, 'an old mail, restored into the new folder'));
      const fresh = `<m5-${tag}@example.com>`;
      const uid = (await imap.append(mailbox, raw(fresh, `c5-${tag}@example.com`, 'A new question.'))) as {
        uid: number;
      };
      await until(
        'the rebuilt mailbox read',
        async () => {
          const now = await cursor();
          return now && now.uid_validity !== before?.uid_validity && now.last_uid === uid.uid;
        },
        30_000,
      );
      const ids = (await emailConversations(server as TestServerWithBot)).flatMap((c) => c.ids);
      assert.deepEqual(ids.sort(), [...previous, fresh].sort(), 'the new mail once, the old one not again');
    });
  });
}
