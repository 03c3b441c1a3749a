import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_WIDGET_RATE_LIMITS } from '../../src/server/rate-limit/widget-limits.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  connectSocket,
  createTestOrg,
  type HttpResult,
  loginAgent,
  request,
  startTestServer,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';
import { isAvailable, servicesRequired, TEST_REDIS_URL } from '../helpers/services.ts';

/** Small limits with long windows, so a test never races a window's end. */
const SMALL_LIMITS = 'visitor.ip=5/600,session.visitor=4/600,conversation.visitor=2/600,message.visitor=3/600';
/** The limits as shipped (the test helper raises the per-visitor ones for the other suites). */
const SHIPPED_LIMITS = Object.entries(DEFAULT_WIDGET_RATE_LIMITS)
  .map(([rule, { limit, windowSeconds }]) => `${rule}=${limit}/${windowSeconds}`)
  .join(',');
/** The test client connects from 127.0.0.1; as a proxy there, it says which client address each request is from. */
const BEHIND_PROXY = { KEFU_TRUST_PROXY: '127.0.0.1' };

/**
 * A fresh client address per call, in its own IPv6 /64 (a subscriber's share of IPv6, which is what one address
 * counts as); random per run, so runs that share one Redis never share a count.
 */
const runPrefix = `2001:db8:${crypto.randomBytes(2).toString('hex')}`;
let addressCount = 0;
function freshAddress(): string {
  return `${runPrefix}:${(addressCount++).toString(16)}::1`;
}

type Widget = { token: string; contactId: string; address: string };

function startSession(server: TestServer, org: TestOrg, address: string, visitorToken?: string): Promise<HttpResult> {
  return request(`${server.url}/api/widget/session`, {
    method: 'POST',
    body: { org: org.slug, ...(visitorToken ? { visitorToken } : {}) },
    headers: { 'x-forwarded-for': address },
  });
}

async function newVisitor(server: TestServer, org: TestOrg, address = freshAddress()): Promise<Widget> {
  const session = await startSession(server, org, address);
  assert.equal(session.status, 200, JSON.stringify(session.body));
  return { token: session.body.visitorToken, contactId: session.body.contact.id, address };
}

function call(server: TestServer, widget: Widget, method: string, path: string, body?: unknown): Promise<HttpResult> {
  return request(`${server.url}${path}`, {
    method,
    body,
    headers: { authorization: `Bearer ${widget.token}`, 'x-forwarded-for': widget.address },
  });
}

function assertRateLimited(result: HttpResult, windowSeconds: number): void {
  assert.equal(result.status, 429, JSON.stringify(result.body));
  assert.equal(result.body.error.code, 'rate_limited');
  const retryAfter = Number(result.headers.get('retry-after'));
  assert.ok(
    Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= windowSeconds,
    `Retry-After ${retryAfter}`,
  );
  // The widget runs on the exchange's origin: it can read Retry-After only if the response exposes it.
  assert.match(result.headers.get('access-control-expose-headers') ?? '', /retry-after/i);
}

async function countContacts(server: TestServer, org: TestOrg): Promise<number> {
  const [row] = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM contacts WHERE org_id = $1', [
    org.id,
  ]);
  return row.n;
}

for (const database of await testDatabases()) {
  describe(`widget rate limits (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db, { ...BEHIND_PROXY, KEFU_WIDGET_RATE_LIMITS: SMALL_LIMITS });
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    test('one address gets N new visitors, the next is refused with 429 and Retry-After; other addresses still pass', async () => {
      const org = await createTestOrg(db);
      const address = freshAddress();
      const first = await startSession(server, org, address);
      for (let i = 1; i < 5; i++) assert.equal((await startSession(server, org, address)).status, 200);
      assertRateLimited(await startSession(server, org, address), 600);
      assert.equal(await countContacts(server, org), 5, 'the refused session created no visitor');

      // Another address of the same IPv6 /64 is the same subscriber.
      assertRateLimited(await startSession(server, org, address.replace(/::1$/, '::2')), 600);
      assert.equal((await startSession(server, org, freshAddress())).status, 200, 'another address is not affected');
      // A customer who already has a visitor token is coming back, not a new visitor: the crowd behind this address
      // that already chats keeps its sessions.
      const returning = await startSession(server, org, address, first.body.visitorToken);
      assert.equal(returning.status, 200, JSON.stringify(returning.body));
      assert.equal(returning.body.contact.id, first.body.contact.id);
    });

    test('a returning visitor has its own, tighter session limit', async () => {
      const org = await createTestOrg(db);
      const widget = await newVisitor(server, org);
      for (let i = 0; i < 4; i++)
        assert.equal((await startSession(server, org, freshAddress(), widget.token)).status, 200);
      assertRateLimited(await startSession(server, org, freshAddress(), widget.token), 600);
    });

    test('a visitor sends N messages over HTTP and the WebSocket together, then is refused; a neighbour still sends', async () => {
      const org = await createTestOrg(db);
      const widget = await newVisitor(server, org);
      const created = await call(server, widget, 'POST', '/api/widget/conversations', { body: 'one', clientId: 'm1' });
      assert.equal(created.status, 201);
      const conversationId = created.body.conversation.id as string;
      const path = `/api/widget/conversations/${conversationId}/messages`;
      assert.equal((await call(server, widget, 'POST', path, { body: 'two', clientId: 'm2' })).status, 201);

      const socket = await connectSocket(`${server.wsUrl}/api/widget/ws?token=${encodeURIComponent(widget.token)}`, {
        'x-forwarded-for': widget.address,
      });
      socket.send({ type: 'send', conversationId, body: 'three', clientId: 'm3' });
      await socket.waitFor((e) => e.type === 'ack' && e.clientId === 'm3');
      socket.send({ type: 'send', conversationId, body: 'four', clientId: 'm4' });
      const refusedOnSocket = await socket.waitFor((e) => e.type === 'error' && e.clientId === 'm4');
      assert.equal(refusedOnSocket.type === 'error' && refusedOnSocket.code, 'rate_limited');
      const retryAfter = refusedOnSocket.type === 'error' ? refusedOnSocket.retryAfterSeconds : undefined;
      assert.ok(retryAfter !== undefined && retryAfter >= 1 && retryAfter <= 600, `retryAfterSeconds ${retryAfter}`);
      await socket.close();

      assertRateLimited(await call(server, widget, 'POST', path, { body: 'five', clientId: 'm5' }), 600);
      const stored = await call(server, widget, 'GET', path);
      assert.deepEqual(
        stored.body.messages.map((m: { body: string }) => m.body),
        ['one', 'two', 'three'],
      );

      const neighbour = await newVisitor(server, org, widget.address);
      const theirs = await call(server, neighbour, 'POST', '/api/widget/conversations', { body: 'hi', clientId: 'n1' });
      assert.equal(theirs.status, 201, 'the per-visitor limit is per visitor, not per address');
    });

    test('a visitor starts N conversations, then is refused', async () => {
      const org = await createTestOrg(db);
      const widget = await newVisitor(server, org);
      for (let i = 0; i < 2; i++) {
        const started = await call(server, widget, 'POST', '/api/widget/conversations', {});
        assert.equal(started.status, 201, JSON.stringify(started.body));
      }
      assertRateLimited(await call(server, widget, 'POST', '/api/widget/conversations', {}), 600);
    });

    test('two app nodes on one database share the count', async () => {
      const org = await createTestOrg(db);
      const other = await startTestServer(db, { ...BEHIND_PROXY, KEFU_WIDGET_RATE_LIMITS: SMALL_LIMITS });
      try {
        const address = freshAddress();
        for (let i = 0; i < 5; i++) {
          assert.equal((await startSession(i % 2 ? other : server, org, address)).status, 200);
        }
        assertRateLimited(await startSession(other, org, address), 600);
        assertRateLimited(await startSession(server, org, address), 600);
      } finally {
        await other.close();
      }
    });

    test('two nodes spending a larger limit in shares admit exactly the limit between them', async () => {
      const org = await createTestOrg(db);
      const env = { ...BEHIND_PROXY, KEFU_WIDGET_RATE_LIMITS: 'visitor.ip=40/600' };
      const [a, b] = [await startTestServer(db, env), await startTestServer(db, env)];
      try {
        const address = freshAddress();
        const statuses: number[] = [];
        for (let i = 0; i < 50; i++) statuses.push((await startSession(i % 2 ? b : a, org, address)).status);
        assert.equal(statuses.filter((s) => s === 200).length, 40);
        assert.deepEqual(new Set(statuses.slice(40)), new Set([429]));
      } finally {
        await a.close();
        await b.close();
      }
    });

    test('with the shipped limits a flood from one address is cut at 600 new visitors, exactly, even in parallel', async () => {
      const org = await createTestOrg(db);
      const shipped = await startTestServer(db, { ...BEHIND_PROXY, KEFU_WIDGET_RATE_LIMITS: SHIPPED_LIMITS });
      try {
        const address = freshAddress();
        const statuses: number[] = [];
        const queue = Array.from({ length: 650 }, (_, i) => i);
        await Promise.all(
          Array.from({ length: 25 }, async () => {
            while (queue.shift() !== undefined) statuses.push((await startSession(shipped, org, address)).status);
          }),
        );
        assert.equal(statuses.filter((s) => s === 200).length, 600);
        assert.equal(statuses.filter((s) => s === 429).length, 50);
        assert.equal(await countContacts(shipped, org), 600);
      } finally {
        await shipped.close();
      }
    });

    test('with the shipped limits a crowd behind one address chats like people do, and nobody is refused', async () => {
      const org = await createTestOrg(db);
      const shipped = await startTestServer(db, { ...BEHIND_PROXY, KEFU_WIDGET_RATE_LIMITS: SHIPPED_LIMITS });
      try {
        const address = freshAddress();
        const results = await Promise.all(
          Array.from({ length: 40 }, async (_, i) => {
            const widget = await newVisitor(shipped, org, address);
            const created = await call(shipped, widget, 'POST', '/api/widget/conversations', {
              body: '我的充值还没到账',
              clientId: `c${i}`,
            });
            const path = `/api/widget/conversations/${created.body.conversation.id}/messages`;
            const second = await call(shipped, widget, 'POST', path, { body: 'TRC20', clientId: `c${i}-2` });
            const third = await call(shipped, widget, 'POST', path, { body: '500 USDT', clientId: `c${i}-3` });
            const again = await startSession(shipped, org, address, widget.token);
            return [created.status, second.status, third.status, again.status];
          }),
        );
        assert.deepEqual(new Set(results.flat()), new Set([200, 201]));
      } finally {
        await shipped.close();
      }
    });

    test('ended windows are cleaned up', async () => {
      const { deleteEndedRateLimitWindows } = await import('../../src/server/rate-limit/rate-limit.queries.ts');
      await db.query(
        `INSERT INTO rate_limit_counters (bucket, hits, window_ends_at)
         VALUES ('test.ended:x', 9, now() - interval '1 hour'), ('test.live:x', 1, now() + interval '1 hour')`,
      );
      assert.ok((await deleteEndedRateLimitWindows(db)) >= 1);
      const left = await db.query<{ bucket: string }>(
        "SELECT bucket FROM rate_limit_counters WHERE bucket LIKE 'test.%'",
      );
      assert.deepEqual(
        left.map((r) => r.bucket),
        ['test.live:x'],
      );
    });
  });
}

const redisAvailable = await isAvailable('redis');
if (!redisAvailable && servicesRequired()) throw new Error('Redis is required under CI=true');

describe('widget rate limits in Redis', { skip: redisAvailable ? false : 'Redis is not reachable' }, () => {
  let db: Awaited<ReturnType<Awaited<ReturnType<typeof testDatabases>>[number]['open']>>;
  let nodeA: TestServer;
  let nodeB: TestServer;
  let org: TestOrg;

  before(async () => {
    db = await (await testDatabases())[0].open();
    const env = {
      ...BEHIND_PROXY,
      KEFU_WIDGET_RATE_LIMITS: SMALL_LIMITS,
      KEFU_CONTACT_REVEAL_LIMIT: '2/600',
      REDIS_URL: TEST_REDIS_URL,
    };
    nodeA = await startTestServer(db, env);
    nodeB = await startTestServer(db, env);
    org = await createTestOrg(db);
  });
  after(async () => {
    await nodeA?.close();
    await nodeB?.close();
    await db?.drop();
  });

  test('two app nodes sharing Redis share the count of new visitors from one address', async () => {
    const address = freshAddress();
    for (let i = 0; i < 5; i++) assert.equal((await startSession(i < 3 ? nodeA : nodeB, org, address)).status, 200);
    assertRateLimited(await startSession(nodeB, org, address), 600);
    assertRateLimited(await startSession(nodeA, org, address), 600);
    assert.equal((await startSession(nodeB, org, freshAddress())).status, 200);
    const counted = await db.query('SELECT bucket FROM rate_limit_counters');
    assert.equal(counted.length, 0, 'with Redis configured the database holds no counters');
  });

  test("a visitor's messages on both nodes count against one limit", async () => {
    const widget = await newVisitor(nodeA, org);
    const created = await call(nodeA, widget, 'POST', '/api/widget/conversations', { body: 'one', clientId: 'r1' });
    const path = `/api/widget/conversations/${created.body.conversation.id}/messages`;
    assert.equal((await call(nodeB, widget, 'POST', path, { body: 'two', clientId: 'r2' })).status, 201);
    assert.equal((await call(nodeA, widget, 'POST', path, { body: 'three', clientId: 'r3' })).status, 201);
    assertRateLimited(await call(nodeB, widget, 'POST', path, { body: 'four', clientId: 'r4' }), 600);
  });

  test("an agent's contact reveals on both nodes count against one limit", async () => {
    const widget = await newVisitor(nodeA, org);
    const created = await call(nodeA, widget, 'POST', '/api/widget/conversations', { body: 'hi', clientId: 'v1' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const path = `/api/agent/conversations/${created.body.conversation.id}/contact/reveal`;
    const [onA, onB] = [await loginAgent(nodeA, org.agents.agent), await loginAgent(nodeB, org.agents.agent)];
    const reason = { reason: 'Customer asks to confirm their account' };
    assert.equal((await onA.call('POST', path, reason)).status, 200);
    assert.equal((await onB.call('POST', path, reason)).status, 200);
    for (const client of [onA, onB]) {
      const refused = await client.call('POST', path, reason);
      assert.equal(refused.status, 429, JSON.stringify(refused.body));
      assert.equal(refused.body.error.code, 'reveal_limit_reached');
      const retryAfter = Number(refused.headers.get('retry-after'));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 600, `Retry-After ${retryAfter}`);
    }
    const counted = await db.query('SELECT bucket FROM rate_limit_counters');
    assert.equal(counted.length, 0, 'with Redis configured the database holds no counters');
  });
});
