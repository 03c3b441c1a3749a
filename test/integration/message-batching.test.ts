import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Db, Queryable } from '../../src/server/db/db.ts';
import type { DomainEvent } from '../../src/server/events/domain-events.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  createTestOrg,
  loginAgent,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServerWithBot,
  type VisitorClient,
} from '../helpers/server.ts';

/** The app's Db, counting the group-commit statements (multi-row message inserts) it is asked to run. */
function countingBatches(inner: Db): { db: Db; batches: () => number } {
  let batches = 0;
  const count = (sql: string) => {
    if (sql.includes('WITH ORDINALITY AS t(conversation_id, author_kind')) batches++;
  };
  const wrap = (q: Queryable): Queryable => ({
    query: (sql, params) => {
      count(sql);
      return q.query(sql, params);
    },
    exec: (sql) => q.exec(sql),
  });
  const outer = wrap(inner);
  return {
    db: {
      ...inner,
      query: outer.query,
      exec: outer.exec,
      transaction: (fn) => inner.transaction((tx) => fn(wrap(tx))),
    },
    batches: () => batches,
  };
}

const send = (visitor: VisitorClient, conversationId: string, body: string, clientId: string | null) =>
  visitor.call('POST', `/api/widget/conversations/${conversationId}/messages`, { body, clientId });

for (const database of await testDatabases()) {
  describe(`group commit of messages (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let counted: ReturnType<typeof countingBatches>;
    let server: TestServerWithBot;
    let org: TestOrg;
    const published: DomainEvent[] = [];

    before(async () => {
      db = await database.open();
      counted = countingBatches(db);
      server = await startTestServer(counted.db);
      org = await createTestOrg(db);
      server.events.subscribe((event) => {
        published.push(event);
      });
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    const seqsOf = async (visitor: VisitorClient, conversationId: string) => {
      const page = await visitor.call('GET', `/api/widget/conversations/${conversationId}/messages?limit=200`);
      return page.body.messages.map((m: { seq: number }) => m.seq) as number[];
    };

    test('concurrent sends to one and to many conversations are batched and stay gap-free', async () => {
      const visitors = await Promise.all(Array.from({ length: 12 }, () => startVisitor(server, org)));
      const conversations = await Promise.all(
        visitors.map(
          async (v) => (await v.call('POST', '/api/widget/conversations', {})).body.conversation.id as string,
        ),
      );
      const batchesBefore = counted.batches();
      const perConversation = 8;
      const results = await Promise.all(
        visitors.flatMap((v, i) =>
          Array.from({ length: perConversation }, (_, k) => send(v, conversations[i], `m ${i}.${k}`, `c-${i}-${k}`)),
        ),
      );
      assert.deepEqual(
        results.map((r) => r.status),
        results.map(() => 201),
      );
      const statements = counted.batches() - batchesBefore;
      assert.ok(
        // Requests trickle in over HTTP (each is parsed and checked first), so not all meet at the store; some must.
        statements < results.length,
        `${results.length} concurrent sends took ${statements} statements: they were not grouped`,
      );
      for (const [i, v] of visitors.entries()) {
        const expected = Array.from({ length: perConversation }, (_, k) => k + 1);
        assert.deepEqual(await seqsOf(v, conversations[i]), expected);
        const returned = results
          .slice(i * perConversation, (i + 1) * perConversation)
          .map((r) => r.body.message.seq as number)
          .sort((a, b) => a - b);
        assert.deepEqual(returned, expected, 'each sender got its own row');
      }
    });

    test('a clientId repeated inside one batch and across batches returns the first message and uses no seq', async () => {
      const visitor = await startVisitor(server, org);
      const conversationId = (await visitor.call('POST', '/api/widget/conversations', {})).body.conversation.id;
      const eventsBefore = published.length;
      const burst = await Promise.all([
        send(visitor, conversationId, 'once', 'dup'),
        send(visitor, conversationId, 'once', 'dup'),
        send(visitor, conversationId, 'other', 'unique-1'),
        send(visitor, conversationId, 'once', 'dup'),
      ]);
      assert.deepEqual(
        burst.map((r) => r.status),
        [201, 201, 201, 201],
      );
      const dupIds = new Set([burst[0], burst[1], burst[3]].map((r) => r.body.message.id));
      assert.equal(dupIds.size, 1, 'every repeat got the first message');
      const createdNow = published
        .slice(eventsBefore)
        .filter((e) => e.type === 'message.created' && e.conversationId === conversationId);
      assert.equal(createdNow.length, 2, 'one message.created per stored message, none for a repeat');

      const later = await send(visitor, conversationId, 'once', 'dup');
      assert.equal(later.body.message.id, burst[0].body.message.id, 'a retry in a later batch finds the first one');
      const next = await send(visitor, conversationId, 'next', 'unique-2');
      assert.equal(next.body.message.seq, 3, 'no seq was consumed by the repeats');
      assert.deepEqual(await seqsOf(visitor, conversationId), [1, 2, 3]);
    });

    test('a message that cannot be stored fails only its own sender, with its own 4xx', async () => {
      const agent = await loginAgent(server, org.agents.agent);
      const alice = await startVisitor(server, org);
      const bob = await startVisitor(server, org);
      const other = await createTestOrg(db);
      const stranger = await startVisitor(server, other);
      const open = (await alice.call('POST', '/api/widget/conversations', {})).body.conversation.id;
      const closed = (await alice.call('POST', '/api/widget/conversations', {})).body.conversation.id;
      const bobs = (await bob.call('POST', '/api/widget/conversations', {})).body.conversation.id;
      const strangers = (await stranger.call('POST', '/api/widget/conversations', {})).body.conversation.id;
      const closing = await agent.call('PATCH', `/api/agent/conversations/${closed}`, { status: 'closed' });
      assert.equal(closing.status, 200);

      const [ok1, toClosed, toBobs, toOtherOrg, ok2, bobOwn] = await Promise.all([
        send(alice, open, 'fine', 'f-1'),
        send(alice, closed, 'too late', 'f-2'),
        send(alice, bobs, 'not mine', 'f-3'),
        send(alice, strangers, 'another org', 'f-4'),
        send(alice, open, 'fine again', 'f-5'),
        send(bob, bobs, 'mine', 'f-6'),
      ]);
      assert.equal(toClosed.status, 409);
      assert.equal(toClosed.body.error.code, 'conflict');
      assert.equal(toBobs.status, 404);
      assert.equal(toBobs.body.error.code, 'conversation_not_found');
      assert.equal(toOtherOrg.status, 404);
      assert.equal(toOtherOrg.body.error.code, 'conversation_not_found');
      assert.deepEqual(
        [ok1, ok2, bobOwn].map((r) => r.status),
        [201, 201, 201],
      );
      assert.deepEqual(await seqsOf(alice, open), [1, 2]);
      assert.deepEqual(await seqsOf(bob, bobs), [1]);
      assert.deepEqual(await seqsOf(stranger, strangers), []);
    });

    test('message.created is published only after its row is committed', async () => {
      const visitors = await Promise.all(Array.from({ length: 6 }, () => startVisitor(server, org)));
      const conversations = await Promise.all(
        visitors.map(
          async (v) => (await v.call('POST', '/api/widget/conversations', {})).body.conversation.id as string,
        ),
      );
      const checks: Promise<boolean>[] = [];
      // A query of its own (another pool connection on PostgreSQL) sees only committed rows.
      const unsubscribe = server.events.subscribe((event) => {
        if (event.type !== 'message.created' || !conversations.includes(event.conversationId)) return;
        checks.push(
          db
            .query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE org_id = $1 AND id = $2', [
              org.id,
              event.message.id,
            ])
            .then((rows) => rows[0].n === 1),
        );
      });
      try {
        const results = await Promise.all(
          visitors.flatMap((v, i) =>
            [0, 1, 2].map((k) => send(v, conversations[i], `after commit ${k}`, `ac-${i}-${k}`)),
          ),
        );
        assert.ok(results.every((r) => r.status === 201));
        assert.equal(checks.length, results.length);
        assert.deepEqual(
          await Promise.all(checks),
          checks.map(() => true),
        );
      } finally {
        unsubscribe();
      }
    });
  });
}
