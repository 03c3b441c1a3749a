import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../helpers/databases.ts';
import { enableRouting } from '../helpers/routing.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

for (const database of await testDatabases()) {
  describe(`wallboard (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let supervisor: AgentClient;
    let admin: AgentClient;
    let agent: AgentClient;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      await enableRouting(db, org);
      supervisor = await loginAgent(server, org.agents.secure);
      admin = await loginAgent(server, org.agents.admin);
      agent = await loginAgent(server, org.agents.agent);
    });
    after(async () => {
      await server?.close();
      await db?.drop();
    });

    async function startChat(body: string): Promise<string> {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', { body, clientId: `w-${body}` });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.conversation.id as string;
    }

    async function board() {
      const result = await supervisor.call('GET', '/api/agent/wallboard');
      assert.equal(result.status, 200, JSON.stringify(result.body));
      return result.body;
    }

    test('waiting conversations appear, counted by priority, longest wait first', async () => {
      const empty = await board();
      assert.equal(empty.waiting.total, 0);
      assert.equal(empty.waiting.longestWaitSeconds, null);

      const first = await startChat('my deposit has not arrived');
      const second = await startChat('withdrawal stuck, funds at risk');
      const raised = await admin.call('PATCH', `/api/agent/conversations/${second}`, {
        priority: 'urgent',
        reason: 'funds at risk',
      });
      assert.equal(raised.status, 200, JSON.stringify(raised.body));

      let body: any;
      for (let i = 0; i < 50; i++) {
        body = await board();
        if (body.waiting.total >= 2 && body.waiting.byPriority.urgent === 1) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(body.waiting.total, 2, JSON.stringify(body.waiting));
      assert.equal(body.waiting.byPriority.urgent, 1);
      assert.equal(body.waiting.byPriority.normal + body.waiting.byPriority.high + body.waiting.byPriority.low, 1);
      const ids = body.waiting.queue.map((e: { conversationId: string }) => e.conversationId);
      assert.deepEqual([...ids].sort(), [first, second].sort());
      assert.equal(typeof body.waiting.longestWaitSeconds, 'number');
      assert.ok(body.arrivals.count >= 2, 'both arrivals in the last 15 minutes');
      assert.equal(body.arrivals.windowMinutes, 15);
      assert.equal(body.agents.list.length, 3);
      assert.ok(Array.isArray(body.slaRisk));
      assert.ok(Array.isArray(body.incidents));
    });

    test('an agent without a supervisor or admin role is refused', async () => {
      const result = await agent.call('GET', '/api/agent/wallboard');
      assert.equal(result.status, 403);
    });

    test('another organization sees its own empty board', async () => {
      const other = await createTestOrg(db);
      const otherAdmin = await loginAgent(server, other.agents.admin);
      const result = await otherAdmin.call('GET', '/api/agent/wallboard');
      assert.equal(result.status, 200);
      assert.equal(result.body.waiting.total, 0);
    });
  });
}
