import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  request,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

for (const database of await testDatabases()) {
  describe(`public API v1 (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let admin: AgentClient;
    let agent: AgentClient;
    let fullKey: string;

    const api = (key: string, method: string, path: string, body?: unknown) =>
      request(`${server.url}${path}`, { method, body, headers: { authorization: `Bearer ${key}` } });
    const makeKey = async (name: string, scopes: string[]) => {
      const made = await admin.call('POST', '/api/agent/api-keys', { name, scopes });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      return made.body as { apiKey: { id: string; prefix: string; scopes: string[] }; key: string };
    };

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      admin = await loginAgent(server, org.agents.admin);
      agent = await loginAgent(server, org.agents.agent);
      fullKey = (await makeKey('backend', ['contacts:write', 'conversations:read', 'conversations:write'])).key;
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    test('keys: admin-only, shown once, stored hashed, listed with prefix and last use, audited', async () => {
      assert.equal(
        (await agent.call('POST', '/api/agent/api-keys', { name: 'x', scopes: ['contacts:write'] })).status,
        403,
      );
      assert.equal((await agent.call('GET', '/api/agent/api-keys')).status, 403);
      const made = await makeKey('reader', ['conversations:read']);
      assert.match(made.key, /^kefu_live_[\w-]{43}$/);
      assert.ok(made.key.startsWith(made.apiKey.prefix));
      const stored = await db.query<{ key_hash: string }>('SELECT key_hash FROM api_keys WHERE id = $1', [
        made.apiKey.id,
      ]);
      assert.notEqual(stored[0].key_hash, made.key);
      assert.match(stored[0].key_hash, /^[0-9a-f]{64}$/);
      assert.equal((await api(made.key, 'GET', '/api/v1/conversations?exchangeUid=1')).status, 200);
      const list = await admin.call('GET', '/api/agent/api-keys');
      const listed = list.body.apiKeys.find((k: { id: string }) => k.id === made.apiKey.id);
      assert.equal(listed.name, 'reader');
      assert.ok(listed.lastUsedAt);
      assert.equal(JSON.stringify(list.body).includes(made.key), false);
      const audit = await db.query<{ action: string }>(
        "SELECT action FROM audit_log WHERE org_id = $1 AND target_type = 'api_key'",
        [org.id],
      );
      assert.ok(audit.some((row) => row.action === 'api_key.create'));
    });

    test('no key, a wrong key, a revoked key: 401; a key without the scope: 403 naming it', async () => {
      assert.equal((await request(`${server.url}/api/v1/conversations?exchangeUid=1`)).status, 401);
      const wrong = await api('kefu_live_nope', 'GET', '/api/v1/conversations?exchangeUid=1');
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.error.code, 'api_key_invalid');
      const reader = await makeKey('reader-2', ['conversations:read']);
      const denied = await api(reader.key, 'PUT', '/api/v1/contacts/555', { name: 'X' });
      assert.equal(denied.status, 403);
      assert.equal(denied.body.error.code, 'forbidden');
      assert.match(denied.body.error.message, /contacts:write/);
      assert.equal((await admin.call('DELETE', `/api/agent/api-keys/${reader.apiKey.id}`)).status, 200);
      const revoked = await api(reader.key, 'GET', '/api/v1/conversations?exchangeUid=1');
      assert.equal(revoked.status, 401);
      const audit = await db.query('SELECT 1 FROM audit_log WHERE target_id = $1 AND action = $2', [
        reader.apiKey.id,
        'api_key.revoke',
      ]);
      assert.equal(audit.length, 1);
    });

    test('upsert a contact, open a conversation as the exchange; the customer sees it in the widget and answers', async () => {
      const uid = '77001234';
      const created = await api(fullKey, 'PUT', `/api/v1/contacts/${uid}`, {
        name: 'Wang Lei',
        email: 'wang@example.com',
        locale: 'zh-CN',
        vipLevel: 2,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.created, true);
      assert.equal(created.body.contact.exchangeUid, uid);
      const updated = await api(fullKey, 'PUT', `/api/v1/contacts/${uid}`, { vipLevel: 4 });
      assert.equal(updated.status, 200);
      assert.equal(updated.body.contact.id, created.body.contact.id);
      assert.equal(updated.body.contact.vipLevel, 4);
      assert.equal(updated.body.contact.name, 'Wang Lei');

      assert.equal(
        (await api(fullKey, 'POST', '/api/v1/conversations', { exchangeUid: '999999', body: 'hi' })).status,
        404,
      );
      const opened = await api(fullKey, 'POST', '/api/v1/conversations', {
        exchangeUid: uid,
        subject: 'Withdrawal on hold',
        body: 'Your USDT withdrawal is on hold for a routine check.',
        clientId: 'hold-1',
      });
      assert.equal(opened.status, 201, JSON.stringify(opened.body));
      const conversationId = opened.body.conversation.id as string;
      assert.equal(opened.body.conversation.channel, 'api');
      assert.equal(opened.body.messages.length, 1);
      assert.equal(opened.body.messages[0].authorKind, 'system');
      assert.equal(opened.body.messages[0].source, 'exchange');
      // A retried request with the same clientId is the same conversation.
      const retried = await api(fullKey, 'POST', '/api/v1/conversations', {
        exchangeUid: uid,
        body: 'Your USDT withdrawal is on hold for a routine check.',
        clientId: 'hold-1',
      });
      assert.equal(retried.body.conversation.id, conversationId);

      const visitor = await startVisitor(server, org, { uid });
      const list = await visitor.call('GET', '/api/widget/conversations');
      assert.equal(list.status, 200);
      const seen = list.body.conversations.find((c: { id: string }) => c.id === conversationId);
      assert.ok(seen, 'the customer sees the conversation the exchange opened');
      const messages = await visitor.call('GET', `/api/widget/conversations/${conversationId}/messages`);
      assert.match(messages.body.messages[0].body, /on hold/);
      const answer = await visitor.call('POST', `/api/widget/conversations/${conversationId}/messages`, {
        body: 'Thanks, how long will it take?',
        clientId: 'c-1',
      });
      assert.equal(answer.status, 201, JSON.stringify(answer.body));

      // An agent's private note never reaches the API; a public reply does.
      const note = await agent.call('POST', `/api/agent/conversations/${conversationId}/messages`, {
        body: 'internal: KYC flag raised',
        private: true,
        clientId: 'n-1',
      });
      assert.equal(note.status, 201, JSON.stringify(note.body));
      const more = await api(fullKey, 'POST', `/api/v1/conversations/${conversationId}/messages`, {
        body: 'The check is done.',
      });
      assert.equal(more.status, 201, JSON.stringify(more.body));
      const read = await api(fullKey, 'GET', `/api/v1/conversations/${conversationId}`);
      assert.equal(read.status, 200, JSON.stringify(read.body));
      const bodies = read.body.messages.map((m: { body: string }) => m.body);
      assert.ok(bodies.includes('Thanks, how long will it take?'));
      assert.ok(bodies.includes('The check is done.'));
      assert.equal(JSON.stringify(read.body).includes('KYC flag'), false);

      const listed = await api(fullKey, 'GET', `/api/v1/conversations?exchangeUid=${uid}`);
      assert.equal(listed.status, 200);
      assert.ok(listed.body.conversations.some((c: { id: string }) => c.id === conversationId));
      assert.deepEqual((await api(fullKey, 'GET', '/api/v1/conversations?exchangeUid=424242')).body, {
        conversations: [],
      });
      // Another organization's conversation is not found.
      const other = await createTestOrg(db);
      const otherAdmin = await loginAgent(server, other.agents.admin);
      const otherKey = (
        await otherAdmin.call('POST', '/api/agent/api-keys', { name: 'o', scopes: ['conversations:read'] })
      ).body.key as string;
      assert.equal((await api(otherKey, 'GET', `/api/v1/conversations/${conversationId}`)).status, 404);
    });

    test("a message's file: v1 gives its own link, which a key with conversations:read opens and no other key does", async () => {
      const uid = '77005678';
      assert.equal((await api(fullKey, 'PUT', `/api/v1/contacts/${uid}`, { name: 'Li Na' })).status, 201);
      const opened = await api(fullKey, 'POST', '/api/v1/conversations', { exchangeUid: uid, body: 'About your KYC.' });
      assert.equal(opened.status, 201, JSON.stringify(opened.body));
      const conversationId = opened.body.conversation.id as string;
      const png = Buffer.from(
        'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
        'base64',
      );
      const sent = await agent.call('POST', `/api/agent/conversations/${conversationId}/files`, {
        name: 'form.png',
        data: png.toString('base64'),
        caption: 'Please fill in this form.',
        clientId: 'file-1',
      });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      const note = await agent.call('POST', `/api/agent/conversations/${conversationId}/files`, {
        name: 'internal.png',
        data: png.toString('base64'),
        clientId: 'file-note-1',
        private: true,
      });
      assert.equal(note.status, 201, JSON.stringify(note.body));

      const read = await api(fullKey, 'GET', `/api/v1/conversations/${conversationId}`);
      assert.equal(read.status, 200, JSON.stringify(read.body));
      const withFile = read.body.messages.find((m: { body: string }) => m.body === 'Please fill in this form.');
      assert.equal(withFile.attachments.length, 1);
      const [attachment] = withFile.attachments as { name: string; url: string; contentType: string; size: number }[];
      const fileId = sent.body.message.attachments[0].url.split('/').pop();
      assert.equal(attachment?.url, `/api/v1/conversations/${conversationId}/files/${fileId}`);
      assert.deepEqual(
        { name: attachment?.name, contentType: attachment?.contentType, size: attachment?.size },
        { name: 'form.png', contentType: 'image/png', size: png.length },
      );
      assert.equal(JSON.stringify(read.body).includes('internal.png'), false, 'a private note is not there');

      const get = (key: string, url: string) =>
        fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${key}` } });
      const file = await get(fullKey, attachment?.url ?? '');
      assert.equal(file.status, 200);
      assert.deepEqual(Buffer.from(await file.arrayBuffer()), png);
      assert.equal(file.headers.get('content-type'), 'image/png');
      assert.equal(file.headers.get('content-disposition'), "attachment; filename*=UTF-8''form.png");
      assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
      assert.match(file.headers.get('content-security-policy') ?? '', /^sandbox/);
      assert.equal(file.headers.get('cache-control'), 'private, no-store');

      // The agents' URL is not the exchange's: a key does not open it.
      assert.equal((await get(fullKey, sent.body.message.attachments[0].url)).status, 401);
      const writer = await makeKey('writer-only', ['contacts:write', 'conversations:write']);
      const denied = await api(writer.key, 'GET', attachment?.url ?? '');
      assert.equal(denied.status, 403);
      assert.match(denied.body.error.message, /conversations:read/);
      assert.equal((await request(`${server.url}${attachment?.url}`)).status, 401);
      // The private note's file is not found, like a missing one.
      const noteFileId = note.body.message.attachments[0].url.split('/').pop();
      const hidden = await api(fullKey, 'GET', `/api/v1/conversations/${conversationId}/files/${noteFileId}`);
      assert.equal(hidden.status, 404);
      assert.equal(hidden.body.error.code, 'file_not_found');
      // Another organization's key, with the scope: not found.
      const other = await createTestOrg(db);
      const otherAdmin = await loginAgent(server, other.agents.admin);
      const otherKey = (
        await otherAdmin.call('POST', '/api/agent/api-keys', { name: 'o', scopes: ['conversations:read'] })
      ).body.key as string;
      const foreign = await api(otherKey, 'GET', attachment?.url ?? '');
      assert.equal(foreign.status, 404);
      assert.equal(foreign.body.error.code, 'conversation_not_found');
      assert.equal((await api(fullKey, 'GET', `/api/v1/conversations/${conversationId}/files/not-a-uuid`)).status, 400);
    });

    test('every /api/v1 route is in the OpenAPI document with the public API tag and an example', async () => {
      const doc = await request(`${server.url}/api/docs/json`);
      assert.equal(doc.status, 200);
      const paths = Object.entries(doc.body.paths as Record<string, Record<string, { tags?: string[] }>>).filter(
        ([path]) => path.startsWith('/api/v1/'),
      );
      assert.ok(paths.length >= 4);
      for (const [path, operations] of paths) {
        for (const [method, operation] of Object.entries(operations)) {
          assert.deepEqual(operation.tags, ['public API v1'], `${method} ${path}`);
        }
      }
      const put = doc.body.paths['/api/v1/contacts/{exchangeUid}'].put;
      assert.ok(JSON.stringify(put).includes('"example"'));
      const file = doc.body.paths['/api/v1/conversations/{conversationId}/files/{fileId}']?.get;
      assert.ok(file, 'the file download is documented');
      assert.match(file.summary, /conversations:read/);
      assert.ok(JSON.stringify(doc.body).includes('/api/v1/conversations/5a0c8a7e'), 'an attachment example');
    });
  });
}
