import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { signIdentityToken } from '../../src/server/visitors/tokens.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  connectSocket,
  createTestOrg,
  loginAgent,
  request,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
  type VisitorClient,
} from '../helpers/server.ts';

/** The parts of the app's own OpenAPI document (/api/docs/json) the tables below read. */
type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  minItems?: number;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
};
type Operation = {
  parameters?: { in: 'path' | 'query' | 'header'; name: string; schema?: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
};
type OpenApi = { paths: Record<string, Record<string, Operation>> };
type Route = { path: string; method: string; operation: Operation };

/** What the one text rule refuses: a NUL (PostgreSQL text cannot hold it) and a lone UTF-16 surrogate. */
const BAD_TEXT = { NUL: 'a\u0000b', 'lone surrogate': 'a\ud800b' } as const;

/** A value of the schema's shape; every string leaf is `text`. Ids and e-mails get real ones. */
function sampleOf(schema: JsonSchema | undefined, text: string): unknown {
  if (!schema) return text;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const variant = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (variant) return sampleOf(variant, text);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'uuid') return crypto.randomUUID();
      if (schema.format === 'email') return 'someone@example.test';
      if (schema.format === 'date-time') return new Date().toISOString();
      return text;
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: schema.minItems ?? 1 }, () => sampleOf(schema.items, text));
    default: {
      const out: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) out[key] = sampleOf(property, text);
      if (typeof schema.additionalProperties === 'object') out.extra = sampleOf(schema.additionalProperties, text);
      return out;
    }
  }
}

/** Every string inside a sample, as a dotted path (`bodies.zh`, `ids.0`). */
function stringPaths(value: unknown, path: string[] = []): string[][] {
  if (typeof value === 'string') return [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringPaths(item, [...path, String(index)]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, item]) => stringPaths(item, [...path, key]));
  return [];
}

function withValueAt(value: unknown, path: string[], replacement: string): unknown {
  if (path.length === 0) return replacement;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<string, unknown>;
  copy[path[0]] = withValueAt(copy[path[0]], path.slice(1), replacement);
  return copy;
}

const fillPath = (route: string, values: Record<string, string> = {}) =>
  route.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(values[name] ?? crypto.randomUUID()));

for (const database of await testDatabases()) {
  describe(`one text rule for every input; agent routes authenticate first (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let routes: Route[];
    let admin: AgentClient;
    let visitor: VisitorClient;
    let apiKey: string;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      const openapi = (await request<OpenApi>(`${server.url}/api/docs/json`)).body;
      routes = Object.entries(openapi.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
      );
      admin = await loginAgent(server, org.agents.admin);
      visitor = await startVisitor(server, org);
      const made = await admin.call('POST', '/api/agent/api-keys', {
        name: 'input rules',
        scopes: ['contacts:write', 'conversations:read', 'conversations:write', 'webhooks:manage'],
      });
      apiKey = made.body.key as string;
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    /**
     * As the route's own kind of caller would send it: the admin's session for agent routes, the exchange's API key for
     * /api/v1, a visitor's token else.
     */
    const send = (method: string, url: string, payload?: string) =>
      server.app.inject({
        method: method as 'GET',
        url,
        payload,
        headers: {
          ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
          ...(url.startsWith('/api/agent/')
            ? { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken }
            : { authorization: `Bearer ${url.startsWith('/api/v1/') ? apiKey : visitor.token}` }),
        },
      });

    test('every agent route answers an anonymous caller 401 before it looks at the input', async () => {
      const agentRoutes = routes.filter((r) => r.path.startsWith('/api/agent/') && r.path !== '/api/agent/auth/login');
      assert.ok(agentRoutes.length > 40, `found ${agentRoutes.length} agent routes`);
      const garbage = [
        { query: '?limit=banana&status=nope', payload: '{"garbage": true}' },
        { query: '?afterSeq=-1', payload: '{"unterminated' },
        { query: '?cursor=a%00b', payload: '{"body": "a\\u0000b"}' },
      ];
      const wrong: string[] = [];
      for (const route of agentRoutes) {
        for (const input of garbage) {
          const result = await server.app.inject({
            method: route.method as 'GET',
            url: `${fillPath(route.path, Object.fromEntries(route.path.match(/\{[^}]+\}/g)?.map((p) => [p.slice(1, -1), 'not-an-id']) ?? []))}${input.query}`,
            ...(route.method === 'GET' || route.method === 'DELETE'
              ? {}
              : { payload: input.payload, headers: { 'content-type': 'application/json' } }),
          });
          const code = result.json<{ error?: { code?: string } }>().error?.code;
          if (result.statusCode !== 401 || code !== 'unauthenticated')
            wrong.push(`${route.method} ${route.path} ${input.query} → ${result.statusCode} ${code}`);
        }
      }
      assert.deepEqual(wrong, []);
    });

    for (const [kind, bad] of Object.entries(BAD_TEXT)) {
      test(`a ${kind} in any string of any route's body is refused with invalid_characters naming the field`, async () => {
        const wrong: string[] = [];
        let tried = 0;
        for (const route of routes) {
          const schema = route.operation.requestBody?.content?.['application/json']?.schema;
          if (!schema) continue;
          const sample = sampleOf(schema, 'fine');
          for (const field of stringPaths(sample)) {
            tried++;
            const body = withValueAt(sample, field, bad);
            const result = await send(route.method, fillPath(route.path), JSON.stringify(body));
            const error = result.json<{ error?: { code?: string; message?: string } }>().error;
            const name = ['body', ...field].join('.');
            if (
              result.statusCode !== 400 ||
              error?.code !== 'invalid_characters' ||
              !error.message?.startsWith(`${name}: `)
            )
              wrong.push(`${route.method} ${route.path} ${name} → ${result.statusCode} ${JSON.stringify(error)}`);
          }
        }
        assert.ok(tried > 60, `tried ${tried} body fields`);
        assert.deepEqual(wrong, []);
      });
    }

    test('a NUL in any path or query parameter of any route is refused with invalid_characters naming it', async () => {
      const wrong: string[] = [];
      let tried = 0;
      for (const route of routes) {
        for (const parameter of route.operation.parameters ?? []) {
          if (parameter.in !== 'path' && parameter.in !== 'query') continue;
          tried++;
          const url =
            parameter.in === 'path'
              ? fillPath(route.path, { [parameter.name]: BAD_TEXT.NUL })
              : `${fillPath(route.path)}?${parameter.name}=${encodeURIComponent(BAD_TEXT.NUL)}`;
          const hasBody = route.operation.requestBody !== undefined;
          const result = await send(route.method, url, hasBody ? '{}' : undefined);
          const error = result.json<{ error?: { code?: string; message?: string } }>().error;
          const name = `${parameter.in === 'path' ? 'params' : 'querystring'}.${parameter.name}`;
          if (result.statusCode !== 400 || error?.code !== 'invalid_characters' || !error.message?.startsWith(name))
            wrong.push(`${route.method} ${route.path} ${name} → ${result.statusCode} ${JSON.stringify(error)}`);
        }
      }
      assert.ok(tried > 40, `tried ${tried} parameters`);
      assert.deepEqual(wrong, []);
      // Routes outside the API document take the same rule.
      for (const url of ['/help/en%00', '/demo?user=1234%00']) {
        const result = await server.app.inject({ url });
        assert.equal(result.statusCode, 400, url);
        // The help centre answers people with a page; everything else with the API's error shape.
        if (url.startsWith('/help/')) assert.match(String(result.headers['content-type']), /^text\/html/, url);
        else assert.equal(result.json().error.code, 'invalid_characters', url);
      }
      // A lone surrogate cannot be percent-encoded in UTF-8; its CESU-8 bytes are not a 500 either.
      const cesu = await server.app.inject({ url: `/api/widget/verify?org=${org.slug}&value=%ED%A0%80x` });
      assert.ok(cesu.statusCode < 500, `${cesu.statusCode}`);
    });

    for (const [kind, bad] of Object.entries(BAD_TEXT)) {
      test(`the probe's inputs with a ${kind} (message, client id, org, note, reason, key, identity claim) store nothing`, async () => {
        const conversation = await visitor.call('POST', '/api/widget/conversations', { body: 'hello', clientId: 'ok' });
        const id = conversation.body.conversation.id as string;
        const countMessages = async () =>
          (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1', [id]))[0]
            .n;
        const before = await countMessages();
        const cases = [
          [
            'body.body',
            await visitor.call('POST', `/api/widget/conversations/${id}/messages`, { body: bad, clientId: 'm1' }),
          ],
          [
            'body.clientId',
            await visitor.call('POST', `/api/widget/conversations/${id}/messages`, { body: 'hi', clientId: bad }),
          ],
          ['body.org', await request(`${server.url}/api/widget/session`, { method: 'POST', body: { org: bad } })],
          [
            'body.body',
            await admin.call('POST', `/api/agent/conversations/${id}/messages`, {
              body: bad,
              private: true,
              clientId: 'n1',
            }),
          ],
          ['body.reason', await visitor.call('POST', `/api/widget/conversations/${id}/report`, { reason: bad })],
          [
            'body.values',
            await admin.call('PATCH', `/api/agent/conversations/${id}/attributes`, { values: { [bad]: 'x' } }),
          ],
          [
            'identityToken.uid',
            await request(`${server.url}/api/widget/session`, {
              method: 'POST',
              body: { org: org.slug, identityToken: signIdentityToken(org.identitySecret, { uid: `u${bad}` }) },
            }),
          ],
          [
            'identityToken.name',
            await request(`${server.url}/api/widget/session`, {
              method: 'POST',
              body: { org: org.slug, identityToken: signIdentityToken(org.identitySecret, { uid: 'u1', name: bad }) },
            }),
          ],
        ] as const;
        for (const [field, result] of cases) {
          assert.equal(result.status, 400, `${field}: ${JSON.stringify(result.body)}`);
          assert.equal(result.body.error.code, 'invalid_characters', field);
          assert.match(result.body.error.message, new RegExp(`^${field.replace('.', '\\.')}: `), field);
        }
        assert.equal(await countMessages(), before);
        // A forged token is still a forgery, whatever its claims hold.
        const forged = signIdentityToken('not-the-secret', { uid: `u${bad}` });
        const refused = await request(`${server.url}/api/widget/session`, {
          method: 'POST',
          body: { org: org.slug, identityToken: forged },
        });
        assert.equal(refused.status, 401);
        assert.equal(refused.body.error.code, 'identity_token_invalid');
      });

      test(`a WebSocket send with a ${kind} gets invalid_characters and the socket stays usable`, async () => {
        const started = await visitor.call('POST', '/api/widget/conversations', { body: 'hello', clientId: 'ws0' });
        const conversationId = started.body.conversation.id as string;
        const socket = await connectSocket(`${server.wsUrl}/api/widget/ws?token=${visitor.token}`);
        try {
          socket.send({ type: 'send', conversationId, body: bad, clientId: 'ws1' });
          const error = await socket.waitFor((e) => e.type === 'error');
          assert.deepEqual(error.type === 'error' ? [error.code, error.clientId] : [], ['invalid_characters', 'ws1']);
          socket.send({ type: 'send', conversationId, body: 'fine', clientId: 'ws2' });
          await socket.waitFor((e) => e.type === 'ack' && e.clientId === 'ws2');
        } finally {
          await socket.close();
        }
      });
    }
  });
}
