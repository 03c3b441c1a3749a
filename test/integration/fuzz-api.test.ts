import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import pino from 'pino';
import WebSocket from 'ws';
import { z } from 'zod';
import { registeredRoutes } from '../../src/server/http/hardening.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServerWithBot,
  type VisitorClient,
} from '../helpers/server.ts';

/**
 * The API fuzz (issue 15). Every route the app registers (registeredRoutes, so a route added tomorrow is fuzzed too) is
 * called as the caller it is meant for — an admin's session for /api/agent, a customer's visitor token for
 * /api/widget, an API key for /api/v1, nobody for the rest — with input fast-check generates from the route's own zod
 * schemas: nearly valid values (edge lengths, any Unicode, boundary numbers) with junk injected at random nodes (wrong
 * types, huge strings, deep nesting, `__proto__`/`constructor` keys), arbitrary JSON, malformed bodies and bad path
 * parameters. Every answer must be below 500 and, from 400 on, `{ error: { code, message } }`; the server must still
 * answer /api/health afterwards. The two WebSocket routes get arbitrary text and binary frames: an error frame or a
 * clean close, and the connection (or a new one) keeps working.
 *
 * Fixed seed, so a failure reproduces; FUZZ_RUNS (npm run fuzz) multiplies the runs.
 */
const FUZZ_RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 1));
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const RUNS_PER_ROUTE = 8 * FUZZ_RUNS;

/** Answers at or above 500 that are a dependency's state, not the server failing (each with its own code). */
const DEPENDENCY_503 = new Set(['exchange_unavailable', 'chain_unavailable', 'service_unavailable']);
const NOT_BUILT = new Set(['GET /', 'GET /widget.js', 'GET /demo.js', 'GET /demo']);
/**
 * Routes whose schema-valid input reaches the network (IMAP servers, the Telegram Bot API, webhook receivers by DNS).
 * They get schema-valid input too, pointed at this machine (`pinToLoopback`): every URL at the local receiver below
 * (webhooks may reach loopback over http in tests: KEFU_WEBHOOK_ALLOW_PRIVATE), every IMAP host at 127.0.0.1 on a port
 * nobody listens on (refused at once), the Telegram Bot API at the receiver (KEFU_TELEGRAM_API_ROOT). So they are
 * fuzzed through their rules without the fuzz ever resolving or waiting on a stranger's host.
 */
const REACHES_NETWORK = new Set([
  'POST /api/agent/email/inboxes/test-imap',
  'POST /api/agent/email/inboxes',
  'PATCH /api/agent/email/inboxes/:inboxId',
  'POST /api/agent/telegram/inboxes',
  'PATCH /api/agent/telegram/inboxes/:inboxId',
  'POST /api/agent/webhooks',
  'PATCH /api/agent/webhooks/:webhookId',
  'POST /api/v1/webhooks',
  'PATCH /api/v1/webhooks/:webhookId',
  'POST /api/agent/webhooks/:webhookId/deliveries/:deliveryId/replay',
]);

/** Where the fuzz's network traffic goes instead: the local receiver, and a loopback port that refuses connections. */
type Loopback = { url: string; closedPort: number };

/** Every `url` and `host` string of a generated body, wherever it is nested, pointed at this machine. */
function pinToLoopback(value: unknown, loopback: Loopback): unknown {
  if (Array.isArray(value)) return value.map((item) => pinToLoopback(item, loopback));
  if (!value || typeof value !== 'object') return value;
  const pinned: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === 'url' && typeof item === 'string') pinned[key] = `${loopback.url}/hook`;
    else if (key === 'host' && typeof item === 'string') {
      pinned[key] = '127.0.0.1';
      pinned.port = loopback.closedPort;
    } else if (key === 'port' && 'host' in value) continue;
    else pinned[key] = pinToLoopback(item, loopback);
  }
  return pinned;
}

/**
 * Answers what the fuzz sends out: webhook deliveries (204) and the Telegram Bot API (`ok` with a plausible result;
 * getUpdates is held open like Telegram's long poll, until the fuzz ends, so a polling inbox does not spin).
 */
async function startReceiver(): Promise<Loopback & { received: () => number; close(): Promise<void> }> {
  const held = new Set<http.ServerResponse>();
  let received = 0;
  const server = http.createServer((request, response) => {
    received++;
    request.resume();
    const method = request.url?.split('/').at(-1) ?? '';
    if (!request.url?.startsWith('/bot')) return void response.writeHead(204).end();
    if (method === 'getUpdates') return void held.add(response);
    const results: Record<string, unknown> = {
      getMe: { id: 1, is_bot: true, first_name: 'Fuzz', username: 'fuzz_bot' },
      sendMessage: { message_id: 1, date: 0, chat: { id: 1, type: 'private' } },
      getWebhookInfo: { url: '', has_custom_certificate: false, pending_update_count: 0 },
    };
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ok: true, result: results[method] ?? true }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const refusing = net.createServer();
  await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  const closedPort = (refusing.address() as net.AddressInfo).port;
  await new Promise((resolve) => refusing.close(resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    closedPort,
    received: () => received,
    async close() {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Input generated from a route's schema

type JsonSchema = Record<string, any>;

function toJsonSchema(schema: unknown): JsonSchema | undefined {
  if (!schema || typeof schema !== 'object') return undefined;
  if ('_zod' in schema) {
    try {
      return z.toJSONSchema(schema as z.ZodType, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
    } catch {
      return {};
    }
  }
  return schema as JsonSchema;
}

const HUGE = 'ж'.repeat(300_000);
/** Values no schema wants anywhere: wrong types, edge numbers, hostile strings, deep nesting. */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom<unknown>(
    null,
    true,
    0,
    -1,
    1e308,
    -1e308,
    2 ** 53 + 1,
    0.1,
    '',
    ' ',
    '\u202e\u200b\ufeff',
    '\u0000',
    '\ud800',
    'null',
    'NaN',
    '-0',
    '1e999',
    "' OR 1=1 --",
    '<img src=x onerror=alert(1)>',
    '../../../../etc/passwd',
    '%00',
    '0x',
    '𝔘'.repeat(5000),
    'a'.repeat(70_000),
    [],
    {},
    [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]],
    { toString: 'x', valueOf: 1, hasOwnProperty: null },
  ),
  fc.string({ unit: 'binary', maxLength: 400, size: 'large' }),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { minLength: 50, maxLength: 300 }),
);

const EDGE_STRINGS = ['', ' ', '\t\n', '零', '😀', '\u0301', 'ℌ𝔢𝔩𝔩𝔬', '\u202e', '٠١٢', "'", '"', '\\', '%', '_'];

function stringFor(s: JsonSchema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 400, 4000);
  switch (s.format) {
    case 'uuid':
      return fc.oneof(fc.uuid(), fc.constant('00000000-0000-0000-0000-000000000000'));
    case 'email':
      return fc.emailAddress();
    case 'date-time':
      return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
    case 'date':
      return fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'uri':
    case 'url':
      return fc.webUrl();
  }
  if (s.pattern) {
    try {
      return fc.stringMatching(new RegExp(s.pattern), { maxLength: max, size: 'medium' });
    } catch {
      // A pattern the JavaScript engine cannot read as given: plain strings below.
    }
  }
  return fc.oneof(
    fc.string({ minLength: min, maxLength: Math.max(min, max), size: 'medium' }),
    fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.max(min, max), size: 'medium' }),
    fc.constant('x'.repeat(Math.max(min, max))),
    fc.constantFrom(...EDGE_STRINGS),
  );
}

function numberFor(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : 1e-9) : undefined);
  const max = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - (integer ? 1 : 1e-9) : undefined);
  const edges = [0, -1, 1, 2 ** 31, 2 ** 53, -(2 ** 53), ...[min, max].filter((n) => n !== undefined)];
  const inRange = integer
    ? fc.integer({ min: Math.max(min ?? -(2 ** 31), Number.MIN_SAFE_INTEGER), max: Math.min(max ?? 2 ** 31, 2 ** 53) })
    : fc.double({ min: min ?? -1e12, max: max ?? 1e12, noNaN: true, noDefaultInfinity: true });
  return fc.oneof({ weight: 3, arbitrary: inRange }, { weight: 1, arbitrary: fc.constantFrom(...edges) });
}

/** Nearly valid values of `s`: each node is a valid value most of the time and junk now and then. */
function shaped(s: JsonSchema | boolean | undefined, root: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  if (s === undefined || s === true || depth > 6) return fc.jsonValue({ maxDepth: 2 });
  if (s === false) return junk;
  const valid = validFor(s, root, depth);
  return fc.oneof({ weight: 12, arbitrary: valid }, { weight: 1, arbitrary: junk });
}

function validFor(s: JsonSchema, root: JsonSchema, depth: number): fc.Arbitrary<unknown> {
  if (s.$ref) {
    const target = String(s.$ref)
      .replace(/^#\/?/, '')
      .split('/')
      .filter(Boolean)
      .reduce<any>((node, key) => node?.[key], root);
    return shaped(target, root, depth + 1);
  }
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((alt: JsonSchema) => shaped(alt, root, depth + 1)));
  if (s.allOf?.length) return shaped(Object.assign({}, ...s.allOf), root, depth + 1);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum) && s.enum.length > 0) return fc.constantFrom(...s.enum);
  if (Array.isArray(s.type)) return fc.oneof(...s.type.map((type: string) => validFor({ ...s, type }, root, depth)));
  switch (s.type) {
    case 'string':
      return stringFor(s);
    case 'integer':
      return numberFor(s, true);
    case 'number':
      return numberFor(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const item = s.items ?? (Array.isArray(s.prefixItems) ? { anyOf: s.prefixItems } : undefined);
      return fc.array(shaped(item, root, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 6, 40)),
      });
    }
    case 'object':
    case undefined: {
      if (!s.properties && !s.additionalProperties && s.type === undefined) return fc.jsonValue({ maxDepth: 2 });
      const properties = Object.fromEntries(
        Object.entries<JsonSchema>(s.properties ?? {}).map(([key, value]) => [key, shaped(value, root, depth + 1)]),
      );
      const record = fc.record(properties, { requiredKeys: (s.required ?? []).filter((k: string) => k in properties) });
      if (!s.additionalProperties || typeof s.additionalProperties !== 'object') return record;
      const keys = s.propertyNames ? stringFor(s.propertyNames) : fc.string({ minLength: 1, maxLength: 40 });
      const extra = fc.dictionary(keys, shaped(s.additionalProperties, root, depth + 1), { maxKeys: 6 });
      return fc.tuple(record, extra).map(([a, b]) => ({ ...b, ...a }));
    }
  }
  return fc.jsonValue({ maxDepth: 2 });
}

/** Raw request bodies that are not what any route can parse. */
const rawBodies = fc.oneof(
  fc.constantFrom(
    '{',
    '{"a":',
    '[1,2',
    'null',
    '"text"',
    '12',
    'true',
    '{"__proto__":{"isAdmin":true}}',
    '{"constructor":{"prototype":{"isAdmin":true}}}',
    '{"a":1,"a":2}',
    '\uFEFF{}',
    `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
    `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
    `{"body":"${HUGE}"}`,
    '{"body":"\\u0000"}',
    '{"body":"\\ud800"}',
  ),
  fc.string({ unit: 'binary', maxLength: 300 }),
);

/** Path parameter values: the organization's real objects (so validation and rules run) and anything else. */
function paramValue(name: string, fixtures: Record<string, string>, destructive: boolean): fc.Arbitrary<string> {
  const wrong = fc.oneof(
    fc.uuid(),
    fc.constantFrom('1', '0', '-1', 'null', 'undefined', 'not-a-uuid', '%', '..', '{{x}}', 'a'.repeat(5000), '零'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }),
  );
  const real = fixtures[name];
  // A destroying route is never handed the fixtures the rest of the fuzz calls with.
  return real && !destructive ? fc.oneof({ weight: 2, arbitrary: fc.constant(real) }, wrong) : wrong;
}

function queryString(value: unknown): string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return `q=${encodeURIComponent(String(value))}`;
  const search = new URLSearchParams();
  for (const [key, item] of Object.entries(value)) {
    if (Array.isArray(item))
      for (const one of item) search.append(key, typeof one === 'string' ? one : JSON.stringify(one));
    else search.append(key, typeof item === 'string' ? item : JSON.stringify(item));
  }
  return search.toString();
}

// ---------------------------------------------------------------------------------------------------------------

// One database is enough to find what input breaks (PGlite is PostgreSQL's own engine); FUZZ_ALL_DATABASES=1 (set by
// npm run fuzz) runs the same properties against PostgreSQL too.
const databases = await testDatabases();
const fuzzed = process.env.FUZZ_ALL_DATABASES ? databases : databases.slice(0, 1);

for (const database of fuzzed)
  describe(`fuzz (${database.name}): every route, every WebSocket, hostile input`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServerWithBot;
    let org: TestOrg;
    let admin: AgentClient;
    let customer: VisitorClient;
    let apiKey: string;
    let conversationId: string;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    const fixtures: Record<string, string> = {};

    before(async () => {
      db = await database.open();
      // FUZZ_LOG=1: the server's errors (with their stacks) on stderr, to see what a 500 was.
      receiver = await startReceiver();
      server = await startTestServer(
        db,
        { KEFU_WEBHOOK_ALLOW_PRIVATE: 'true', KEFU_TELEGRAM_API_ROOT: receiver.url },
        process.env.FUZZ_LOG ? { log: pino({ level: 'error' }) } : {},
      );
      org = await createTestOrg(db, undefined, { kb: true });
      admin = await loginAgent(server, org.agents.admin);
      customer = await startVisitor(server, org, { uid: 'fuzz-1', name: 'Fuzz' });
      const created = await customer.call('POST', '/api/widget/conversations', {
        body: 'my deposit has not arrived',
        clientId: crypto.randomUUID(),
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      conversationId = created.body.conversation.id;
      const conversation = await admin.call('GET', `/api/agent/conversations/${conversationId}`);
      const key = await admin.call('POST', '/api/agent/api-keys', {
        name: 'fuzz',
        scopes: ['contacts:write', 'conversations:read', 'conversations:write', 'webhooks:manage'],
      });
      assert.equal(key.status, 201, JSON.stringify(key.body));
      apiKey = key.body.key;
      const articles = await admin.call('GET', '/api/agent/kb/articles');
      Object.assign(fixtures, {
        conversationId,
        contactId: conversation.body.conversation.contact.id,
        agentId: org.agents.agent.id,
        articleId: articles.body.articles[0].id,
        slug: articles.body.articles[0].slug,
        locale: 'en',
        inboxId: org.inboxId,
        exchangeUid: 'fuzz-1',
      });
    });
    after(async () => {
      await server?.close();
      await receiver?.close();
      await db?.drop();
    });

    function headersFor(url: string, session: AgentClient): Record<string, string> {
      if (url.startsWith('/api/agent/')) return { cookie: session.cookie, 'x-csrf-token': session.csrfToken };
      if (url.startsWith('/api/widget/')) return { authorization: `Bearer ${customer.token}` };
      if (url.startsWith('/api/v1/')) return { authorization: `Bearer ${apiKey}` };
      return {};
    }

    /** What is wrong with one answer, or null. */
    function judge(key: string, status: number, type: string, text: string): string | null {
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const code = body?.error?.code;
      // In a checkout without `npm run build` the console and widget.js say so (503) after every check.
      if (status === 503 && (NOT_BUILT.has(key) || text.includes('npm run build'))) return null;
      if (status >= 500 && !(status === 503 && DEPENDENCY_503.has(code))) return `${status} ${text.slice(0, 300)}`;
      // A page (the help centre, /demo) answers a person: its 404 is a page too.
      if (status >= 400 && type.startsWith('text/html') && !key.includes(' /api/')) return null;
      if (status >= 400 && !(typeof code === 'string' && typeof body?.error?.message === 'string')) {
        return `${status} without { error: { code, message } }: ${text.slice(0, 200)}`;
      }
      return null;
    }

    test('every route answers hostile input below 500 with an error code, and the server stays up', async () => {
      const routes = registeredRoutes(server.app).filter(
        (route) =>
          !route.websocket &&
          // The built console's hashed files (once `npm run build` ran): static files with nothing to parse.
          !(route.method === 'GET' && (route.url === '/index.html' || route.url.startsWith('/assets/'))),
      );
      // Sign-in last: its failures count against the address and would lock out the sessions logout needs.
      routes.sort((a, b) => Number(a.url === '/api/agent/auth/login') - Number(b.url === '/api/agent/auth/login'));
      const failures: string[] = [];
      const seen = new Set<string>();
      /** How many answers of each status: a fuzz that only ever hears 400 validation_failed tests little. */
      const statuses = new Map<number, number>();
      let calls = 0;

      for (const [index, route] of routes.entries()) {
        const key = `${route.method} ${route.url}`;
        // FUZZ_ROUTE narrows a run to the routes whose key contains it, each with the seed it has in a full run.
        if (process.env.FUZZ_ROUTE && !key.includes(process.env.FUZZ_ROUTE)) continue;
        if (process.env.FUZZ_VERBOSE) console.log(`fuzzing ${key}`);
        const destructive = route.method === 'DELETE' || /\/(undo|merge|revoke)$/.test(route.url);
        const names = [...route.url.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? '*');
        const params = fc.record(
          Object.fromEntries(
            names.map((name) => [
              name,
              name === '*'
                ? fc.oneof(fc.constantFrom('x', '../../etc/passwd', '%2e%2e/', 'a/b/c'), fc.string({ maxLength: 60 }))
                : paramValue(name, fixtures, destructive),
            ]),
          ),
        );
        const bodySchema = toJsonSchema(route.schema.body);
        const querySchema = toJsonSchema(route.schema.querystring);
        const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
        const bodies: fc.Arbitrary<{ raw: string } | { json: unknown } | undefined> = !hasBody
          ? fc.constant(undefined)
          : fc.oneof(
              ...(bodySchema
                ? [
                    {
                      weight: 4,
                      arbitrary: shaped(bodySchema, bodySchema).map((json) => ({
                        json: REACHES_NETWORK.has(key) ? pinToLoopback(json, receiver) : json,
                      })),
                    },
                  ]
                : []),
              {
                weight: 2,
                arbitrary: fc
                  .oneof(junk, fc.jsonValue())
                  .map((json) => ({ json: REACHES_NETWORK.has(key) ? pinToLoopback(json, receiver) : json })),
              },
              { weight: 1, arbitrary: rawBodies.map((raw) => ({ raw })) },
            );
        const queries = fc.oneof(
          fc.constant(''),
          querySchema ? shaped(querySchema, querySchema).map(queryString) : fc.constant(''),
          fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 })).map(queryString),
        );

        await fc.assert(
          fc.asyncProperty(params, queries, bodies, async (values, query, body) => {
            const path = route.url.replace(/:(\w+)|\*/g, (_whole, name: string | undefined) =>
              name ? encodeURIComponent(values[name]) : values['*'],
            );
            // Logging out ends the session it is sent with: a session of its own each time.
            const session = key === 'POST /api/agent/auth/logout' ? await loginAgent(server, org.agents.admin) : admin;
            const headers = headersFor(route.url, session);
            let payload: string | undefined;
            if (body && 'raw' in body) payload = body.raw;
            else if (body) payload = JSON.stringify(body.json) ?? 'null';
            if (payload !== undefined) headers['content-type'] = 'application/json';
            const response = await fetch(`${server.url}${path}${query ? `?${query}` : ''}`, {
              method: route.method,
              headers,
              body: payload,
              redirect: 'manual',
            });
            calls++;
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            const type = response.headers.get('content-type') ?? '';
            const problem = judge(key, response.status, type, await response.text());
            // One example per route and answer: the first is enough to reproduce (same seed), the rest is noise.
            const kind = `${key} → ${problem?.slice(0, 60)}`;
            if (problem && !seen.has(kind)) {
              seen.add(kind);
              const shown = `${path.slice(0, 160)}${query ? `?${query.slice(0, 120)}` : ''} ${payload?.slice(0, 200)}`;
              failures.push(`${key}: ${shown}\n    → ${problem}`);
            }
          }),
          { seed: SEED + index, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
        );
      }
      const health = await fetch(`${server.url}/api/health`);
      assert.equal(health.status, 200, 'the server answers /api/health after the fuzz');
      const byStatus = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`);
      console.log(
        `fuzz: ${routes.length} routes, ${calls} calls (${byStatus.join(' ')}), ${failures.length} failures, ` +
          `${receiver.received()} requests to the local receiver`,
      );
      // Some generated input must get through validation to the rules behind it.
      assert.ok(
        [...statuses].some(([status]) => status < 300),
        'some calls succeed',
      );
      assert.deepEqual(failures, []);
    });

    test('what the fuzz found stays fixed', async () => {
      // An astral character across the list preview's 200th UTF-16 unit: the cut left half a surrogate pair (500).
      const body = `${'a'.repeat(199)}😀 and more`;
      const sent = await customer.call('POST', `/api/widget/conversations/${conversationId}/messages`, {
        body,
        clientId: crypto.randomUUID(),
      });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      assert.equal(sent.body.message.body, body);
      // Seqs are PostgreSQL integers; so is a nesting-depth overflow a 400, not a 500.
      const seq = await customer.call(
        'GET',
        `/api/widget/conversations/${conversationId}/messages?afterSeq=${2 ** 40}`,
      );
      assert.equal(seq.status, 400);
      const deep = await fetch(`${server.url}/api/agent/auth/totp/setup`, {
        method: 'POST',
        headers: { ...headersFor('/api/agent/', admin), 'content-type': 'application/json' },
        body: `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
      });
      assert.equal(deep.status, 400);
      assert.equal((await deep.json()).error.code, 'validation_failed');
      const long = await fetch(`${server.url}/api/agent/conversations/${'a'.repeat(300)}`, {
        headers: headersFor('/api/agent/', admin),
      });
      assert.equal(long.status, 414);
      assert.equal((await long.json()).error.code, 'bad_request');
      // Over Node's 16 KB header limit: the answer comes before the request is all sent, which fetch reports as a
      // failure, so the request goes over a plain socket.
      const raw = await new Promise<string>((resolve) => {
        const socket = net.connect(Number(new URL(server.url).port), '127.0.0.1');
        let data = '';
        socket.on('data', (chunk) => {
          data += chunk;
        });
        socket.on('error', () => {});
        socket.on('close', () => resolve(data));
        socket.write(`GET /api/health?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: kefu\r\n\r\n`);
      });
      assert.match(raw, /^HTTP\/1\.1 431 /);
      assert.equal(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)).error.code, 'bad_request');
    });

    /** One socket, with what it received; `next` waits for a frame or the close. */
    function openSocket(kind: 'widget' | 'agent', session: AgentClient) {
      const url =
        kind === 'widget'
          ? `${server.wsUrl}/api/widget/ws?token=${encodeURIComponent(customer.token)}`
          : `${server.wsUrl}/api/agent/ws`;
      const socket = new WebSocket(url, { headers: kind === 'agent' ? { cookie: session.cookie } : {} });
      const frames: any[] = [];
      let closed: number | null = null;
      const waiters: (() => void)[] = [];
      const wake = () => {
        for (const w of waiters.splice(0)) w();
      };
      socket.on('message', (data) => {
        frames.push(JSON.parse(String(data)));
        wake();
      });
      socket.on('close', (code) => {
        closed = code;
        wake();
      });
      socket.on('error', () => {});
      return {
        socket,
        frames,
        get closed() {
          return closed;
        },
        opened: new Promise<void>((resolve, reject) => {
          socket.once('open', () => resolve());
          socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
        }),
        /** Resolves once a frame matching `match` arrived or the socket closed. */
        async until(match: (frame: any) => boolean): Promise<any | null> {
          for (;;) {
            const found = frames.find(match);
            if (found) return found;
            if (closed !== null) return null;
            await new Promise<void>((resolve) => waiters.push(resolve));
          }
        },
      };
    }

    const frames = fc.oneof(
      fc.jsonValue().map((value) => ({ text: JSON.stringify(value) })),
      shaped(
        toJsonSchema(
          z.object({
            type: z.enum(['subscribe', 'unsubscribe', 'typing', 'send', 'ping', 'viewing', 'nope']),
            conversationId: z.string(),
            afterSeq: z.number(),
            typing: z.boolean(),
            viewing: z.boolean(),
            body: z.string(),
            clientId: z.string(),
          }),
        ) as JsonSchema,
        {},
      ).map((value) => ({ text: JSON.stringify(value) })),
      rawBodies.map((text) => ({ text })),
      fc.uint8Array({ maxLength: 400 }).map((bytes) => ({ binary: Buffer.from(bytes) })),
    );

    for (const kind of ['widget', 'agent'] as const) {
      test(`${kind} WebSocket: arbitrary frames get an error frame or a clean close, and the socket keeps working`, async () => {
        const failures: string[] = [];
        let conn = openSocket(kind, admin);
        await conn.opened;
        let sent = 0;
        await fc.assert(
          fc.asyncProperty(frames, async (frame) => {
            if (conn.closed !== null) {
              // A clean close (policy, too big, bad data) is a fair answer; anything abnormal is not.
              if (![1000, 1003, 1007, 1008, 1009, 4400].includes(conn.closed)) failures.push(`closed ${conn.closed}`);
              conn = openSocket(kind, admin);
              await conn.opened;
            }
            const before = conn.frames.length;
            conn.socket.send('text' in frame ? frame.text : frame.binary);
            // A ping after every frame: the server still reads this socket and answers in order.
            conn.socket.send(JSON.stringify({ type: 'ping' }));
            sent++;
            const pong = await conn.until((f) => f.type === 'pong' && conn.frames.indexOf(f) >= before);
            const answered = pong ? conn.frames.splice(0, conn.frames.indexOf(pong) + 1) : conn.frames.splice(0);
            if (!pong && conn.closed === null) failures.push('no pong');
            for (const f of answered) {
              if (f.type === 'error' && !(typeof f.code === 'string' && typeof f.message === 'string')) {
                failures.push(`error frame without code: ${JSON.stringify(f)}`);
              }
            }
          }),
          { seed: SEED, numRuns: 60 * FUZZ_RUNS },
        );
        if (conn.closed !== null) {
          conn = openSocket(kind, admin);
          await conn.opened;
        }
        conn.socket.send(JSON.stringify({ type: 'subscribe', conversationId, afterSeq: 0 }));
        const subscribed = await conn.until((f) => f.type === 'subscribed');
        assert.ok(subscribed, 'a socket subscribes after the fuzz');
        conn.socket.close();
        assert.equal((await fetch(`${server.url}/api/health`)).status, 200);
        console.log(`fuzz ${kind} ws: ${sent} frames`);
        assert.deepEqual(failures, []);
      });
    }
  });
