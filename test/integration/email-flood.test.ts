import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import nodemailer, { type Transporter } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { SENDER_LIMIT_PER_HOUR } from '../../src/server/email/email-inbound.ts';
import { insertInbox } from '../../src/server/orgs/orgs.queries.ts';
import { testDatabases } from '../helpers/databases.ts';
import { createTestOrg, startTestServer, type TestOrg, type TestServerWithBot } from '../helpers/server.ts';

/**
 * The per-sender limit of inbound mail (issue 13): past SENDER_LIMIT_PER_HOUR mails from one sender into an inbox
 * within the hour, the rest are recorded as `rate_limited` in email_events, not stored as messages and not answered;
 * another sender still gets through. Sent over real SMTP into kefu's listener; kefu's own mail lands in a sink.
 */

async function startSink() {
  const received: { to: string[] }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  return { port, received, close: () => new Promise<void>((done) => server.close(() => done())) };
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const database of await testDatabases()) {
  describe(`inbound email: the per-sender limit (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServerWithBot;
    let sink: Awaited<ReturnType<typeof startSink>>;
    let org: TestOrg;
    let address: string;
    let toKefu: Transporter;

    before(async () => {
      sink = await startSink();
      db = await database.open();
      server = await startTestServer(db, { KEFU_SMTP_PORT: '0', SMTP_URL: `smtp://127.0.0.1:${sink.port}` });
      org = await createTestOrg(db, undefined, { bot: false });
      address = `support-${org.slug}@lumen.example`;
      await insertInbox(db, {
        orgId: org.id,
        kind: 'email',
        name: 'Email',
        identitySecret: null,
        settings: { bot: { enabled: false }, email: { address } },
      });
      toKefu = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, secure: false, ignoreTLS: true });
    });
    after(async () => {
      toKefu?.close();
      await server?.close();
      await sink?.close();
      await db?.drop();
    });

    const customerMessagesFrom = async (email: string) =>
      (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM messages WHERE org_id = $1 AND author_kind = 'customer'
              AND meta->'email'->>'from' = $2`,
          [org.id, email],
        )
      )[0]?.n ?? 0;
    const floodEvents = async (email: string) =>
      (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM email_events WHERE org_id = $1 AND kind = 'rate_limited' AND address = $2`,
          [org.id, email],
        )
      )[0]?.n ?? 0;
    const mailsTo = (who: string) => sink.received.filter((r) => r.to.includes(who)).length;
    const send = (from: string, n: number) =>
      toKefu.sendMail({
        from,
        to: address,
        subject: `Deposit question ${n}`,
        text: `Where is my deposit? (mail ${n})`,
        messageId: `<${crypto.randomUUID()}@example.com>`,
      });

    test(`mail ${SENDER_LIMIT_PER_HOUR + 1} and on from one sender is recorded as a flood and not answered`, async () => {
      const flooder = `flood-${crypto.randomBytes(3).toString('hex')}@example.com`;
      for (let n = 1; n <= SENDER_LIMIT_PER_HOUR; n++) await send(flooder, n);
      await until(
        'the allowed mails stored',
        async () => (await customerMessagesFrom(flooder)) === SENDER_LIMIT_PER_HOUR,
      );
      assert.equal(await floodEvents(flooder), 0, 'nothing over the limit yet');
      // kefu's answers to the allowed mails (acknowledgements) have all gone out before the flood.
      const answered = await until('the acknowledgements sent', async () => {
        const outbox = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM channel_deliveries WHERE org_id = $1 AND status = 'pending'`,
          [org.id],
        );
        return (outbox[0]?.n ?? 0) === 0 && mailsTo(flooder) > 0 ? mailsTo(flooder) : false;
      });

      for (let n = SENDER_LIMIT_PER_HOUR + 1; n <= SENDER_LIMIT_PER_HOUR + 3; n++) await send(flooder, n);
      await until('the extra mails recorded as a flood', async () => (await floodEvents(flooder)) === 3);
      assert.equal(await customerMessagesFrom(flooder), SENDER_LIMIT_PER_HOUR, 'the extra mails are not messages');

      // Another sender is not limited by the first one's flood; its acknowledgement is kefu's proof of sending.
      const other = `other-${crypto.randomBytes(3).toString('hex')}@example.com`;
      await send(other, 1);
      await until('the other sender stored', async () => (await customerMessagesFrom(other)) === 1);
      await until('the other sender answered', async () => mailsTo(other) > 0);
      assert.equal(await floodEvents(other), 0);
      assert.equal(mailsTo(flooder), answered, 'nothing was sent to the flooder for the extra mails');
    });
  });
}
