import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CSAT_REQUEST_TEXT } from '../../src/contracts/feedback.ts';
import type { ServerEvent } from '../../src/contracts/realtime.ts';
import { createManualClock } from '../../src/server/clock.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  connectSocket,
  createTestOrg,
  loginAgent,
  type SocketClient,
  startVisitor,
  type TestOrg,
  type TestServer,
  type VisitorClient,
} from '../helpers/server.ts';
import { startClockedServer } from '../helpers/sla.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

for (const database of await testDatabases()) {
  describe(`CSAT and complaints (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let agent: AgentClient;
    let admin: AgentClient;
    let supervisor: AgentClient;
    let supervisorSocket: SocketClient;
    let agentSocket: SocketClient;
    let teamId: string;
    const clock = createManualClock(new Date());
    let customers = 0;

    before(async () => {
      db = await database.open();
      server = await startClockedServer(db, clock);
      org = await createTestOrg(db);
      agent = await loginAgent(server, org.agents.agent);
      admin = await loginAgent(server, org.agents.admin);
      supervisor = await loginAgent(server, org.agents.secure);
      supervisorSocket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: supervisor.cookie });
      agentSocket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: agent.cookie });
      const [team] = await db.query<{ id: string }>(
        `INSERT INTO teams (org_id, name) VALUES ($1, 'Tier 1') RETURNING id`,
        [org.id],
      );
      teamId = team.id;
      await db.query('INSERT INTO team_members (org_id, team_id, agent_id) VALUES ($1, $2, $3)', [
        org.id,
        teamId,
        org.agents.agent.id,
      ]);
    });
    after(async () => {
      await supervisorSocket.close();
      await agentSocket.close();
      await server.close();
      await db.drop();
    });

    type Chat = { visitor: VisitorClient; socket: SocketClient; id: string };

    /** A new customer (in `locale`) opens a conversation that `by` takes; the customer's socket follows it. */
    async function openChat(by: AgentClient, byId: string, locale: 'zh-CN' | 'zh-TW' | 'en' = 'en'): Promise<Chat> {
      customers++;
      const uid = `${Date.now()}${customers}`;
      const visitor = await startVisitor(server, org, { uid, name: `Customer ${customers}` });
      await db.query('UPDATE contacts SET locale = $3 WHERE org_id = $1 AND exchange_uid = $2', [org.id, uid, locale]);
      const created = await visitor.call('POST', '/api/widget/conversations', { body: 'help', clientId: `c-${uid}` });
      assert.equal(created.status, 201);
      const id = created.body.conversation.id as string;
      assert.equal((await by.call('POST', `/api/agent/conversations/${id}/assign`, { agentId: byId })).status, 200);
      const socket = await connectSocket(`${server.wsUrl}/api/widget/ws?token=${encodeURIComponent(visitor.token)}`);
      return { visitor, socket, id };
    }

    async function resolve(by: AgentClient, id: string) {
      const result = await by.call('PATCH', `/api/agent/conversations/${id}`, { status: 'resolved' });
      assert.equal(result.status, 200, JSON.stringify(result.body));
    }

    const asked = (socket: SocketClient, id: string) =>
      socket.waitFor<Extract<ServerEvent, { type: 'csat.requested' }>>(
        (e) => e.type === 'csat.requested' && e.conversationId === id,
        8000,
      );

    /** Resolves, lets the delay pass on the clock, and waits for the rating request to reach the customer. */
    async function resolveAndAsk(by: AgentClient, chat: Chat) {
      await resolve(by, chat.id);
      clock.advance(MIN + 1000);
      return asked(chat.socket, chat.id);
    }

    test('a resolved conversation asks its customer for a rating after the delay, in their language; one reopened first is not asked', async () => {
      const rated = await openChat(agent, org.agents.agent.id, 'zh-CN');
      const reopened = await openChat(agent, org.agents.agent.id);
      await resolve(agent, reopened.id);
      // The customer has a last word before the request goes out: the conversation reopens.
      const reply = await reopened.visitor.call('POST', `/api/widget/conversations/${reopened.id}/messages`, {
        body: 'one more thing',
        clientId: 'last-word',
      });
      assert.equal(reply.status, 201);
      await resolve(agent, rated.id);

      const early = await rated.visitor.call('POST', `/api/widget/conversations/${rated.id}/csat`, { rating: 5 });
      assert.equal(early.status, 409);
      assert.equal(early.body.error.code, 'csat_not_requested');

      clock.advance(MIN + 1000);
      const event = await asked(rated.socket, rated.id);
      assert.equal(event.locale, 'zh-CN');
      const message = await rated.socket.waitFor<Extract<ServerEvent, { type: 'message.created' }>>(
        (e) => e.type === 'message.created' && e.message.authorKind === 'system',
      );
      assert.equal(message.message.body, CSAT_REQUEST_TEXT['zh-CN']);
      assert.equal(message.message.private, false);

      // Both requests were due at the same moment: the reopened conversation's was cancelled.
      const reopenedMessages = await reopened.visitor.call(
        'GET',
        `/api/widget/conversations/${reopened.id}/messages?afterSeq=0&limit=50`,
      );
      assert.equal(reopenedMessages.status, 200);
      assert.ok(!reopenedMessages.body.messages.some((m: { authorKind: string }) => m.authorKind === 'system'));
      assert.ok(!reopened.socket.events.some((e) => e.type === 'csat.requested'));
      const notAsked = await reopened.visitor.call('POST', `/api/widget/conversations/${reopened.id}/csat`, {
        rating: 4,
      });
      assert.equal(notAsked.body.error.code, 'csat_not_requested');
      await rated.socket.close();
      await reopened.socket.close();
    });

    test('a customer rates a conversation once; a second answer, bad ratings and other customers are refused', async () => {
      const chat = await openChat(agent, org.agents.agent.id);
      await resolveAndAsk(agent, chat);
      const path = `/api/widget/conversations/${chat.id}/csat`;

      for (const bad of [{ rating: 0 }, { rating: 6 }, { rating: 4.5 }, { rating: '5' }, {}]) {
        const result = await chat.visitor.call('POST', path, bad);
        assert.equal(result.status, 400, JSON.stringify(bad));
      }
      const stranger = await startVisitor(server, org);
      const foreign = await stranger.call('POST', path, { rating: 1 });
      assert.equal(foreign.status, 404);
      assert.equal(foreign.body.error.code, 'conversation_not_found');

      const first = await chat.visitor.call('POST', path, { rating: 4, comment: '  quick and kind  ' });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(first.body.csat.rating, 4);
      assert.equal(first.body.csat.comment, 'quick and kind');
      const second = await chat.visitor.call('POST', path, { rating: 1 });
      assert.equal(second.status, 409);
      assert.equal(second.body.error.code, 'csat_already_answered');

      const seen = await agent.call('GET', `/api/agent/conversations/${chat.id}/feedback`);
      assert.equal(seen.status, 200);
      assert.equal(seen.body.csat.rating, 4);
      await chat.socket.close();
    });

    test('CSAT results give count, average and distribution per agent and per team, to supervisors only', async () => {
      // Answers from the earlier tests fall before this range.
      clock.advance(1000);
      const from = clock.now().toISOString();
      const ratings: [AgentClient, string, number][] = [
        [agent, org.agents.agent.id, 5],
        [agent, org.agents.agent.id, 3],
        [admin, org.agents.admin.id, 2],
      ];
      for (const [by, byId, rating] of ratings) {
        const chat = await openChat(by, byId);
        await resolveAndAsk(by, chat);
        const answered = await chat.visitor.call('POST', `/api/widget/conversations/${chat.id}/csat`, { rating });
        assert.equal(answered.status, 201);
        await chat.socket.close();
      }
      const to = new Date(clock.now().getTime() + 1000).toISOString();

      const forbidden = await agent.call('GET', `/api/agent/reports/csat?from=${from}&to=${to}`);
      assert.equal(forbidden.status, 403);
      const report = await supervisor.call(
        'GET',
        `/api/agent/reports/csat?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      );
      assert.equal(report.status, 200, JSON.stringify(report.body));
      assert.equal(report.body.count, 3);
      assert.equal(report.body.average, 3.33);
      assert.deepEqual(report.body.distribution, { '1': 0, '2': 1, '3': 1, '4': 0, '5': 1 });
      const byAgent = new Map(report.body.byAgent.map((g: { agentId: string }) => [g.agentId, g]));
      assert.deepEqual(
        {
          count: (byAgent.get(org.agents.agent.id) as any).count,
          average: (byAgent.get(org.agents.agent.id) as any).average,
        },
        { count: 2, average: 4 },
      );
      assert.equal((byAgent.get(org.agents.admin.id) as any).average, 2);
      const byTeam = new Map(report.body.byTeam.map((g: { teamId: string | null }) => [g.teamId, g]));
      assert.equal((byTeam.get(teamId) as any).name, 'Tier 1');
      assert.equal((byTeam.get(teamId) as any).count, 2);
      assert.equal((byTeam.get(null) as any).count, 1);

      const bad = await supervisor.call(
        'GET',
        `/api/agent/reports/csat?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`,
      );
      assert.equal(bad.status, 400);
    });

    test("a customer's report about an agent reaches supervisors only: the agent never sees it", async () => {
      const chat = await openChat(agent, org.agents.agent.id);
      const reported = await chat.visitor.call('POST', `/api/widget/conversations/${chat.id}/report`, {
        reason: 'The agent was rude to me',
      });
      assert.equal(reported.status, 201);
      assert.deepEqual(reported.body, { received: true });

      const told = await supervisorSocket.waitFor<Extract<ServerEvent, { type: 'complaint.opened' }>>(
        (e) => e.type === 'complaint.opened' && e.conversationId === chat.id,
      );
      assert.equal(told.source, 'customer_report');
      // One publish reaches every socket at once: had the agent's been sent, it would be there by now.
      assert.ok(!agentSocket.events.some((e) => e.type === 'complaint.opened'));

      const asSupervisor = await supervisor.call('GET', `/api/agent/conversations/${chat.id}/feedback`);
      assert.equal(asSupervisor.body.complaints.length, 1);
      assert.equal(asSupervisor.body.complaints[0].reason, 'The agent was rude to me');
      assert.equal(asSupervisor.body.complaints[0].aboutAgentId, org.agents.agent.id);

      const asAgent = await agent.call('GET', `/api/agent/conversations/${chat.id}/feedback`);
      assert.equal(asAgent.status, 200);
      assert.deepEqual(asAgent.body.complaints, []);
      const conversation = await agent.call('GET', `/api/agent/conversations/${chat.id}`);
      assert.ok(!conversation.body.conversation.tags.includes('complaint'));
      // The audit trail, where the report is recorded, is for supervisors too.
      assert.equal((await agent.call('GET', `/api/agent/audit?targetId=${chat.id}`)).status, 403);
      assert.equal((await agent.call('GET', '/api/agent/followups')).status, 403);

      const stranger = await startVisitor(server, org);
      const foreign = await stranger.call('POST', `/api/widget/conversations/${chat.id}/report`, { reason: 'x' });
      assert.equal(foreign.status, 404);
      await chat.socket.close();
    });

    test('an agent-marked complaint is tagged, goes to the supervisors, and its resolution brings a follow-up a supervisor closes (audited)', async () => {
      const [supervisors] = await db.query<{ id: string }>(
        `INSERT INTO teams (org_id, name) VALUES ($1, 'Supervisors') RETURNING id`,
        [org.id],
      );
      const chat = await openChat(agent, org.agents.agent.id);
      const markedAt = clock.now().getTime();
      const marked = await agent.call('POST', `/api/agent/conversations/${chat.id}/complaint`, {
        reason: 'Asks for compensation after a liquidation',
      });
      assert.equal(marked.status, 201, JSON.stringify(marked.body));
      assert.equal(marked.body.complaint.source, 'agent');
      assert.equal(marked.body.complaint.dueAt, new Date(markedAt + 24 * HOUR).toISOString());
      const conversation = (await agent.call('GET', `/api/agent/conversations/${chat.id}`)).body.conversation;
      assert.ok(conversation.tags.includes('complaint'));
      assert.equal(conversation.teamId, supervisors.id);
      await supervisorSocket.waitFor((e) => e.type === 'complaint.opened' && e.conversationId === chat.id);
      const empty = await agent.call('POST', `/api/agent/conversations/${chat.id}/complaint`, { reason: '  ' });
      assert.equal(empty.status, 400);

      await resolve(agent, chat.id);
      assert.deepEqual(
        (await supervisor.call('GET', '/api/agent/followups')).body.followUps.filter(
          (f: { conversationId: string }) => f.conversationId === chat.id,
        ),
        [],
        'the follow-up appears a day after the resolution, not at once',
      );
      clock.advance(24 * HOUR + MIN);
      const created = await supervisorSocket.waitFor<Extract<ServerEvent, { type: 'followup.changed' }>>(
        (e) => e.type === 'followup.changed' && e.conversationId === chat.id && e.state === 'created',
        8000,
      );
      let list = (await supervisor.call('GET', '/api/agent/followups')).body.followUps;
      let followUp = list.find((f: { id: string }) => f.id === created.followUpId);
      assert.equal(followUp.overdue, false);

      clock.advance(24 * HOUR);
      await supervisorSocket.waitFor(
        (e) => e.type === 'followup.changed' && e.followUpId === created.followUpId && e.state === 'overdue',
        8000,
      );
      list = (await supervisor.call('GET', '/api/agent/followups')).body.followUps;
      followUp = list.find((f: { id: string }) => f.id === created.followUpId);
      assert.equal(followUp.overdue, true);

      const path = `/api/agent/followups/${created.followUpId}/close`;
      assert.equal((await agent.call('POST', path, { note: 'called' })).status, 403);
      assert.equal((await supervisor.call('POST', path, {})).status, 400);
      const closed = await supervisor.call('POST', path, { note: 'Called the customer; compensation explained' });
      assert.equal(closed.status, 200, JSON.stringify(closed.body));
      assert.equal(closed.body.followUp.overdue, false);
      assert.equal(closed.body.followUp.closedBy.id, org.agents.secure.id);
      const again = await supervisor.call('POST', path, { note: 'twice' });
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'followup_already_closed');
      const missing = await supervisor.call('POST', `/api/agent/followups/${crypto.randomUUID()}/close`, { note: 'x' });
      assert.equal(missing.status, 404);

      const audit = await db.query<{ actor_id: string; details: { conversationId: string; overdue: boolean } }>(
        `SELECT actor_id, details FROM audit_log WHERE org_id = $1 AND action = 'followup.close' AND target_id = $2`,
        [org.id, created.followUpId],
      );
      assert.equal(audit.length, 1);
      assert.equal(audit[0].actor_id, org.agents.secure.id);
      assert.deepEqual(audit[0].details, { conversationId: chat.id, overdue: true });
      await chat.socket.close();
    });
  });
}
