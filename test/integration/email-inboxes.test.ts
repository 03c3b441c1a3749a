import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import { testDatabases } from '../helpers/databases.ts';
import { type Dovecot, startDovecot } from '../helpers/dovecot.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  startTestServer,
  type TestOrg,
  type TestServerWithBot,
} from '../helpers/server.ts';
import { DOVECOT_PATH, isAvailable, servicesRequired } from '../helpers/services.ts';

/**
 * Email inboxes as admins configure them (issue 13): list/create/update/delete through the API, admin-only and
 * audited, the IMAP password write-only and sealed, a connection test, and the IMAP poller picking up a new inbox
 * and a changed mailbox without a restart (a dovecot of the test's own holds the mail).
 */

const hasDovecot = await isAvailable('dovecot');
if (!hasDovecot && servicesRequired()) throw new Error(`dovecot is required (CI=true) but ${DOVECOT_PATH} is missing`);

async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const mail = (from: string, to: string, subject: string) =>
  [
    `Return-Path: <${from}>`,
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Message-ID: <${crypto.randomUUID()}@example.com>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `${subject}: my deposit has not arrived.`,
    '',
  ].join('\r\n');

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
  describe(`email inbox settings (${database.name})`, { skip: !hasDovecot && 'no dovecot' }, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServerWithBot;
    let org: TestOrg;
    let admin: AgentClient;
    let imap: ImapFlow;
    let imapInboxId: string;
    const tag = crypto.randomBytes(3).toString('hex');
    const mailboxA = `A-${database.name}-${tag}`;
    const mailboxB = `B-${database.name}-${tag}`;

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
      await imap.mailboxCreate(mailboxA);
      await imap.mailboxCreate(mailboxB);
      db = await database.open();
      org = await createTestOrg(db, undefined, { bot: false });
      server = await startTestServer(db, { KEFU_SMTP_PORT: '0' });
      admin = await loginAgent(server, org.agents.admin);
    });
    after(async () => {
      await imap?.logout().catch(() => {});
      await server?.close();
      await db?.drop();
    });

    const customerSubjects = async () => {
      const rows = await db.query<{ subject: string }>(
        `SELECT meta->'email'->>'subject' AS subject FROM messages
          WHERE org_id = $1 AND author_kind = 'customer' ORDER BY created_at`,
        [org.id],
      );
      return rows.map((r) => r.subject);
    };
    const imapBody = (mailbox: string, password?: string) => ({
      kind: 'imap' as const,
      host: '127.0.0.1',
      port: dovecot?.port,
      secure: false,
      user: dovecot?.user,
      mailbox,
      ...(password ? { password } : {}),
    });

    test('only admins manage email inboxes; bad input is a 400', async () => {
      const agent = await loginAgent(server, org.agents.agent);
      assert.equal((await agent.call('GET', '/api/agent/email/inboxes')).status, 403);
      const refused = await agent.call('POST', '/api/agent/email/inboxes', {
        address: `x-${tag}@lumen.example`,
        displayName: 'X',
        inbound: { kind: 'smtp' },
      });
      assert.equal(refused.status, 403);
      for (const body of [
        { address: 'not-an-address', displayName: 'X', inbound: { kind: 'smtp' } },
        { address: `y-${tag}@lumen.example`, displayName: '', inbound: { kind: 'smtp' } },
        { address: `y-${tag}@lumen.example`, displayName: 'Y', inbound: { kind: 'pop3' } },
        { address: `y-${tag}@lumen.example`, displayName: 'Y', inbound: imapBody('INBOX') },
      ]) {
        const result = await admin.call('POST', '/api/agent/email/inboxes', body);
        assert.equal(result.status, 400, JSON.stringify(body));
        assert.equal(typeof result.body.error.code, 'string');
      }
    });

    test("an SMTP inbox shows where to point mail; an address is one inbox's", async () => {
      const address = `help-${tag}@lumen.example`;
      const created = await admin.call('POST', '/api/agent/email/inboxes', {
        address,
        displayName: 'Lumen 客服',
        inbound: { kind: 'smtp' },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(created.body.inbox.inbound, { kind: 'smtp' });
      const list = await admin.call('GET', '/api/agent/email/inboxes');
      assert.equal(list.status, 200);
      assert.deepEqual(list.body.smtpListener, { host: '127.0.0.1', port: server.smtpPort });
      assert.ok(list.body.inboxes.some((i: { address: string }) => i.address === address));
      const again = await admin.call('POST', '/api/agent/email/inboxes', {
        address: address.toUpperCase(),
        displayName: 'Again',
        inbound: { kind: 'smtp' },
      });
      assert.equal(again.status, 409);
    });

    test('an IMAP inbox: the password is sealed and never returned; the poller reads it without a restart', async () => {
      const password = dovecot?.password as string;
      const address = `imap-${tag}@lumen.example`;
      await imap.append(mailboxA, mail('c1@example.com', address, `Waiting A ${tag}`));
      const created = await admin.call('POST', '/api/agent/email/inboxes', {
        address,
        displayName: 'Support mailbox',
        inbound: imapBody(mailboxA, password),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      imapInboxId = created.body.inbox.id;
      assert.equal(created.body.inbox.inbound.passwordSet, true);
      assert.equal(JSON.stringify(created.body).includes(password), false, 'the password is not returned');
      const list = await admin.call('GET', '/api/agent/email/inboxes');
      assert.equal(JSON.stringify(list.body).includes(password), false);
      const stored = await db.query<{ settings: unknown }>('SELECT settings FROM inboxes WHERE id = $1', [imapInboxId]);
      assert.equal(JSON.stringify(stored[0]?.settings).includes(password), false, 'the password is stored sealed');
      assert.match(JSON.stringify(stored[0]?.settings), /"password":"sealed:v1:/);

      await until('the waiting mail read', async () => (await customerSubjects()).includes(`Waiting A ${tag}`));
    });

    test('the connection test logs in with the stored password, and says when a password is wrong', async () => {
      const ok = await admin.call('POST', '/api/agent/email/inboxes/test-imap', {
        inboxId: imapInboxId,
        imap: imapBody(mailboxA),
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.ok, true);
      assert.ok(ok.body.messages >= 1);
      const wrong = await admin.call('POST', '/api/agent/email/inboxes/test-imap', {
        imap: imapBody(mailboxA, 'not-the-password'),
      });
      assert.equal(wrong.status, 200);
      assert.equal(wrong.body.ok, false);
      assert.match(wrong.body.error, /user name or password/);
    });

    test('a changed mailbox is read without a restart (the password kept); a removed inbox stops', async () => {
      const changed = await admin.call('PATCH', `/api/agent/email/inboxes/${imapInboxId}`, {
        displayName: 'Support mailbox B',
        inbound: imapBody(mailboxB),
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal(changed.body.inbox.inbound.mailbox, mailboxB);
      assert.equal(changed.body.inbox.inbound.passwordSet, true);
      await imap.append(mailboxB, mail('c2@example.com', `imap-${tag}@lumen.example`, `In B ${tag}`));
      await until('the mail in the new mailbox read', async () => (await customerSubjects()).includes(`In B ${tag}`));

      const removed = await admin.call('DELETE', `/api/agent/email/inboxes/${imapInboxId}`);
      assert.equal(removed.status, 204);
      const list = await admin.call('GET', '/api/agent/email/inboxes');
      assert.equal(
        list.body.inboxes.some((i: { id: string }) => i.id === imapInboxId),
        false,
      );
      assert.equal((await admin.call('DELETE', `/api/agent/email/inboxes/${imapInboxId}`)).status, 404);
      const audit = await admin.call('GET', '/api/agent/audit?limit=50');
      const actions = audit.body.entries.map((e: { action: string }) => e.action);
      for (const action of ['email_inbox.create', 'email_inbox.update', 'email_inbox.delete']) {
        assert.ok(actions.includes(action), action);
      }
      assert.equal(JSON.stringify(audit.body).includes(dovecot?.password as string), false);
    });
  });
}
