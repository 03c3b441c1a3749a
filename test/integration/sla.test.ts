import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_SLA_POLICY } from '../../src/contracts/sla.ts';
import { createManualClock } from '../../src/server/clock.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  connectSocket,
  createTestOrg,
  loginAgent,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';
import { startClockedServer, waitForConversation } from '../helpers/sla.ts';

const MIN = 60_000;

for (const database of await testDatabases()) {
  describe(`SLA clocks and priorities (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    const clock = createManualClock(new Date());

    before(async () => {
      db = await database.open();
      server = await startClockedServer(db, clock);
      org = await createTestOrg(db);
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    test('a late first response is warned about, then breaches and escalates: priority up, escalation team, supervisors told', async () => {
      const [team] = await db.query<{ id: string }>(
        `INSERT INTO teams (org_id, name) VALUES ($1, 'Escalations') RETURNING id`,
        [org.id],
      );
      const admin = await loginAgent(server, org.agents.admin);
      const saved = await admin.call('PUT', '/api/agent/sla-policy', {
        policy: { ...DEFAULT_SLA_POLICY, escalation: { raisePriority: true, teamId: team.id } },
      });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      const supervisor = await loginAgent(server, org.agents.secure);
      const socket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: supervisor.cookie });

      const startedAt = clock.now().getTime();
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', { body: 'hello?', clientId: 'late-1' });
      const id = created.body.conversation.id as string;
      const running = await waitForConversation(socket, id, (c) => c.sla != null);
      assert.equal(running.sla?.firstResponseDueAt, new Date(startedAt + 10 * MIN).toISOString());
      assert.equal(running.priority, 'normal');

      clock.advance(8.5 * MIN);
      const warned = await waitForConversation(socket, id, (c) => c.sla?.warned.includes('firstResponse') === true);
      assert.deepEqual(warned.sla?.breached, []);

      clock.advance(2 * MIN);
      const breached = await waitForConversation(socket, id, (c) => c.sla?.breached.includes('firstResponse') === true);
      const escalated =
        breached.priority === 'high' ? breached : await waitForConversation(socket, id, (c) => c.priority === 'high');
      assert.equal(escalated.teamId, team.id);
      assert.equal(escalated.assignee, null);
      // High has its own (shorter) targets from now on; the breach stays on record.
      assert.deepEqual(escalated.sla?.breached, ['firstResponse']);

      const audit = await admin.call('GET', `/api/agent/audit?targetId=${id}`);
      const breach = audit.body.entries.find((e: { action: string }) => e.action === 'conversation.sla_breach');
      assert.deepEqual(breach?.details.priority, { from: 'normal', to: 'high' });
      await socket.close();
    });

    test('clocks stand still while the conversation waits on the customer and resume with the time paused added', async () => {
      await db.query('DELETE FROM sla_policies WHERE org_id = $1', [org.id]);
      const agent = await loginAgent(server, org.agents.agent);
      const socket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: agent.cookie });
      const startedAt = clock.now().getTime();
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', { body: 'my KYC?', clientId: 'p-1' });
      const id = created.body.conversation.id as string;
      await waitForConversation(socket, id, (c) => c.sla != null);

      clock.advance(2 * MIN);
      const pending = await agent.call('PATCH', `/api/agent/conversations/${id}`, { status: 'pending' });
      assert.equal(pending.status, 200);
      await waitForConversation(socket, id, (c) => c.sla?.paused === true);

      // Far past the 10-minute target, but the customer is the one we wait for.
      clock.advance(45 * MIN);
      const reply = await visitor.call('POST', `/api/widget/conversations/${id}/messages`, {
        body: 'done',
        clientId: 'p-2',
      });
      assert.equal(reply.status, 201);
      // The first response was due 10 minutes in; 2 minutes ran, 45 were paused.
      const due = new Date(startedAt + 55 * MIN).toISOString();
      const resumed = await waitForConversation(socket, id, (c) => c.sla?.firstResponseDueAt === due);
      assert.equal(resumed.sla?.paused, false);
      assert.equal(resumed.status, 'open');
      assert.deepEqual(resumed.sla?.breached, []);
      assert.equal(resumed.sla?.resolutionDueAt, new Date(startedAt + (1440 + 45) * MIN).toISOString());

      clock.advance(9 * MIN); // 56 minutes after the start: due at 55
      const late = await waitForConversation(socket, id, (c) => c.sla?.breached.includes('firstResponse') === true);
      assert.equal(late.priority, 'high');
      await socket.close();
    });

    test('an agent reply meets the first response and a customer message starts the next-response clock', async () => {
      await db.query('DELETE FROM sla_policies WHERE org_id = $1', [org.id]);
      const agent = await loginAgent(server, org.agents.agent);
      const socket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: agent.cookie });
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', { body: 'fees?', clientId: 'n-1' });
      const id = created.body.conversation.id as string;
      await waitForConversation(socket, id, (c) => c.sla != null);
      await agent.call('POST', `/api/agent/conversations/${id}/messages`, { body: '0.1%', clientId: 'n-2' });
      await waitForConversation(socket, id, (c) => c.sla?.firstResponseDueAt === null);
      const wroteAt = clock.now().getTime();
      await visitor.call('POST', `/api/widget/conversations/${id}/messages`, { body: 'and VIP?', clientId: 'n-3' });
      const waiting = await waitForConversation(socket, id, (c) => c.sla?.nextResponseDueAt != null);
      assert.equal(waiting.sla?.nextResponseDueAt, new Date(wroteAt + 60 * MIN).toISOString());
      await socket.close();
    });

    test('a VIP arrives as high; lowering a rule-set priority needs a reason, which is audited', async () => {
      const visitor = await startVisitor(server, org, { uid: 'vip-1' });
      await db.query(`UPDATE contacts SET vip_level = 5 WHERE org_id = $1 AND exchange_uid = 'vip-1'`, [org.id]);
      const agent = await loginAgent(server, org.agents.agent);
      const socket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: agent.cookie });
      const created = await visitor.call('POST', '/api/widget/conversations', { body: 'hi', clientId: 'v-1' });
      const id = created.body.conversation.id as string;
      const raised = await waitForConversation(socket, id, (c) => c.priority === 'high');
      assert.equal(raised.prioritySource, 'rule');

      const bare = await agent.call('PATCH', `/api/agent/conversations/${id}`, { priority: 'normal' });
      assert.equal(bare.status, 400);
      assert.equal(bare.body.error.code, 'priority_reason_required');

      const reasoned = await agent.call('PATCH', `/api/agent/conversations/${id}`, {
        priority: 'normal',
        reason: 'Asked about fees only',
      });
      assert.equal(reasoned.status, 200);
      assert.equal(reasoned.body.conversation.priority, 'normal');
      assert.equal(reasoned.body.conversation.prioritySource, 'agent');

      const admin = await loginAgent(server, org.agents.admin);
      const audit = await admin.call('GET', `/api/agent/audit?targetId=${id}`);
      const update = audit.body.entries.find((e: { action: string }) => e.action === 'conversation.update');
      assert.equal(update?.details.reason, 'Asked about fees only');
      assert.deepEqual(update?.details.priority, { from: 'high', to: 'normal' });
      await socket.close();
    });

    test('the SLA policy is for admins only and a bad one is refused with a specific code', async () => {
      const agent = await loginAgent(server, org.agents.agent);
      assert.equal((await agent.call('GET', '/api/agent/sla-policy')).status, 403);
      const admin = await loginAgent(server, org.agents.admin);
      const bad = await admin.call('PUT', '/api/agent/sla-policy', {
        policy: {
          ...DEFAULT_SLA_POLICY,
          calendar: {
            kind: 'business_hours',
            timeZone: 'Mars/Olympus',
            hours: [{ day: 1, start: '09:00', end: '18:00' }],
          },
        },
      });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'validation_failed');
      const urgentPeak = await admin.call('PUT', '/api/agent/sla-policy', {
        policy: {
          ...DEFAULT_SLA_POLICY,
          targets: {
            ...DEFAULT_SLA_POLICY.targets,
            urgent: {
              ...DEFAULT_SLA_POLICY.targets.urgent,
              peak: { firstResponseMinutes: 60, nextResponseMinutes: 60 },
            },
          },
        },
      });
      assert.equal(urgentPeak.status, 400);
      const read = await admin.call('GET', '/api/agent/sla-policy');
      assert.equal(read.status, 200);
      assert.equal(read.body.policy.targets.urgent.peak, undefined);
    });
  });
}
