import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Message } from '../../src/contracts/domain.ts';
import type { ServerEvent } from '../../src/contracts/realtime.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  connectSocket,
  createTestOrg,
  loginAgent,
  messageEvents,
  type SocketClient,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServerWithBot,
} from '../helpers/server.ts';

type Activity = Extract<ServerEvent, { type: 'conversation.activity' }>;

function activityEvents(events: ServerEvent[], conversationId: string): Activity[] {
  return events.filter((e): e is Activity => e.type === 'conversation.activity' && e.conversationId === conversationId);
}

/** Everything the gateway wrote to this socket before now has arrived (frames on one socket keep their order). */
async function flush(socket: SocketClient): Promise<void> {
  const pongs = socket.events.filter((e) => e.type === 'pong').length;
  socket.send({ type: 'ping' });
  await socket.waitFor(() => socket.events.filter((e) => e.type === 'pong').length > pongs);
}

for (const database of await testDatabases()) {
  describe(`realtime fan-out to agent consoles (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServerWithBot;
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

    test('a follower gets the message in full, another console a list delta, and opening it later gap-fills exactly', async () => {
      const visitor = await startVisitor(server, org);
      const agent = await loginAgent(server, org.agents.agent);
      const created = await visitor.call('POST', '/api/widget/conversations', { body: 'm1', clientId: 'm1' });
      const conversationId = created.body.conversation.id as string;

      const follower = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: agent.cookie });
      const lister = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: agent.cookie });
      follower.send({ type: 'subscribe', conversationId, afterSeq: 1 });
      await follower.waitFor((e) => e.type === 'subscribed' && e.conversationId === conversationId);

      const long = `充值没到账 ${'x'.repeat(300)}`;
      await visitor.call('POST', `/api/widget/conversations/${conversationId}/messages`, {
        body: long,
        clientId: 'm2',
      });
      await agent.call('POST', `/api/agent/conversations/${conversationId}/messages`, {
        body: 'note: check the chain',
        clientId: 'n3',
        private: true,
      });

      await follower.waitFor((e) => e.type === 'message.created' && e.seq === 3);
      assert.deepEqual(
        messageEvents(follower.events, conversationId).map((e) => [e.seq, e.message.body, e.replay ?? false]),
        [
          [2, long, false],
          [3, 'note: check the chain', false],
        ],
      );
      assert.deepEqual(activityEvents(follower.events, conversationId), [], 'a follower gets no list delta');

      await lister.waitFor((e) => e.type === 'conversation.activity' && e.seq === 3);
      await flush(lister);
      assert.deepEqual(messageEvents(lister.events, conversationId), [], 'no full message to a console not following');
      const deltas = activityEvents(lister.events, conversationId);
      assert.deepEqual(
        deltas.map((e) => [e.seq, e.lastMessage]),
        [
          [2, { body: long.slice(0, 200), authorKind: 'customer', private: false }],
          [3, { body: 'note: check the chain', authorKind: 'agent', private: true }],
        ],
      );
      assert.ok(deltas.every((e) => !Number.isNaN(Date.parse(e.lastActivityAt))));

      // The lister opens the conversation holding only seq 1 (say, from the list's API answer): exactly 2 and 3
      // are replayed, then it follows live like the other one.
      lister.send({ type: 'subscribe', conversationId, afterSeq: 1 });
      const subscribed = await lister.waitFor((e) => e.type === 'subscribed' && e.conversationId === conversationId);
      assert.equal(subscribed.type === 'subscribed' && subscribed.lastSeq, 3);
      await agent.call('POST', `/api/agent/conversations/${conversationId}/messages`, { body: 'a4', clientId: 'a4' });
      await lister.waitFor((e) => e.type === 'message.created' && e.seq === 4);
      await flush(lister);
      assert.deepEqual(
        messageEvents(lister.events, conversationId).map((e) => [e.seq, e.replay ?? false]),
        [
          [2, true],
          [3, true],
          [4, false],
        ],
      );
      assert.deepEqual(
        activityEvents(lister.events, conversationId).map((e) => e.seq),
        [2, 3],
        'once following, no more deltas',
      );

      // Closing the conversation again: back to deltas.
      lister.send({ type: 'unsubscribe', conversationId });
      await flush(lister);
      await visitor.call('POST', `/api/widget/conversations/${conversationId}/messages`, {
        body: 'm5',
        clientId: 'm5',
      });
      await lister.waitFor((e) => e.type === 'conversation.activity' && e.seq === 5);
      await follower.waitFor((e) => e.type === 'message.created' && e.seq === 5);
      await flush(lister);
      assert.equal(messageEvents(lister.events, conversationId).length, 3);

      await follower.close();
      await lister.close();
    });

    test('list deltas are never dropped for an older seq (events arrive out of order across nodes)', async () => {
      const visitor = await startVisitor(server, org);
      const agent = await loginAgent(server, org.agents.agent);
      const created = await visitor.call('POST', '/api/widget/conversations', { body: 'o1', clientId: 'o1' });
      const conversationId = created.body.conversation.id as string;
      await visitor.call('POST', `/api/widget/conversations/${conversationId}/messages`, {
        body: 'o2',
        clientId: 'o2',
      });
      const detail = await agent.call('GET', `/api/agent/conversations/${conversationId}`);
      const [first, second] = detail.body.messages as Message[];
      const lister = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: agent.cookie });
      await lister.waitFor((e) => e.type === 'hello');

      // What another node's events look like when seq 2 overtakes seq 1 on the bus.
      for (const message of [second, first]) {
        server.events.publish({
          type: 'message.created',
          orgId: org.id,
          conversationId,
          contactId: detail.body.conversation.contact.id,
          inboxId: org.inboxId,
          message,
        });
      }
      await lister.waitFor((e) => e.type === 'conversation.activity' && e.seq === 1);
      assert.deepEqual(
        activityEvents(lister.events, conversationId).map((e) => e.seq),
        [2, 1],
      );
      await lister.close();
    });
  });
}
