import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  request,
  startTestServer,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

/** The README's verification, as an exchange would write it. */
function verifyKefuSignature(secret: string, timestamp: string, rawBody: string, header: string): boolean {
  const expected = `v1=${crypto.createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
  const a = Buffer.from(expected);
  const b = Buffer.from(header);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

type Received = { path: string; headers: http.IncomingHttpHeaders; body: string; at: number };

/** A local receiver: each path answers with the statuses queued for it (then 200), recording every request. */
async function startReceiver() {
  const received: Received[] = [];
  const plans = new Map<string, number[]>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body, at: Date.now() });
      const plan = plans.get(path);
      const status = path.startsWith('/down') ? 500 : (plan?.shift() ?? 200);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    plan: (path: string, statuses: number[]) => plans.set(path, [...statuses]),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type Setup = { server: TestServer; org: TestOrg; admin: AgentClient; agent: AgentClient; key: string };

async function setUp(db: Parameters<typeof startTestServer>[0], env: Record<string, string>): Promise<Setup> {
  const server = await startTestServer(db, env);
  const org = await createTestOrg(db);
  const admin = await loginAgent(server, org.agents.admin);
  const agent = await loginAgent(server, org.agents.agent);
  const made = await admin.call('POST', '/api/agent/api-keys', {
    name: 'backend',
    scopes: ['contacts:write', 'conversations:read', 'conversations:write', 'webhooks:manage'],
  });
  return { server, org, admin, agent, key: made.body.key };
}

const api = (s: Setup, method: string, path: string, body?: unknown, key = s.key) =>
  request(`${s.server.url}${path}`, { method, body, headers: { authorization: `Bearer ${key}` } });

async function openConversation(s: Setup, uid: string, body: string): Promise<string> {
  assert.ok((await api(s, 'PUT', `/api/v1/contacts/${uid}`, { name: `Customer ${uid}` })).status < 300);
  const opened = await api(s, 'POST', '/api/v1/conversations', { exchangeUid: uid, body });
  assert.equal(opened.status, 201, JSON.stringify(opened.body));
  return opened.body.conversation.id;
}

for (const database of await testDatabases()) {
  describe(`webhooks (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let s: Setup;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;

    before(async () => {
      db = await database.open();
      receiver = await startReceiver();
      s = await setUp(db, { KEFU_WEBHOOK_ALLOW_PRIVATE: 'true', KEFU_WEBHOOK_RETRY_BASE_MS: '200' });
    });
    after(async () => {
      await s.server.close();
      await receiver.close();
      await db.drop();
    });

    const bodiesAt = (path: string) =>
      receiver.received.filter((r) => r.path === path).map((r) => JSON.parse(r.body) as Record<string, any>);

    test('signed deliveries that verify with the documented scheme; private notes never leave', async () => {
      const created = await s.admin.call('POST', '/api/agent/webhooks', {
        url: `${receiver.url}/ok`,
        events: ['conversation.created', 'message.created'],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const secret = created.body.secret as string;
      assert.match(secret, /^whsec_/);
      const listed = await s.admin.call('GET', '/api/agent/webhooks');
      assert.equal(JSON.stringify(listed.body).includes(secret), false, 'the secret is shown once');

      const conversationId = await openConversation(s, '5001', 'Your deposit has arrived.');
      await waitUntil('two deliveries', () => receiver.received.filter((r) => r.path === '/ok').length >= 2);
      for (const r of receiver.received.filter((x) => x.path === '/ok')) {
        const timestamp = String(r.headers['x-kefu-timestamp']);
        assert.match(timestamp, /^\d{10}$/);
        assert.ok(verifyKefuSignature(secret, timestamp, r.body, String(r.headers['x-kefu-signature'])));
        assert.equal(
          verifyKefuSignature('whsec_wrong', timestamp, r.body, String(r.headers['x-kefu-signature'])),
          false,
        );
        const payload = JSON.parse(r.body);
        assert.deepEqual(Object.keys(payload).sort(), ['createdAt', 'data', 'id', 'type']);
      }
      const types = bodiesAt('/ok').map((p) => p.type);
      assert.ok(types.includes('conversation.created'));
      const first = bodiesAt('/ok').find((p) => p.type === 'message.created');
      assert.equal(first?.data.message.body, 'Your deposit has arrived.');
      assert.equal(first?.data.exchangeUid, '5001');
      assert.equal(first?.data.conversationId, conversationId);

      const before = receiver.received.length;
      const note = await s.agent.call('POST', `/api/agent/conversations/${conversationId}/messages`, {
        body: 'private: customer flagged by compliance',
        private: true,
        clientId: 'note-1',
      });
      assert.equal(note.status, 201);
      const reply = await s.agent.call('POST', `/api/agent/conversations/${conversationId}/messages`, {
        body: 'public: anything else?',
        clientId: 'reply-1',
      });
      assert.equal(reply.status, 201);
      await waitUntil('the public reply', () =>
        bodiesAt('/ok').some((p) => p.type === 'message.created' && p.data.message.body === 'public: anything else?'),
      );
      await new Promise((resolve) => setTimeout(resolve, 700));
      const since = receiver.received.slice(before);
      assert.equal(
        since.some((r) => r.body.includes('compliance')),
        false,
      );
      const deliveries = await db.query<{ body: string }>('SELECT body FROM webhook_deliveries WHERE org_id = $1', [
        s.org.id,
      ]);
      assert.equal(
        deliveries.some((d: { body: string }) => d.body.includes('compliance')),
        false,
      );
      await s.admin.call('DELETE', `/api/agent/webhooks/${created.body.webhook.id}`);
    });

    test('500, 500, 200: retried with backoff, each try in the log; replay sends it again now', async () => {
      receiver.plan('/flaky', [500, 500, 200]);
      const created = await s.admin.call('POST', '/api/agent/webhooks', {
        url: `${receiver.url}/flaky`,
        events: ['message.created'],
      });
      const webhookId = created.body.webhook.id as string;
      await openConversation(s, '5002', 'Flaky receiver test.');
      await waitUntil('three tries', () => receiver.received.filter((r) => r.path === '/flaky').length >= 3);
      const tries = receiver.received.filter((r) => r.path === '/flaky');
      const gap1 = tries[1].at - tries[0].at;
      const gap2 = tries[2].at - tries[1].at;
      assert.ok(gap1 >= 200, `first retry after the base (${gap1} ms)`);
      assert.ok(gap2 >= 1200 && gap2 > gap1, `second retry waits longer (${gap1} ms, then ${gap2} ms)`);
      assert.equal(new Set(tries.map((t) => JSON.parse(t.body).id)).size, 1, 'one event, same id every try');

      const log = await waitUntil('the delivery marked delivered', async () => {
        const result = await s.admin.call('GET', `/api/agent/webhooks/${webhookId}/deliveries`);
        const delivery = result.body.deliveries?.[0];
        return delivery?.status === 'delivered' ? delivery : undefined;
      });
      assert.deepEqual(
        log.attempts.map((a: { responseCode: number; succeeded: boolean }) => [a.responseCode, a.succeeded]),
        [
          [500, false],
          [500, false],
          [200, true],
        ],
      );
      assert.ok(log.attempts.every((a: { durationMs: number }) => a.durationMs >= 0));
      assert.equal(log.attempts[0].error, 'HTTP 500');

      const agentReplay = await s.agent.call('POST', `/api/agent/webhooks/${webhookId}/deliveries/${log.id}/replay`);
      assert.equal(agentReplay.status, 403);
      const replay = await s.admin.call('POST', `/api/agent/webhooks/${webhookId}/deliveries/${log.id}/replay`);
      assert.equal(replay.status, 200, JSON.stringify(replay.body));
      assert.equal(replay.body.delivery.attempts.length, 4);
      assert.equal(replay.body.delivery.attempts[3].replay, true);
      assert.equal(replay.body.delivery.attempts[3].succeeded, true);
      const all = receiver.received.filter((r) => r.path === '/flaky');
      assert.equal(all.length, 4);
      assert.equal(all[3].body, all[0].body, 'a replay sends the same bytes');
      await s.admin.call('DELETE', `/api/agent/webhooks/${webhookId}`);
    });

    test('a key with webhooks:manage registers endpoints through /api/v1; one without is refused', async () => {
      const made = await api(s, 'POST', '/api/v1/webhooks', { url: `${receiver.url}/v1`, events: ['message.created'] });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.match(made.body.secret, /^whsec_/);
      const listed = await api(s, 'GET', '/api/v1/webhooks');
      assert.ok(listed.body.webhooks.some((w: { id: string }) => w.id === made.body.webhook.id));
      const narrow = await s.admin.call('POST', '/api/agent/api-keys', { name: 'n', scopes: ['contacts:write'] });
      const refused = await api(s, 'GET', '/api/v1/webhooks', undefined, narrow.body.key);
      assert.equal(refused.status, 403);
      assert.match(refused.body.error.message, /webhooks:manage/);
      assert.equal((await api(s, 'DELETE', `/api/v1/webhooks/${made.body.webhook.id}`)).status, 204);
    });
  });

  describe(`webhooks: SSRF guard and disabling (${database.name})`, () => {
    test('a loopback or private URL is refused when private addresses are not allowed', async () => {
      const db = await database.open();
      const s = await setUp(db, {});
      try {
        for (const url of [
          'https://127.0.0.1/hook',
          'https://localhost/hook',
          'https://[::1]/x',
          'https://10.1.2.3/x',
          'https://169.254.169.254/latest',
          'http://example.com/hook',
          'https://[::ffff:127.0.0.1]/x',
        ]) {
          const refused = await s.admin.call('POST', '/api/agent/webhooks', { url, events: ['message.created'] });
          assert.equal(refused.status, 400, `${url}: ${JSON.stringify(refused.body)}`);
          assert.equal(refused.body.error.code, 'webhook_url_refused', url);
        }
        const viaKey = await api(s, 'POST', '/api/v1/webhooks', {
          url: 'https://127.0.0.1:8443/hook',
          events: ['message.created'],
        });
        assert.equal(viaKey.status, 400);
      } finally {
        await s.server.close();
        await db.drop();
      }
    });

    test('an endpoint whose deliveries keep failing is disabled, with the reason, and audited', async () => {
      const db = await database.open();
      const receiver = await startReceiver();
      const s = await setUp(db, {
        KEFU_WEBHOOK_ALLOW_PRIVATE: 'true',
        KEFU_WEBHOOK_RETRY_BASE_MS: '2',
        KEFU_WEBHOOK_DISABLE_AFTER: '2',
      });
      try {
        const created = await s.admin.call('POST', '/api/agent/webhooks', {
          url: `${receiver.url}/down`,
          events: ['message.created'],
        });
        const webhookId = created.body.webhook.id as string;
        const conversationId = await openConversation(s, '6001', 'first');
        await api(s, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: 'second' });
        const disabled = await waitUntil(
          'the endpoint disabled',
          async () => {
            const list = await s.admin.call('GET', '/api/agent/webhooks');
            const hook = list.body.webhooks.find((w: { id: string }) => w.id === webhookId);
            return hook?.enabled === false ? hook : undefined;
          },
          30_000,
        );
        assert.match(disabled.disabledReason, /2 failed deliveries/);
        assert.equal(receiver.received.length, 12, 'two deliveries, six tries each');
        const audit = await db.query("SELECT 1 FROM audit_log WHERE action = 'webhook.disabled' AND target_id = $1", [
          webhookId,
        ]);
        assert.equal(audit.length, 1);
        const deliveries = await s.admin.call('GET', `/api/agent/webhooks/${webhookId}/deliveries`);
        assert.ok(deliveries.body.deliveries.every((d: { status: string }) => d.status === 'failed'));

        await api(s, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: 'third' });
        await new Promise((resolve) => setTimeout(resolve, 300));
        const count = await db.query('SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1', [
          webhookId,
        ]);
        assert.equal(count[0].n, 2, 'a disabled endpoint gets nothing new');

        const enabled = await s.admin.call('PATCH', `/api/agent/webhooks/${webhookId}`, { enabled: true });
        assert.equal(enabled.body.webhook.enabled, true);
        assert.equal(enabled.body.webhook.disabledReason, null);
        assert.equal(enabled.body.webhook.consecutiveFailures, 0);
      } finally {
        await s.server.close();
        await receiver.close();
        await db.drop();
      }
    });
  });
}
