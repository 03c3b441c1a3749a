import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { insertMessageWithNextSeq } from '../../src/server/conversations/conversations.queries.ts';
import { createFileLink } from '../../src/server/files/files.service.ts';
import { appSecret } from '../../src/server/orgs/orgs.service.ts';
import { testDatabases } from '../helpers/databases.ts';
import { botReplies, waitForMessages } from '../helpers/conversation.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  request,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServerWithBot,
  type VisitorClient,
} from '../helpers/server.ts';

/** A real 1×1 PNG (signature, IHDR, IDAT, IEND), so the sniffer sees what a browser would. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const MZ_EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), crypto.randomBytes(512)]);

for (const database of await testDatabases()) {
  describe(`attachments (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServerWithBot;
    let org: TestOrg;
    let otherOrg: TestOrg;
    let agent: AgentClient;
    let otherAgent: AgentClient;
    let visitor: VisitorClient;
    let conversationId: string;

    const upload = (client: VisitorClient | AgentClient, path: string, name: string, data: Buffer, extra = {}) =>
      client.call('POST', path, { name, data: data.toString('base64'), clientId: crypto.randomUUID(), ...extra });

    const newConversation = async (v: VisitorClient) => {
      const created = await v.call('POST', '/api/widget/conversations', {
        body: 'my withdrawal is stuck',
        clientId: crypto.randomUUID(),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.conversation.id as string;
    };

    before(async () => {
      db = await database.open();
      // A small limit, so "too large" needs no 10 MB body.
      server = await startTestServer(db, { KEFU_MAX_FILE_BYTES: String(64 * 1024) });
      org = await createTestOrg(db);
      otherOrg = await createTestOrg(db);
      agent = await loginAgent(server, org.agents.agent);
      otherAgent = await loginAgent(server, otherOrg.agents.agent);
      visitor = await startVisitor(server, org, { uid: '20000001', name: 'Li Lei' });
      conversationId = await newConversation(visitor);
    });

    after(async () => {
      await server?.close();
      await db?.drop();
    });

    test('a customer’s PNG reaches the agent as a message, and downloads byte for byte as an inert attachment', async () => {
      const sent = await upload(visitor, `/api/widget/conversations/${conversationId}/files`, '../../截图 1.png', PNG, {
        caption: 'here is the screenshot',
      });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      assert.equal(sent.body.message.body, 'here is the screenshot');
      const [sentFile] = sent.body.message.attachments;
      assert.equal(sentFile.name, '截图 1.png', 'no folders in the stored name');
      assert.equal(sentFile.contentType, 'image/png');
      assert.equal(sentFile.size, PNG.length);

      const detail = await agent.call('GET', `/api/agent/conversations/${conversationId}`);
      const message = detail.body.messages.find((m: { id: string }) => m.id === sent.body.message.id);
      assert.ok(message, 'the agent sees the message');
      assert.equal(message.authorKind, 'customer');
      assert.deepEqual(
        message.attachments.map((a: { name: string; url: string }) => [a.name, a.url]),
        [[sentFile.name, sentFile.url]],
      );

      const download = await fetch(`${server.url}${sentFile.url}`, { headers: { cookie: agent.cookie } });
      assert.equal(download.status, 200);
      assert.ok(Buffer.from(await download.arrayBuffer()).equals(PNG), 'identical bytes');
      assert.equal(download.headers.get('content-type'), 'image/png');
      assert.equal(
        download.headers.get('content-disposition'),
        `attachment; filename*=UTF-8''${encodeURIComponent('截图 1.png')}`,
      );
      assert.equal(download.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(download.headers.get('content-security-policy'), "sandbox; default-src 'none'");
      assert.match(download.headers.get('cache-control') ?? '', /^private/);
      assert.equal((await fetch(`${server.url}${sentFile.url}`)).status, 401, 'no session, no file');
    });

    test('a screenshot with no words: the bot asks what it is about, not "I did not get that"', async () => {
      const botOrg = await createTestOrg(db, undefined, { bot: true });
      const customer = await startVisitor(server, botOrg, { uid: '20000009', name: 'Han Mei' });
      const created = await customer.call('POST', '/api/widget/conversations', {
        body: 'hello',
        clientId: crypto.randomUUID(),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = created.body.conversation.id as string;
      await waitForMessages(customer, id, (messages) => botReplies(messages).length > 0);
      const sent = await upload(customer, `/api/widget/conversations/${id}/files`, 'screen.png', PNG);
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      const messages = await waitForMessages(customer, id, (all) =>
        all.some(
          (m) =>
            m.authorKind === 'bot' &&
            m.meta.bot &&
            (m.meta.bot as { inReplyTo?: string }).inReplyTo === sent.body.message.id,
        ),
      );
      const answer = messages.find(
        (m) =>
          m.authorKind === 'bot' &&
          (m.meta.bot as { inReplyTo?: string } | undefined)?.inReplyTo === sent.body.message.id,
      );
      assert.equal((answer?.meta.bot as { action?: string } | undefined)?.action, 'file_received');
      assert.match(answer?.body ?? '', /I have your file/);
    });

    test('a retried upload (same clientId) is one message with one file', async () => {
      const clientId = crypto.randomUUID();
      const body = { name: 'proof.png', data: PNG.toString('base64'), clientId };
      const first = await visitor.call('POST', `/api/widget/conversations/${conversationId}/files`, body);
      const again = await visitor.call('POST', `/api/widget/conversations/${conversationId}/files`, body);
      assert.equal(first.status, 201);
      assert.equal(again.body.message.id, first.body.message.id);
      assert.equal(again.body.message.seq, first.body.message.seq);
      const files = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM message_files WHERE org_id = $1 AND name = 'proof.png'",
        [org.id],
      );
      assert.equal(files[0]?.n, 1, 'the retry’s copy is not kept');
    });

    test('files and words sent at once each keep their own attachments, with consecutive seqs', async () => {
      const own = await newConversation(visitor);
      const path = `/api/widget/conversations/${own}/files`;
      const sends = await Promise.all([
        upload(visitor, path, 'one.png', PNG),
        visitor.call('POST', `/api/widget/conversations/${own}/messages`, {
          body: 'and',
          clientId: crypto.randomUUID(),
        }),
        upload(visitor, path, 'two.txt', Buffer.from('second file')),
        upload(visitor, path, 'three.png', PNG, { caption: 'third' }),
      ]);
      for (const sent of sends) assert.equal(sent.status, 201, JSON.stringify(sent.body));
      const names = sends.map((sent) => sent.body.message.attachments.map((a: { name: string }) => a.name));
      assert.deepEqual(names, [['one.png'], [], ['two.txt'], ['three.png']]);
      const seqs = sends.map((sent) => sent.body.message.seq as number).sort((x, y) => x - y);
      assert.deepEqual(seqs, [seqs[0], seqs[0] + 1, seqs[0] + 2, seqs[0] + 3]);
    });

    test('the one-at-a-time insert (a failed batch’s fallback) stores attachments too', async () => {
      const own = await newConversation(visitor);
      const attachment = {
        name: 'solo.png',
        url: `/api/agent/conversations/${own}/files/x`,
        contentType: 'image/png',
        size: 1,
      };
      const row = await insertMessageWithNextSeq(
        db,
        org.id,
        own,
        {
          authorKind: 'system',
          authorId: null,
          authorName: null,
          body: '',
          private: false,
          clientId: null,
          meta: {},
          attachments: [attachment],
        },
        null,
      );
      assert.deepEqual(row?.attachments, [attachment]);
    });

    test('what is not an allowed type is refused 415, whatever its name says; too large is 413', async () => {
      const path = `/api/widget/conversations/${conversationId}/files`;
      const html = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');
      const htmlAsPng = await upload(visitor, path, 'photo.png', html);
      assert.equal(htmlAsPng.status, 415);
      assert.equal(htmlAsPng.body.error.code, 'file_type_not_allowed');
      const exe = await upload(visitor, path, 'wallet-fix.exe', MZ_EXE);
      assert.equal(exe.status, 415);
      const exeAsPdf = await upload(visitor, path, 'statement.pdf', MZ_EXE);
      assert.equal(exeAsPdf.status, 415);
      const binaryAsText = await upload(visitor, path, 'notes.txt', Buffer.from([0x68, 0x69, 0x00, 0xff]));
      assert.equal(binaryAsText.status, 415, 'text must be UTF-8 without NUL');
      const text = await upload(visitor, path, 'txid.txt', Buffer.from('0xabc… 提币哈希'));
      assert.equal(text.status, 201, JSON.stringify(text.body));
      assert.equal(text.body.message.attachments[0].contentType, 'text/plain; charset=utf-8');

      const big = Buffer.concat([PNG, Buffer.alloc(64 * 1024)]);
      const tooLarge = await upload(visitor, path, 'huge.png', big);
      assert.equal(tooLarge.status, 413);
      assert.equal(tooLarge.body.error.code, 'file_too_large');
      const stored = await db.query<{ name: string }>('SELECT name FROM message_files WHERE org_id = $1', [org.id]);
      for (const refused of ['photo.png', 'wallet-fix.exe', 'statement.pdf', 'notes.txt', 'huge.png'])
        assert.ok(!stored.some((f) => f.name === refused), `${refused} was not stored`);
    });

    test('a customer uploads only to their own conversation; another org’s agent gets 404', async () => {
      const stranger = await startVisitor(server, org, { uid: '20000002' });
      const theirs = await upload(stranger, `/api/widget/conversations/${conversationId}/files`, 'a.png', PNG);
      assert.equal(theirs.status, 404);
      const foreign = await upload(otherAgent, `/api/agent/conversations/${conversationId}/files`, 'a.png', PNG);
      assert.equal(foreign.status, 404);
      const anonymous = await request(`${server.url}/api/widget/conversations/${conversationId}/files`, {
        method: 'POST',
        body: { name: 'a.png', data: PNG.toString('base64'), clientId: crypto.randomUUID() },
      });
      assert.equal(anonymous.status, 401);
    });

    test('a caption with a seed phrase is screened like any message', async () => {
      const seed =
        'abandon ability able about above absent absorb abstract absurd abuse access accident account accuse achieve acid';
      const sent = await upload(visitor, `/api/widget/conversations/${conversationId}/files`, 'wallet.png', PNG, {
        caption: `my words: ${seed}`,
      });
      assert.equal(sent.status, 201);
      assert.ok(!sent.body.message.body.includes('abandon ability'), sent.body.message.body);
      assert.ok(sent.body.message.meta.redactions?.length, 'the redaction is recorded');
    });

    test('a seed phrase saved in a text file is removed before it is stored, and the customer is warned', async () => {
      const seed =
        'abandon ability able about above absent absorb abstract absurd abuse access accident account accuse achieve acid';
      const txid = 'a3f1c9e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8';
      const sent = await upload(
        visitor,
        `/api/widget/conversations/${conversationId}/files`,
        'backup.txt',
        Buffer.from(`my wallet words:\n${seed}\ndeposit txid ${txid}\n`),
      );
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      assert.ok(sent.body.message.meta.redactions?.length, 'the message says what was removed');
      const stored = await db.query<{ data: Buffer }>(
        "SELECT data FROM message_files WHERE org_id = $1 AND name = 'backup.txt'",
        [org.id],
      );
      const text = Buffer.from(stored[0]?.data ?? []).toString('utf8');
      assert.ok(!text.includes('abandon ability'), text);
      assert.ok(text.includes(txid), 'a TxID is not a secret and stays');
      const download = await agent.call('GET', sent.body.message.attachments[0].url);
      assert.ok(!String(download.body).includes('abandon ability'));
    });

    test('another conversation’s or another org’s file is not found', async () => {
      const sent = await upload(visitor, `/api/widget/conversations/${conversationId}/files`, 'x.png', PNG);
      const fileUrl: string = sent.body.message.attachments[0].url;
      const fileId = fileUrl.split('/').at(-1) as string;
      const otherConversation = await newConversation(visitor);
      const viaOther = await agent.call('GET', `/api/agent/conversations/${otherConversation}/files/${fileId}`);
      assert.equal(viaOther.status, 404);
      assert.equal((await otherAgent.call('GET', fileUrl)).status, 404);
      const linkViaOther = await visitor.call(
        'GET',
        `/api/widget/conversations/${otherConversation}/files/${fileId}/link`,
      );
      assert.equal(linkViaOther.status, 404);
    });

    test('the agent attaches a file; the widget opens it through a short-lived link bound to conversation and file', async () => {
      const sent = await upload(agent, `/api/agent/conversations/${conversationId}/files`, 'how-to.png', PNG);
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      assert.equal(sent.body.message.authorKind, 'agent');
      const list = await agent.call('GET', '/api/agent/conversations');
      const listed = list.body.conversations.find((c: { id: string }) => c.id === conversationId);
      assert.equal(listed.lastMessage.body, '📎 how-to.png', 'a file sent alone previews as its name');
      const fileId = (sent.body.message.attachments[0].url as string).split('/').at(-1) as string;
      const seen = await visitor.call('GET', `/api/widget/conversations/${conversationId}/messages`);
      assert.ok(seen.body.messages.some((m: { id: string }) => m.id === sent.body.message.id));

      const link = await visitor.call('GET', `/api/widget/conversations/${conversationId}/files/${fileId}/link`);
      assert.equal(link.status, 200);
      assert.ok(!link.body.url.includes(visitor.token), 'the visitor token never goes into a URL');
      assert.ok(Date.parse(link.body.expiresAt) - Date.now() <= 5 * 60 * 1000 + 1000, 'the link is short-lived');
      const download = await fetch(`${server.url}${link.body.url}`);
      assert.equal(download.status, 200);
      assert.ok(Buffer.from(await download.arrayBuffer()).equals(PNG));
      assert.match(download.headers.get('content-disposition') ?? '', /^attachment; filename\*=UTF-8''how-to\.png$/);
      assert.equal(download.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(download.headers.get('content-security-policy'), "sandbox; default-src 'none'");

      // The same token for another conversation or another file opens nothing.
      const token = new URL(link.body.url, server.url).searchParams.get('token') as string;
      const otherConversation = await newConversation(visitor);
      const other = await upload(visitor, `/api/widget/conversations/${otherConversation}/files`, 'b.png', PNG);
      const otherFileId = (other.body.message.attachments[0].url as string).split('/').at(-1) as string;
      const q = `token=${encodeURIComponent(token)}`;
      const crossConversation = await fetch(
        `${server.url}/api/widget/conversations/${otherConversation}/files/${fileId}?${q}`,
      );
      assert.equal(crossConversation.status, 404);
      const crossFile = await fetch(
        `${server.url}/api/widget/conversations/${conversationId}/files/${otherFileId}?${q}`,
      );
      assert.equal(crossFile.status, 404);
      const tampered = await fetch(
        `${server.url}/api/widget/conversations/${conversationId}/files/${fileId}?token=${encodeURIComponent(`${token}x`)}`,
      );
      assert.equal(tampered.status, 404);
    });

    test('a file on a private note never reaches the customer', async () => {
      const note = await upload(agent, `/api/agent/conversations/${conversationId}/files`, 'internal.png', PNG, {
        private: true,
      });
      assert.equal(note.status, 201, JSON.stringify(note.body));
      assert.equal(note.body.message.private, true);
      const fileId = (note.body.message.attachments[0].url as string).split('/').at(-1) as string;
      const seen = await visitor.call('GET', `/api/widget/conversations/${conversationId}/messages`);
      assert.ok(!seen.body.messages.some((m: { id: string }) => m.id === note.body.message.id));
      const link = await visitor.call('GET', `/api/widget/conversations/${conversationId}/files/${fileId}/link`);
      assert.equal(link.status, 404);
      assert.equal((await agent.call('GET', note.body.message.attachments[0].url)).status, 200, 'agents open it');
    });

    test('an expired link opens nothing', async () => {
      const sent = await upload(visitor, `/api/widget/conversations/${conversationId}/files`, 'old.png', PNG);
      const fileId = (sent.body.message.attachments[0].url as string).split('/').at(-1) as string;
      // The app's own key (created at start-up), as the route uses it.
      const key = await appSecret({ db }, 'visitor_token_key', () => 'a key the app made first wins');
      const ctx = {
        db,
        log: server.app.log as never,
        events: server.events,
        org: { id: org.id },
        actor: { kind: 'customer' as const, contactId: sent.body.message.authorId as string, name: null },
      };
      const sixMinutesAgo = Date.now() - 6 * 60 * 1000;
      const stale = await createFileLink(ctx, key, conversationId, fileId, sixMinutesAgo);
      assert.equal((await fetch(`${server.url}${stale.url}`)).status, 404);
      const fresh = await createFileLink(ctx, key, conversationId, fileId);
      assert.equal((await fetch(`${server.url}${fresh.url}`)).status, 200, 'the same key signs a link that works');
    });
  });
}
