import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../helpers/databases.ts';
import { addWaitingConversations } from '../helpers/routing.ts';
import {
  createTestOrg,
  loginAgent,
  request,
  startTestServer,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

for (const database of await testDatabases()) {
  describe(`the widget header tells the truth about who can answer (${database.name})`, () => {
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

    const availability = async () => {
      const result = await request(`${server.url}/api/widget/availability?org=${org.slug}`);
      assert.equal(result.status, 200);
      return result.body.availability as string;
    };

    test('away with nobody online, online with an agent who has room, busy when every online agent is full', async () => {
      assert.equal(await availability(), 'away', 'every agent starts offline');
      const admin = await loginAgent(server, org.agents.admin);
      const online = await admin.call('PATCH', `/api/agent/routing/agents/${org.agents.agent.id}`, {
        status: 'online',
        capacity: 1,
      });
      assert.equal(online.status, 200);
      assert.equal(await availability(), 'online');

      const [conversationId] = await addWaitingConversations(db, org, 1);
      const assigned = await admin.call('POST', `/api/agent/conversations/${conversationId}/assign`, {
        agentId: org.agents.agent.id,
      });
      assert.equal(assigned.status, 200);
      assert.equal(await availability(), 'busy', 'the one agent online is at capacity');

      await admin.call('PATCH', `/api/agent/routing/agents/${org.agents.agent.id}`, { status: 'away' });
      assert.equal(await availability(), 'away');
    });

    test('an unknown organization is a 404 with a code', async () => {
      const result = await request(`${server.url}/api/widget/availability?org=no-such-org`);
      assert.equal(result.status, 404);
      assert.equal(result.body.error.code, 'org_not_found');
    });
  });
}
