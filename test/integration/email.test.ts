import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import nodemailer, { type Transporter } from 'nodemailer';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { addSandboxCustomer } from '../../src/server/exchange/sandbox.ts';
import { insertInbox } from '../../src/server/orgs/orgs.queries.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  startTestServer,
  type TestOrg,
  type TestServerWithBot,
} from '../helpers/server.ts';

/**
 * Email both ways over real SMTP: nodemailer sends into kefu's own listener, and kefu's outbound mail arrives at an
 * smtp-server sink standing in for the exchange's mail relay.
 */

function startSink() {
  const received: { envelopeTo: string[]; raw: Buffer; mail: ParsedMail }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const raw = Buffer.concat(chunks);
        received.push({
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          raw,
          mail: await simpleParser(raw),
        });
        callback();
      });
    },
  });
  return new Promise<{ port: number; received: typeof received; close(): Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
      resolve({ port, received, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const database of await testDatabases()) {
  describe(`email as a channel (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServerWithBot;
    let sink: Awaited<ReturnType<typeof startSink>>;
    let org: TestOrg;
    let agent: AgentClient;
    let address: string;
    let toKefu: Transporter;

    before(async () => {
      sink = await startSink();
      db = await database.open();
      server = await startTestServer(db, {
        KEFU_SMTP_PORT: '0',
        KEFU_SMTP_MAX_BYTES: String(5 * 1024 * 1024),
        SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      });
      org = await createTestOrg(db, undefined, { bot: true });
      address = `support-${org.slug}@lumen.example`;
      await insertInbox(db, {
        orgId: org.id,
        kind: 'email',
        name: 'Email',
        identitySecret: null,
        settings: { bot: { enabled: true }, email: { address } },
      });
      // A supervisor: the suite finds conversations by the sender's whole address, which a plain agent sees masked.
      agent = await loginAgent(server, org.agents.secure);
      toKefu = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, secure: false, ignoreTLS: true });
    });
    after(async () => {
      toKefu?.close();
      await server?.close();
      await sink?.close();
      await db?.drop();
    });

    const mailsTo = (who: string) =>
      sink.received.filter((r) => r.envelopeTo.some((to) => to.toLowerCase() === who.toLowerCase()));
    const conversationsOf = async (email: string) =>
      (await agent.call('GET', '/api/agent/conversations?assignee=all&limit=50')).body.conversations.filter(
        (c: { contact: { email: string | null } }) => c.contact.email === email,
      ) as {
        id: string;
        number: number;
        channel: string;
        contact: { identities: { kind: string; value: string }[] };
      }[];

    test('a customer email becomes an email conversation, is acknowledged with its number, and threads both ways', async () => {
      const customer = `li-${crypto.randomBytes(3).toString('hex')}@example.com`;
      const first = await toKefu.sendMail({
        from: `"Li Lei" <${customer}>`,
        to: address,
        subject: 'USDT 充值没到账',
        text: '我昨天充值的 500 USDT 还没到账，请帮忙查一下。\n\n-- \nLi Lei\n发自我的 iPhone',
      });
      const [conversation] = await until(
        'the conversation',
        async () => (await conversationsOf(customer))[0] && conversationsOf(customer),
      );
      assert.ok(conversation);
      assert.equal(conversation.channel, 'email');
      assert.deepEqual(conversation.contact.identities, [{ kind: 'email', value: customer }]);

      const ack = await until('the acknowledgement', () =>
        mailsTo(customer).find((m) => /#\d+/.test(m.mail.text ?? '') && m.mail.headers.get('auto-submitted')),
      );
      assert.match(ack.mail.text ?? '', new RegExp(`#${conversation.number}`));
      assert.equal(ack.mail.headers.get('auto-submitted'), 'auto-replied');
      assert.equal(ack.mail.inReplyTo, first.messageId);
      assert.match(ack.mail.subject ?? '', new RegExp(`^Re: USDT 充值没到账 \\[#${conversation.number}\\]$`));
      // No anti-phishing code is known for an address the exchange does not link: the mail says how to set one.
      assert.match(ack.mail.text ?? '', /^【您尚未设置防钓鱼码/);

      // The agent's reply: threaded, from the inbox, with the conversation's own reply address.
      const sent = await agent.call('POST', `/api/agent/conversations/${conversation.id}/messages`, {
        body: '您好，请提供这笔充值的 TxID，我们马上为您核查。',
        clientId: 'agent-1',
      });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      const reply = await until('the agent reply', () =>
        mailsTo(customer).find((m) => (m.mail.text ?? '').includes('请提供这笔充值的 TxID')),
      );
      assert.equal(reply.mail.from?.value[0]?.address, address);
      assert.match(
        reply.mail.replyTo?.value[0]?.address ?? '',
        new RegExp(`^support-${org.slug}\\+[0-9a-f]{24}@lumen\\.example$`),
      );
      assert.equal(reply.mail.inReplyTo, first.messageId);
      assert.ok((reply.mail.references as string[] | string | undefined)?.includes(first.messageId));
      assert.match(reply.mail.html || '', /请提供这笔充值的 TxID/);
      assert.equal(reply.mail.headers.get('auto-submitted'), undefined, 'a person wrote this one');

      // The customer answers the agent's mail: it lands in the same conversation, quoted history trimmed.
      await toKefu.sendMail({
        from: customer,
        to: address,
        subject: `Re: ${reply.mail.subject}`,
        inReplyTo: reply.mail.messageId,
        references: [first.messageId, reply.mail.messageId ?? ''],
        text: `TxID 是 0x${'ab'.repeat(32)}\n\n在 2026年12月6日，Support 写道：\n> 您好，请提供这笔充值的 TxID，我们马上为您核查。`,
      });
      const messages = await until('the threaded reply', async () => {
        const detail = await agent.call('GET', `/api/agent/conversations/${conversation.id}`);
        const mine = detail.body.messages.filter((m: { authorKind: string }) => m.authorKind === 'customer');
        return mine.length >= 2 ? mine : undefined;
      });
      assert.equal((await conversationsOf(customer)).length, 1, 'no second conversation');
      assert.match(messages[1].body, /^TxID 是 0x(ab){32}$/);
      assert.match(messages[1].meta.email.fullText, /Support 写道/, 'the full original is kept');

      // A reply that lost its headers still threads by the reply address.
      await toKefu.sendMail({
        from: customer,
        to: reply.mail.replyTo?.value[0]?.address ?? '',
        subject: 'one more thing',
        text: '金额是 500 USDT，网络 TRC20。',
      });
      await until('the reply-address mail', async () => {
        const detail = await agent.call('GET', `/api/agent/conversations/${conversation.id}`);
        return detail.body.messages.some((m: { body: string }) => m.body.includes('网络 TRC20')) || undefined;
      });
      assert.equal((await conversationsOf(customer)).length, 1);
    });

    test('a customer the exchange knows gets every support email with their anti-phishing code in the fixed place', async () => {
      const uid = String(70_000_000 + crypto.randomInt(1_000_000));
      const customer = `known-${uid}@example.com`;
      await addSandboxCustomer(db, org.id, {
        account: {
          uid,
          email: customer,
          kycLevel: 2,
          vipLevel: 0,
          status: 'active',
          registeredAt: new Date().toISOString(),
          locale: 'en',
          antiPhishingCode: 'LUMEN-QX42',
          activeSessions: 1,
          apiKeys: 0,
        },
      });
      await toKefu.sendMail({
        from: customer,
        to: address,
        subject: 'Question',
        text: 'How do I change my 2FA phone?',
      });
      const [conversation] = await until(
        'the conversation',
        async () => (await conversationsOf(customer))[0] && conversationsOf(customer),
      );
      assert.ok(conversation);
      await db.query('UPDATE contacts SET exchange_uid = $1, locale = $2 WHERE org_id = $3 AND email = $4', [
        uid,
        'en',
        org.id,
        customer,
      ]);
      await agent.call('POST', `/api/agent/conversations/${conversation.id}/messages`, {
        body: 'Open Security → 2FA and choose "Change device".',
        clientId: 'agent-apc',
      });
      const mail = await until('the reply', () =>
        mailsTo(customer).find((m) => (m.mail.text ?? '').includes('Change device')),
      );
      assert.match(mail.mail.text ?? '', /^【Your anti-phishing code: LUMEN-QX42】/);
      assert.match(mail.mail.html || '', /Your anti-phishing code: LUMEN-QX42/);
    });

    test('an attachment is kept with the type its bytes say, and agents download it from the message', async () => {
      const customer = `file-${crypto.randomBytes(3).toString('hex')}@example.com`;
      const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), crypto.randomBytes(2000)]);
      await toKefu.sendMail({
        from: customer,
        to: address,
        subject: 'statement',
        text: 'Here is my bank statement for the P2P appeal.',
        attachments: [{ filename: 'statement.txt', content: pdf, contentType: 'text/plain' }],
      });
      const [conversation] = await until(
        'the conversation',
        async () => (await conversationsOf(customer))[0] && conversationsOf(customer),
      );
      assert.ok(conversation);
      const first = await until('the attachment', async () => {
        const detail = await agent.call('GET', `/api/agent/conversations/${conversation.id}`);
        const message = detail.body.messages.find((m: { authorKind: string }) => m.authorKind === 'customer');
        return message?.attachments?.length ? message : undefined;
      });
      const [file] = first.attachments as { name: string; url: string; contentType: string; size: number }[];
      assert.equal(file?.name, 'statement.txt');
      assert.equal(file?.contentType, 'application/pdf', 'sniffed from the bytes, not the sender’s label');
      assert.equal(file?.size, pdf.length);
      const download = await fetch(`${server.url}${file?.url}`, { headers: { cookie: agent.cookie } });
      assert.equal(download.status, 200);
      assert.match(download.headers.get('content-disposition') ?? '', /^attachment;/);
      assert.equal(download.headers.get('x-content-type-options'), 'nosniff');
      assert.ok(Buffer.from(await download.arrayBuffer()).equals(pdf));
      const anonymous = await fetch(`${server.url}${file?.url}`);
      assert.equal(anonymous.status, 401);

      // The agent's answer with a file: the mail carries the stored bytes as an attachment.
      const png = Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGP4z8AARwzEcQCukw/x0F8jngAAAABJRU5ErkJggg==',
        'base64',
      );
      const upload = await agent.call('POST', `/api/agent/conversations/${conversation.id}/files`, {
        name: 'where-to-find-the-txid.png',
        data: png.toString('base64'),
        caption: 'See the marked field.',
        clientId: 'agent-file-1',
      });
      assert.equal(upload.status, 201, JSON.stringify(upload.body));
      const mailed = await until('the mail with the file', () =>
        mailsTo(customer).find((m) => (m.mail.text ?? '').includes('See the marked field.')),
      );
      const [sentFile] = mailed.mail.attachments;
      assert.equal(sentFile?.filename, 'where-to-find-the-txid.png');
      assert.equal(sentFile?.contentType, 'image/png');
      assert.ok(sentFile?.content.equals(png), 'the same bytes');
    });

    test('machine mail, bounces and oversized mail are recorded and never answered', async () => {
      const robot = `robot-${crypto.randomBytes(3).toString('hex')}@example.com`;
      await toKefu.sendMail({
        from: robot,
        to: address,
        subject: 'Out of office',
        text: 'I am away until Monday.',
        headers: { 'Auto-Submitted': 'auto-replied' },
      });
      await toKefu.sendMail({
        from: 'MAILER-DAEMON@mx.example.com',
        to: address,
        subject: 'Undelivered Mail Returned to Sender',
        text: 'Final-Recipient: rfc822; gone@example.com\nAction: failed\nStatus: 5.1.1',
      });
      await assert.rejects(
        toKefu.sendMail({
          from: 'big@example.com',
          to: address,
          subject: 'scan',
          text: 'attached',
          attachments: [{ filename: 'scan.bin', content: Buffer.alloc(6 * 1024 * 1024, 1) }],
        }),
        /552|size/i,
      );
      const events = await until('the records', async () => {
        const rows = await db.query<{ kind: string; address: string | null }>(
          'SELECT kind, address FROM email_events WHERE org_id = $1 ORDER BY id',
          [org.id],
        );
        return rows.length >= 3 ? rows : undefined;
      });
      assert.deepEqual(events.map((e) => e.kind).sort(), ['automatic', 'bounce', 'too_large']);
      assert.equal((await conversationsOf(robot)).length, 0);
      // Nothing goes back to any of them (earlier tests' replies may still be arriving for other addresses).
      await new Promise((r) => setTimeout(r, 300));
      for (const sender of [robot, 'mailer-daemon@mx.example.com', 'big@example.com'])
        assert.equal(mailsTo(sender).length, 0, `nothing was sent to ${sender}: no mail loop`);
    });

    test('header injection in a subject or name goes no further, and malformed MIME is kept as text', async () => {
      const customer = `inject-${crypto.randomBytes(3).toString('hex')}@example.com`;
      await toKefu.sendMail({
        envelope: { from: customer, to: [address] },
        raw: `From: "Evil\r\n Bcc: victim@example.com" <${customer}>\r\nTo: ${address}\r\nSubject: hi\r\n Bcc: victim@example.com\r\nMessage-ID: <inj-${crypto.randomBytes(4).toString('hex')}@example.com>\r\nContent-Type: multipart/mixed; boundary="broken"\r\n\r\n--broken\r\nContent-Type: text/plain\r\n\r\n提币一直在审核中\r\n--broken`,
      });
      const [conversation] = await until(
        'the conversation',
        async () => (await conversationsOf(customer))[0] && conversationsOf(customer),
      );
      assert.ok(conversation);
      const ack = await until('the acknowledgement', () => mailsTo(customer)[0]);
      assert.equal(ack.mail.headers.get('bcc'), undefined);
      assert.ok(!mailsTo('victim@example.com').length, 'nothing went to the injected address');
      assert.doesNotMatch(ack.mail.subject ?? '', /[\r\n]/);
    });
  });
}
