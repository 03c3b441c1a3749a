import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { signIdentityToken } from '../../src/server/visitors/tokens.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  connectSocket,
  createTestOrg,
  loginAgent,
  request,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  minItems?: number;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
};
type OpenApi = {
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
};

const BAD_STRINGS = { nul: 'a\u0000b', surrogate: 'a\ud800b' };

/** The smallest body a schema accepts, with every free string set to `bad` (ids, e-mails and enums stay valid). */
function sampleOf(schema: JsonSchema | undefined, bad: string): unknown {
  if (!schema) return bad;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const variant = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (variant) return sampleOf(variant, bad);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'uuid') return crypto.randomUUID();
      if (schema.format === 'email') return 'someone@example.test';
      if (schema.format === 'date-time') return new Date().toISOString();
      return bad;
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: schema.minItems ?? 1 }, () => sampleOf(schema.items, bad));
    default: {
      const out: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) out[key] = sampleOf(property, bad);
      return out;
    }
  }
}

const pathWith = (route: string, value: string) => route.replace(/\{[^}]+\}/g, value);

for (const database of await testDatabases()) {
  describe(`hardening: one text rule, authentication first, security headers, private metrics (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let openapi: OpenApi;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      openapi = (await request<OpenApi>(`${server.url}/api/docs/json`)).body;
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    const routes = () =>
      Object.entries(openapi.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({
          path,
          method: method.toUpperCase(),
          body: operation.requestBody?.content?.['application/json']?.schema,
        })),
      );

    test('every agent route answers an anonymous caller 401, whatever the input', async () => {
      const agentRoutes = routes().filter(
        (r) => r.path.startsWith('/api/agent/') && r.path !== '/api/agent/auth/login',
      );
      assert.ok(agentRoutes.length > 40, `found ${agentRoutes.length} agent routes`);
      const wrong: string[] = [];
      for (const route of agentRoutes) {
        const result = await request(`${server.url}${pathWith(route.path, 'not-an-id')}?limit=banana`, {
          method: route.method,
          ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: { garbage: true } }),
        });
        if (result.status !== 401) wrong.push(`${route.method} ${route.path} → ${result.status}`);
      }
      assert.deepEqual(wrong, []);
    });

    for (const [kind, bad] of Object.entries(BAD_STRINGS)) {
      test(`a ${kind} in any string of any route's body is a 4xx, never a 500`, async () => {
        const admin = await loginAgent(server, org.agents.admin);
        const visitor = await startVisitor(server, org);
        const started = await visitor.call('POST', '/api/widget/conversations', { body: 'hello', clientId: 'h1' });
        const conversationId = started.body.conversation.id as string;
        const failures: string[] = [];
        for (const route of routes().filter((r) => r.body && r.path.startsWith('/api/'))) {
          const path = pathWith(route.path, conversationId);
          const body = sampleOf(route.body, bad);
          const result = route.path.startsWith('/api/widget/')
            ? await visitor.call(route.method, path, body)
            : await admin.call(route.method, path, body);
          if (result.status >= 500) failures.push(`${route.method} ${route.path} → ${result.status}`);
        }
        assert.deepEqual(failures, []);
      });

      test(`a ${kind} in a message, a client id, a note, a query or an identity claim is refused with invalid_characters`, async () => {
        const admin = await loginAgent(server, org.agents.admin);
        const visitor = await startVisitor(server, org);
        const cases = [
          await visitor.call('POST', '/api/widget/conversations', { body: `hi ${bad}`, clientId: 'c1' }),
          await visitor.call('POST', '/api/widget/conversations', { body: 'hi', clientId: `c${bad}` }),
          await request(`${server.url}/api/widget/session`, { method: 'POST', body: { org: `x${bad}` } }),
        ];
        // A lone surrogate cannot even be percent-encoded; a NUL can (%00).
        if (kind === 'nul')
          cases.push(await request(`${server.url}/api/widget/verify?value=%40lumen%00&org=${org.slug}`));
        const started = await visitor.call('POST', '/api/widget/conversations', { body: 'hello', clientId: 'ok' });
        const id = started.body.conversation.id as string;
        cases.push(
          await admin.call('POST', `/api/agent/conversations/${id}/messages`, {
            body: `note ${bad}`,
            private: true,
            clientId: 'n1',
          }),
        );
        for (const result of cases) {
          assert.equal(result.status, 400, JSON.stringify(result.body));
          assert.equal(result.body.error.code, 'invalid_characters');
        }
        // A signed identity token whose claims hold one is as invalid as a forged one.
        const token = signIdentityToken(org.identitySecret, { uid: `u${bad}` });
        const session = await request(`${server.url}/api/widget/session`, {
          method: 'POST',
          body: { org: org.slug, identityToken: token },
        });
        assert.equal(session.status, 401);
        assert.equal(session.body.error.code, 'identity_token_invalid');
        // Nothing was stored.
        const stored = await db.query(
          "SELECT 1 FROM messages WHERE body LIKE 'hi %' AND conversation_id IN (SELECT id FROM conversations WHERE org_id = $1)",
          [org.id],
        );
        assert.equal(stored.length, 0);
      });
    }

    test('a WebSocket frame with a NUL gets an invalid_characters error and the socket stays usable', async () => {
      const visitor = await startVisitor(server, org);
      const started = await visitor.call('POST', '/api/widget/conversations', { body: 'hello', clientId: 'ws0' });
      const conversationId = started.body.conversation.id as string;
      const socket = await connectSocket(`${server.wsUrl}/api/widget/ws?token=${visitor.token}`);
      socket.send({ type: 'send', conversationId, body: 'a\u0000b', clientId: 'ws1' });
      const error = await socket.waitFor((e) => e.type === 'error');
      assert.equal(error.type === 'error' ? error.code : '', 'invalid_characters');
      socket.send({ type: 'send', conversationId, body: 'fine', clientId: 'ws2' });
      await socket.waitFor((e) => e.type === 'message.created' && e.message.body === 'fine');
      socket.close();
    });

    test('pages and the API carry the security headers', async () => {
      for (const path of ['/', '/demo', '/api/health', '/widget.js', '/api/widget/config?org=nope']) {
        const result = await fetch(`${server.url}${path}`, { headers: { accept: 'text/html' } });
        assert.equal(result.headers.get('x-content-type-options'), 'nosniff', path);
        assert.equal(result.headers.get('referrer-policy'), 'strict-origin-when-cross-origin', path);
        assert.equal(result.headers.get('x-frame-options'), 'DENY', path);
        const csp = result.headers.get('content-security-policy') ?? '';
        assert.match(csp, /frame-ancestors 'none'/, path);
        if ((result.headers.get('content-type') ?? '').startsWith('text/html')) {
          assert.match(csp, /script-src 'self'(;|$)/, `${path}: no inline script`);
        }
      }
    });

    test('/metrics: loopback only without a token', async () => {
      const local = await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
      assert.equal(local.statusCode, 200);
      const remote = await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' });
      assert.equal(remote.statusCode, 403);
      assert.doesNotMatch(remote.body, /kefu_/);
    });
  });
}

describe('/metrics with KEFU_METRICS_TOKEN', () => {
  let server: TestServer;
  let db: Awaited<ReturnType<Awaited<ReturnType<typeof testDatabases>>[number]['open']>>;
  const token = 'metrics-token-0123456789abcdef';
  before(async () => {
    const [embedded] = await testDatabases();
    db = await embedded.open();
    server = await startTestServer(db, { KEFU_METRICS_TOKEN: token });
  });
  after(async () => {
    await server.close();
    await db.drop();
  });

  test('answers only the bearer of the token, from anywhere', async () => {
    const remote = { remoteAddress: '203.0.113.9' };
    assert.equal((await server.app.inject({ method: 'GET', url: '/metrics', ...remote })).statusCode, 401);
    const wrong = await server.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer nope' },
      ...remote,
    });
    assert.equal(wrong.statusCode, 401);
    const right = await server.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
      ...remote,
    });
    assert.equal(right.statusCode, 200);
    assert.equal(
      (await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode,
      401,
      'with a token set, loopback needs it too',
    );
  });
});
