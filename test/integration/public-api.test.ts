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
    });
  });
}
