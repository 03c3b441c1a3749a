import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { clusterAvailable, startTestCluster, type TestCluster } from '../helpers/cluster.ts';
import {
  connectSocket,
  createTestOrg,
  loginAgent,
  messageEvents,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

describe('two app nodes behind Redis share one PostgreSQL', {
  skip: (await clusterAvailable()) ? false : 'PostgreSQL or Redis is not reachable',
}, () => {
  let cluster: TestCluster;
  let nodeA: TestServer;
  let nodeB: TestServer;
  let org: TestOrg;

  before(async () => {
    cluster = await startTestCluster();
    ({ nodeA, nodeB } = cluster);
    org = await createTestOrg(cluster.dbA, undefined, { bot: true });
  });
  after(async () => cluster?.close());

  test('a customer on node A reaches an agent on node B live, and the agent’s reply comes back; the bot answers once', async () => {
    const agent = await loginAgent(nodeB, org.agents.agent);
    const agentSocket = await connectSocket(`${nodeB.wsUrl}/api/agent/ws`, { cookie: agent.cookie });
    const visitor = await startVisitor(nodeA, org);
    const customerSocket = await connectSocket(
      `${nodeA.wsUrl}/api/widget/ws?token=${encodeURIComponent(visitor.token)}`,
    );

    const created = await visitor.call('POST', '/api/widget/conversations', {
      body: 'hello, anyone there?',
      clientId: 'x1',
    });
    const id = created.body.conversation.id as string;
    // The socket was open before the conversation existed, so its first message came live: follow on from it.
    await customerSocket.waitFor((e) => e.type === 'message.created' && e.conversationId === id && e.seq === 1);
    customerSocket.send({ type: 'subscribe', conversationId: id, afterSeq: 1 });
    // The console on node B shows the list (it follows no conversation): list deltas, not the messages.
    await agentSocket.waitFor((e) => e.type === 'conversation.activity' && e.conversationId === id && e.seq === 1);
    // The bot (one node only) greets back: exactly one bot reply, seen by the agent on the other node.
    await agentSocket.waitFor(
      (e) => e.type === 'conversation.activity' && e.conversationId === id && e.lastMessage.authorKind === 'bot',
      20_000,
    );

    const reply = await agent.call('POST', `/api/agent/conversations/${id}/messages`, {
      body: 'Hi, I am here.',
      clientId: 'r1',
    });
    assert.equal(reply.status, 201);
    await customerSocket.waitFor(
      (e) => e.type === 'message.created' && e.conversationId === id && e.message.authorKind === 'agent',
    );
    await new Promise((r) => setTimeout(r, 300));
    const seen = messageEvents(customerSocket.events, id).map((e) => e.seq);
    assert.deepEqual(
      seen,
      [...new Set(seen)].sort((a, b) => a - b),
      'no duplicates, in order',
    );
    const stored = await cluster.dbA.query<{ author_kind: string }>(
      'SELECT author_kind FROM messages WHERE conversation_id = $1',
      [id],
    );
    assert.equal(stored.filter((m) => m.author_kind === 'bot').length, 1, 'the bot answered once, not once per node');
    await agentSocket.close();
    await customerSocket.close();
  });
  test('an agent with consoles on both nodes stays connected when one closes, and is disconnected when both have', async () => {
    const admin = await loginAgent(nodeA, org.agents.admin);
    const agent = await loginAgent(nodeA, org.agents.agent);
    const status = await admin.call('PATCH', `/api/agent/routing/agents/${org.agents.agent.id}`, { status: 'online' });
    assert.equal(status.status, 200, JSON.stringify(status.body));
    const disconnectedAt = async () => {
      const [row] = await cluster.dbA.query<{ disconnected_at: Date | null }>(
        'SELECT disconnected_at FROM agent_routing WHERE org_id = $1 AND agent_id = $2',
        [org.id, org.agents.agent.id],
      );
      return row.disconnected_at;
    };
    const onA = await connectSocket(`${nodeA.wsUrl}/api/agent/ws`, { cookie: agent.cookie });
    const onB = await connectSocket(`${nodeB.wsUrl}/api/agent/ws`, { cookie: agent.cookie });
    await onA.waitFor((e) => e.type === 'hello');
    await onB.waitFor((e) => e.type === 'hello');

    // The tab on node A closes: node A says "offline", node B answers "still here", and the answer wins.
    const seenBefore = onB.events.length;
    await onA.close();
    await onB.waitFor(
      (e) =>
        onB.events.indexOf(e) >= seenBefore && e.type === 'presence' && e.agentId === org.agents.agent.id && e.online,
      5000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(await disconnectedAt(), null, 'still connected on node B');

    await onB.close();
    for (let i = 0; i < 50 && (await disconnectedAt()) === null; i++) await new Promise((r) => setTimeout(r, 100));
    assert.notEqual(await disconnectedAt(), null, 'gone from both nodes');
  });
});
