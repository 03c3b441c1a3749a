import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../helpers/databases.ts';
import {
  connectSocket,
  createTestOrg,
  loginAgent,
  messageEvents,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

for (const database of await testDatabases()) {
  describe(`chat between a customer and an agent (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    test('a conversation goes from the widget to the agent and back, and through its statuses', async () => {
      const visitor = await startVisitor(server, org);
      const agent = await loginAgent(server, org.agents.agent);
      const agentSocket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: agent.cookie });

      const created = await visitor.call('POST', '/api/widget/conversations', {
        body: '我的 USDT 充值还没到账',
        clientId: 'c-1',
      });
      assert.equal(created.status, 201);
      const conversationId = created.body.conversation.id as string;
      assert.equal(created.body.message.seq, 1);
      assert.equal(created.body.conversation.status, 'open');

      // The console follows no conversation yet: its list gets the delta, not the message.
      const pushed = await agentSocket.waitFor(
        (e) => e.type === 'conversation.activity' && e.conversationId === conversationId,
      );
      assert.equal(pushed.type === 'conversation.activity' && pushed.lastMessage.body, '我的 USDT 充值还没到账');

      const list = await agent.call('GET', '/api/agent/conversations?assignee=unassigned&status=open');
      assert.equal(list.status, 200);
      assert.ok(list.body.conversations.some((c: { id: string }) => c.id === conversationId));

      const customerSocket = await connectSocket(
        `${server.wsUrl}/api/widget/ws?token=${encodeURIComponent(visitor.token)}`,
      );
      customerSocket.send({ type: 'subscribe', conversationId, afterSeq: 1 });
      await customerSocket.waitFor((e) => e.type === 'subscribed');

      const note = await agent.call('POST', `/api/agent/conversations/${conversationId}/messages`, {
        body: 'internal: check TRC20 explorer',
        clientId: 'n-1',
        private: true,
      });
      assert.equal(note.status, 201);
      const reply = await agent.call('POST', `/api/agent/conversations/${conversationId}/messages`, {
        body: '您好，请提供交易哈希。',
        clientId: 'r-1',
      });
      assert.equal(reply.status, 201);
      assert.equal(reply.body.message.seq, 3);

      const received = await customerSocket.waitFor((e) => e.type === 'message.created' && e.seq === 3);
      assert.equal(received.type === 'message.created' && received.message.authorKind, 'agent');
      assert.equal(
        messageEvents(customerSocket.events, conversationId).some((e) => e.message.private),
        false,
        'a customer never receives private notes',
      );
      const customerView = await visitor.call('GET', `/api/widget/conversations/${conversationId}/messages`);
      assert.deepEqual(
        customerView.body.messages.map((m: { seq: number }) => m.seq),
        [1, 3],
      );

      const detail = await agent.call('GET', `/api/agent/conversations/${conversationId}`);
      assert.ok(detail.body.conversation.firstReplyAt, 'the first public reply sets first_reply_at');
      assert.equal(detail.body.messages.length, 3);

      const assigned = await agent.call('POST', `/api/agent/conversations/${conversationId}/assign`, {
        agentId: org.agents.agent.id,
      });
      assert.equal(assigned.body.conversation.assignee.id, org.agents.agent.id);
      const mine = await agent.call('GET', '/api/agent/conversations?assignee=mine');
      assert.deepEqual(
        mine.body.conversations.map((c: { id: string }) => c.id),
        [conversationId],
      );

      const resolved = await agent.call('PATCH', `/api/agent/conversations/${conversationId}`, { status: 'resolved' });
      assert.equal(resolved.body.conversation.status, 'resolved');
      assert.ok(resolved.body.conversation.resolvedAt);
      await customerSocket.waitFor((e) => e.type === 'conversation.updated' && e.conversation.status === 'resolved');

      await visitor.call('POST', `/api/widget/conversations/${conversationId}/messages`, {
        body: 'still not there',
        clientId: 'c-2',
      });
      const reopened = await agentSocket.waitFor(
        (e) =>
          e.type === 'conversation.updated' && e.conversation.id === conversationId && e.conversation.status === 'open',
      );
      assert.equal(reopened.type === 'conversation.updated' && reopened.conversation.resolvedAt, null);

      const priority = await agent.call('PATCH', `/api/agent/conversations/${conversationId}`, { priority: 'urgent' });
      assert.equal(priority.body.conversation.priority, 'urgent');

      const admin = await loginAgent(server, org.agents.admin);
      const audit = await admin.call('GET', `/api/agent/audit?targetId=${conversationId}`);
      assert.deepEqual(audit.body.entries.map((e: { action: string }) => e.action).sort(), [
        'conversation.assign',
        'conversation.update',
        'conversation.update',
      ]);
      const forbidden = await agent.call('GET', '/api/agent/audit');
      assert.equal(forbidden.status, 403);

      await agentSocket.close();
      await customerSocket.close();
    });

    test('a reloaded widget resumes the same visitor and conversation', async () => {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', { body: 'hello', clientId: 'x' });
      const again = await fetch(`${server.url}/api/widget/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ org: org.slug, visitorToken: visitor.token }),
      }).then((r) => r.json());
      assert.equal(again.conversation.id, created.body.conversation.id);
    });

    test('a client that reconnects with its last seq receives exactly the messages it missed', async () => {
      const visitor = await startVisitor(server, org);
      const agent = await loginAgent(server, org.agents.agent);
      const created = await visitor.call('POST', '/api/widget/conversations', { body: 'm1', clientId: 'm1' });
      const conversationId = created.body.conversation.id as string;
      for (let i = 2; i <= 4; i++) {
        await visitor.call('POST', `/api/widget/conversations/${conversationId}/messages`, {
          body: `m${i}`,
          clientId: `m${i}`,
        });
      }
      // Offline now: the agent answers twice and writes a note the customer must never see.
      await agent.call('POST', `/api/agent/conversations/${conversationId}/messages`, { body: 'a5', clientId: 'a5' });
      await agent.call('POST', `/api/agent/conversations/${conversationId}/messages`, {
        body: 'n6',
        clientId: 'n6',
        private: true,
      });
      await agent.call('POST', `/api/agent/conversations/${conversationId}/messages`, { body: 'a7', clientId: 'a7' });

      const socket = await connectSocket(`${server.wsUrl}/api/widget/ws?token=${encodeURIComponent(visitor.token)}`);
      socket.send({ type: 'subscribe', conversationId, afterSeq: 4 });
      await socket.waitFor((e) => e.type === 'subscribed');
      await agent.call('POST', `/api/agent/conversations/${conversationId}/messages`, { body: 'a8', clientId: 'a8' });
      await socket.waitFor((e) => e.type === 'message.created' && e.seq === 8);
      assert.deepEqual(
        messageEvents(socket.events, conversationId).map((e) => [e.seq, e.message.body]),
        [
          [5, 'a5'],
          [7, 'a7'],
          [8, 'a8'],
        ],
      );

      const agentSocket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: agent.cookie });
      agentSocket.send({ type: 'subscribe', conversationId, afterSeq: 5 });
      await agentSocket.waitFor((e) => e.type === 'subscribed');
      assert.deepEqual(
        messageEvents(agentSocket.events, conversationId).map((e) => e.seq),
        [6, 7, 8],
        'agents replay private notes too',
      );
      await socket.close();
      await agentSocket.close();
    });

    test('a retried send with the same client id stores one message', async () => {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', { body: 'first', clientId: 'start-1' });
      const retriedStart = await visitor.call('POST', '/api/widget/conversations', {
        body: 'first',
        clientId: 'start-1',
      });
      assert.equal(
        retriedStart.body.conversation.id,
        created.body.conversation.id,
        'a retried start finds the same conversation',
      );
      const conversationId = created.body.conversation.id as string;

      const sends = await Promise.all(
        Array.from({ length: 5 }, () =>
          visitor.call('POST', `/api/widget/conversations/${conversationId}/messages`, {
            body: 'retry me',
            clientId: 'same',
          }),
        ),
      );
      assert.equal(new Set(sends.map((s) => s.body.message.id)).size, 1);

      const socket = await connectSocket(`${server.wsUrl}/api/widget/ws?token=${encodeURIComponent(visitor.token)}`);
      socket.send({ type: 'send', conversationId, body: 'over ws', clientId: 'ws-1' });
      socket.send({ type: 'send', conversationId, body: 'over ws', clientId: 'ws-1' });
      await socket.waitFor((e) => e.type === 'ack' && e.clientId === 'ws-1');
      await new Promise((r) => setTimeout(r, 100));
      const acks = socket.events.filter((e) => e.type === 'ack');
      assert.equal(acks.length, 2);
      assert.equal(new Set(acks.map((a) => a.type === 'ack' && a.messageId)).size, 1);

      const all = await visitor.call('GET', `/api/widget/conversations/${conversationId}/messages`);
      assert.deepEqual(
        all.body.messages.map((m: { body: string; seq: number }) => [m.seq, m.body]),
        [
          [1, 'first'],
          [2, 'retry me'],
          [3, 'over ws'],
        ],
      );
      await socket.close();
    });

    test('50 concurrent sends to one conversation get 50 distinct, gap-free seq numbers', async () => {
      const visitor = await startVisitor(server, org);
      const agent = await loginAgent(server, org.agents.agent);
      const created = await visitor.call('POST', '/api/widget/conversations', { body: 'start', clientId: 's' });
      const conversationId = created.body.conversation.id as string;
      const sends = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          i % 2 === 0
            ? visitor.call('POST', `/api/widget/conversations/${conversationId}/messages`, {
                body: `c${i}`,
                clientId: `c${i}`,
              })
            : agent.call('POST', `/api/agent/conversations/${conversationId}/messages`, {
                body: `a${i}`,
                clientId: `a${i}`,
              }),
        ),
      );
      assert.ok(sends.every((s) => s.status === 201));
      const seqs = sends.map((s) => s.body.message.seq as number).sort((a, b) => a - b);
      assert.deepEqual(
        seqs,
        Array.from({ length: 50 }, (_, i) => i + 2),
      );
      const detail = await agent.call('GET', `/api/agent/conversations/${conversationId}`);
      assert.equal(detail.body.conversation.lastSeq, 51);
    });

    test('the conversation list pages with its cursor, newest activity first, without gaps or repeats', async () => {
      const pagingOrg = await createTestOrg(db);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const visitor = await startVisitor(server, pagingOrg);
        const created = await visitor.call('POST', '/api/widget/conversations', {
          body: `page ${i}`,
          clientId: `p${i}`,
        });
        ids.push(created.body.conversation.id);
      }
      const agent = await loginAgent(server, pagingOrg.agents.agent);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: any } = await agent.call(
          'GET',
          `/api/agent/conversations?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        assert.equal(page.status, 200, JSON.stringify(page.body));
        seen.push(...page.body.conversations.map((c: { id: string }) => c.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, [...ids].reverse());
      const forged = await agent.call('GET', '/api/agent/conversations?cursor=bm90LWEtY3Vyc29y');
      assert.equal(forged.status, 400);
      assert.equal(forged.body.error.code, 'validation_failed');
    });

    test('the widget API answers cross-origin requests from the exchange site, the agent API does not', async () => {
      const preflight = await fetch(`${server.url}/api/widget/session`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://www.exchange.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, authorization',
        },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
      assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
      const agentPreflight = await fetch(`${server.url}/api/agent/auth/login`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      assert.equal(agentPreflight.headers.get('access-control-allow-origin'), null);
    });

    test('the OpenAPI document describes both API audiences', async () => {
      const doc = await fetch(`${server.url}/api/docs/json`).then((r) => r.json());
      assert.equal(doc.openapi.startsWith('3.'), true);
      assert.ok(doc.paths['/api/widget/session']);
      assert.ok(doc.paths['/api/agent/conversations/{conversationId}/messages']);
      const ui = await fetch(`${server.url}/api/docs`, { redirect: 'follow' });
      assert.equal(ui.status, 200);
    });
  });
}
