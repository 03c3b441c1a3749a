import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Message } from '../../src/contracts/domain.ts';
import type { QueuePositionEvent } from '../../src/contracts/routing.ts';
import {
  dispatchQueue,
  enqueueConversation,
  sweepRouting,
  takeNextConversation,
} from '../../src/server/routing/routing.service.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  addRoutedAgents,
  addWaitingConversations,
  enableRouting,
  eventually,
  routingDeps,
} from '../helpers/routing.ts';
import {
  type AgentClient,
  connectSocket,
  createTestOrg,
  loginAgent,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
  type VisitorClient,
} from '../helpers/server.ts';

const MINUTE = 60_000;

for (const database of await testDatabases()) {
  describe(`routing conversations to agents (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    /** An org with routing on, its admin signed in, and the agent and supervisor set up as told. */
    async function routedOrg(options: { bot?: boolean } = {}) {
      const org = await createTestOrg(db, undefined, options);
      await enableRouting(db, org);
      const admin = await loginAgent(server, org.agents.admin);
      return { org, admin };
    }

    async function configure(
      admin: AgentClient,
      agentId: string,
      change: { status?: string; capacity?: number; skills?: string[] },
    ) {
      const result = await admin.call('PATCH', `/api/agent/routing/agents/${agentId}`, change);
      assert.equal(result.status, 200, JSON.stringify(result.body));
      return result.body.agent;
    }

    async function assigneeOf(conversationId: string): Promise<string | null> {
      const [row] = await db.query<{ assignee_id: string | null }>(
        'SELECT assignee_id FROM conversations WHERE id = $1',
        [conversationId],
      );
      return row.assignee_id;
    }

    async function startChat(org: TestOrg, body: string): Promise<{ visitor: VisitorClient; conversationId: string }> {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', { body, clientId: `c-${body.length}` });
      assert.equal(created.status, 201);
      return { visitor, conversationId: created.body.conversation.id };
    }

    test('a conversation the bot hands over goes to the online agent who speaks the language', async () => {
      const { org, admin } = await routedOrg({ bot: true });
      await configure(admin, org.agents.agent.id, { status: 'online', skills: ['en'] });
      await configure(admin, org.agents.secure.id, { status: 'online', skills: ['zh'] });
      const agentSocket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: admin.cookie });

      const { conversationId } = await startChat(org, 'I want to talk to a human agent please');
      const assigned = await agentSocket.waitFor(
        (e) => e.type === 'conversation.updated' && e.conversation.id === conversationId && !!e.conversation.assignee,
        20_000,
      );
      assert.equal(assigned.type === 'conversation.updated' && assigned.conversation.assignee?.id, org.agents.agent.id);
      assert.equal(assigned.type === 'conversation.updated' && assigned.conversation.handoffReason, 'customer_asked');
      await agentSocket.close();
    });

    test('a waiting customer is told their place and wait, in their language, live over the socket', async () => {
      const { org, admin } = await routedOrg();
      await configure(admin, org.agents.agent.id, { skills: ['zh'], capacity: 1 });

      const first = await startVisitor(server, org);
      const firstSocket = await connectSocket(`${server.wsUrl}/api/widget/ws?token=${encodeURIComponent(first.token)}`);
      const created = await first.call('POST', '/api/widget/conversations', {
        body: '我的充值还没到账，请帮我查一下',
        clientId: 'q-1',
      });
      const firstId = created.body.conversation.id as string;
      const placed = await firstSocket.waitFor<QueuePositionEvent>(
        (e) => e.type === 'queue.position' && e.conversationId === firstId,
      );
      assert.equal(placed.position, 1);
      assert.equal(placed.estimatedWaitSeconds, null, 'nobody who can answer is online: no made-up estimate');
      const ack = await firstSocket.waitFor((e) => e.type === 'message.created' && e.message.authorKind === 'system');
      assert.match(ack.type === 'message.created' ? ack.message.body : '', /排在第 1 位/);

      const second = await startChat(org, 'Where is my withdrawal? It has been 3 hours');
      const secondSocket = await connectSocket(
        `${server.wsUrl}/api/widget/ws?token=${encodeURIComponent(second.visitor.token)}`,
      );
      const polled = await eventually(async () => {
        const r = await second.visitor.call('GET', `/api/widget/conversations/${second.conversationId}/queue`);
        return r.body.position ? r.body : undefined;
      });
      assert.equal(polled.position, 1, 'an English chat waits in its own line, not behind the Chinese one');
      const messages = await eventually(async () => {
        const r = await second.visitor.call('GET', `/api/widget/conversations/${second.conversationId}/messages`);
        const list = r.body.messages as Message[];
        return list.some((m) => m.authorKind === 'system') ? list : undefined;
      });
      assert.match(messages.find((m) => m.authorKind === 'system')!.body, /number 1 in the queue|number 1\)/);

      // The Chinese-speaking agent comes online: the Chinese chat is theirs, the customer's place is cleared.
      const agent = await loginAgent(server, org.agents.agent);
      await configure(agent, org.agents.agent.id, { status: 'online' });
      const left = await firstSocket.waitFor<QueuePositionEvent>(
        (e) => e.type === 'queue.position' && e.conversationId === firstId && e.position === null,
      );
      assert.equal(left.position, null);
      assert.equal(await assigneeOf(firstId), org.agents.agent.id);
      assert.equal(await assigneeOf(second.conversationId), null, 'the English chat still needs an English speaker');

      const other = await routedOrg();
      const foreign = await loginAgent(server, other.org.agents.agent);
      const peek = await foreign.call('GET', '/api/agent/routing/queue');
      assert.deepEqual(peek.body.queue, [], 'another org never sees this queue');
      const stranger = await startVisitor(server, org);
      const denied = await stranger.call('GET', `/api/widget/conversations/${firstId}/queue`);
      assert.equal(denied.status, 404, 'a customer cannot read someone else’s place');
      await firstSocket.close();
      await secondSocket.close();
    });

    test('capacity is respected and a resolved chat lets the next one in', async () => {
      const { org, admin } = await routedOrg();
      const agent = await loginAgent(server, org.agents.agent);
      await configure(admin, org.agents.agent.id, { skills: ['en'], capacity: 1, status: 'online' });
      const a = await startChat(org, 'My deposit is missing, can someone help');
      await eventually(async () => (await assigneeOf(a.conversationId)) === org.agents.agent.id);
      const b = await startChat(org, 'My withdrawal is stuck since this morning');
      const waiting = await eventually(async () => {
        const r = await b.visitor.call('GET', `/api/widget/conversations/${b.conversationId}/queue`);
        return r.body.position ? r.body : undefined;
      });
      assert.equal(waiting.position, 1);
      assert.equal(await assigneeOf(b.conversationId), null, 'the agent is at capacity');

      const full = await agent.call('POST', '/api/agent/routing/next');
      assert.equal(full.status, 409);
      assert.equal(full.body.error.code, 'agent_at_capacity');

      await agent.call('PATCH', `/api/agent/conversations/${a.conversationId}`, { status: 'resolved' });
      await eventually(async () => (await assigneeOf(b.conversationId)) === org.agents.agent.id);
    });

    test('an agent going offline, or whose console stays closed, hands their chats to someone online', async () => {
      const { org, admin } = await routedOrg();
      const { deps, clock } = routingDeps(db);
      const agent = await loginAgent(server, org.agents.agent);
      await configure(admin, org.agents.agent.id, { skills: ['en'], status: 'online' });
      const chat = await startChat(org, 'Please help, my account is locked');
      await eventually(async () => (await assigneeOf(chat.conversationId)) === org.agents.agent.id);

      await configure(admin, org.agents.secure.id, { skills: ['en'], status: 'online' });
      await configure(agent, org.agents.agent.id, { status: 'offline' });
      assert.equal(await assigneeOf(chat.conversationId), org.agents.secure.id);

      // The supervisor's console closes; within the grace period nothing happens, after it they are offline.
      const supervisor = await loginAgent(server, org.agents.secure);
      const socket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: supervisor.cookie });
      await socket.waitFor((e) => e.type === 'hello');
      await socket.close();
      await eventually(async () => {
        const r = await admin.call('GET', '/api/agent/routing/agents');
        return r.body.agents.find((a: { agentId: string }) => a.agentId === org.agents.secure.id).disconnectedAt;
      });
      clock.advance(MINUTE);
      assert.deepEqual((await sweepRouting(deps, {}, [org.id])).offline, []);
      await configure(admin, org.agents.agent.id, { status: 'online' });
      clock.advance(2 * MINUTE);
      const swept = await sweepRouting(deps, {}, [org.id]);
      assert.deepEqual(swept.offline, [org.agents.secure.id]);
      assert.equal(await assigneeOf(chat.conversationId), org.agents.agent.id);
    });

    test('an agent who leaves the customer waiting past the timeout loses the chat to another agent', async () => {
      const { org, admin } = await routedOrg();
      const { deps, clock } = routingDeps(db);
      await configure(admin, org.agents.agent.id, { skills: ['en'], status: 'online' });
      const chat = await startChat(org, 'Hello, where is my withdrawal?');
      await eventually(async () => (await assigneeOf(chat.conversationId)) === org.agents.agent.id);
      await configure(admin, org.agents.secure.id, { skills: ['en'], status: 'online', capacity: 5 });

      clock.advance(4 * MINUTE);
      assert.deepEqual((await sweepRouting(deps, {}, [org.id])).reassignedForSilence, [], 'not yet past 5 minutes');
      const agent = await loginAgent(server, org.agents.agent);
      await agent.call('POST', `/api/agent/conversations/${chat.conversationId}/messages`, {
        body: 'Looking into it now.',
        clientId: 'r-1',
      });
      clock.advance(10 * MINUTE);
      assert.deepEqual((await sweepRouting(deps, {}, [org.id])).reassignedForSilence, [], 'the agent answered');

      await chat.visitor.call('POST', `/api/widget/conversations/${chat.conversationId}/messages`, {
        body: 'Any news?',
        clientId: 'c-2',
      });
      clock.advance(6 * MINUTE);
      const swept = await sweepRouting(deps, {}, [org.id]);
      assert.deepEqual(swept.reassignedForSilence, [chat.conversationId]);
      assert.equal(await assigneeOf(chat.conversationId), org.agents.secure.id, 'never back to the silent agent');
    });

    test('a team queue that waits too long overflows to the other team', async () => {
      const { org, admin } = await routedOrg();
      const { deps, clock } = routingDeps(db);
      const backup = await admin.call('POST', '/api/agent/teams', {
        name: 'Backup',
        skills: [],
        memberIds: [org.agents.secure.id],
      });
      assert.equal(backup.status, 201);
      const english = await admin.call('POST', '/api/agent/teams', {
        name: 'English desk',
        skills: ['en'],
        memberIds: [org.agents.agent.id],
        overflowTeamId: backup.body.team.id,
        overflowAfterSeconds: 120,
      });
      assert.equal(english.status, 201, JSON.stringify(english.body));
      await configure(admin, org.agents.secure.id, { skills: ['en'], status: 'online' });

      const chat = await startChat(org, 'I need help with my trade');
      const [row] = await eventually(async () => {
        const rows = await db.query<{ team_id: string | null; queued_at: Date | null }>(
          'SELECT team_id, queued_at FROM conversations WHERE id = $1',
          [chat.conversationId],
        );
        return rows[0]?.queued_at ? rows : undefined;
      });
      assert.equal(row.team_id, english.body.team.id, 'English chats go to the English desk');
      assert.equal(await assigneeOf(chat.conversationId), null, 'nobody of the English desk is online');

      clock.advance(MINUTE);
      assert.deepEqual((await sweepRouting(deps, {}, [org.id])).overflowed, []);
      clock.advance(2 * MINUTE);
      const swept = await sweepRouting(deps, {}, [org.id]);
      assert.deepEqual(swept.overflowed, [chat.conversationId]);
      assert.equal(await assigneeOf(chat.conversationId), org.agents.secure.id);
    });

    test('50 agents taking the next conversation at once: exactly one gets it', async () => {
      const org = await createTestOrg(db);
      const { deps } = routingDeps(db);
      const agents = await addRoutedAgents(db, org.id, 50, { status: 'online', capacity: 5, skills: [] });
      const [conversationId] = await addWaitingConversations(db, org, 1);
      const results = await Promise.all(
        agents.map((id) =>
          takeNextConversation(
            { ...deps, org: { id: org.id }, actor: { kind: 'agent', id, name: id, role: 'agent' } },
            deps,
          ),
        ),
      );
      const winners = results.filter((c) => c !== null);
      assert.equal(winners.length, 1);
      assert.equal(winners[0]?.id, conversationId);
      const [count] = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM routing_assignments WHERE conversation_id = $1',
        [conversationId],
      );
      assert.equal(count.n, 1);
    });

    test('50 concurrent auto-assignment passes never push an agent past capacity', async () => {
      const org = await createTestOrg(db);
      const { deps } = routingDeps(db);
      const agents = await addRoutedAgents(db, org.id, 3, { status: 'online', capacity: 2, skills: [] });
      const conversations = await addWaitingConversations(db, org, 50);
      await Promise.all(
        conversations.map((id) => enqueueConversation(deps, org.id, id).then(() => dispatchQueue(deps, org.id))),
      );
      const loads = await db.query<{ assignee_id: string; n: number }>(
        `SELECT assignee_id, count(*)::int AS n FROM conversations
          WHERE org_id = $1 AND assignee_id IS NOT NULL GROUP BY assignee_id`,
        [org.id],
      );
      assert.deepEqual(loads.map((l) => l.n).sort(), [2, 2, 2]);
      assert.deepEqual(loads.map((l) => l.assignee_id).sort(), [...agents].sort());
      const [claims] = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM routing_assignments WHERE org_id = $1',
        [org.id],
      );
      assert.equal(claims.n, 6, 'no conversation was claimed twice');
    });

    test('teams and agent routing are admin-managed, validated, audited and org-scoped', async () => {
      const { org, admin } = await routedOrg();
      const agent = await loginAgent(server, org.agents.agent);
      assert.equal((await agent.call('POST', '/api/agent/teams', { name: 'Nope' })).status, 403);
      assert.equal(
        (await agent.call('PATCH', `/api/agent/routing/agents/${org.agents.agent.id}`, { capacity: 50 })).status,
        403,
        'an agent sets their own status, not their capacity',
      );
      assert.equal(
        (await agent.call('PATCH', `/api/agent/routing/agents/${org.agents.admin.id}`, { status: 'online' })).status,
        403,
      );
      const bad = await admin.call('POST', '/api/agent/teams', { name: '', skills: ['has space'] });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'validation_failed');
      const badStatus = await admin.call('PATCH', `/api/agent/routing/agents/${org.agents.agent.id}`, {
        status: 'busy',
      });
      assert.equal(badStatus.status, 400);
      const missing = await admin.call('POST', '/api/agent/teams', {
        name: 'Dangling',
        overflowTeamId: '00000000-0000-4000-8000-000000000000',
        overflowAfterSeconds: 60,
      });
      assert.equal(missing.body.error.code, 'team_not_found');

      const created = await admin.call('POST', '/api/agent/teams', {
        name: 'Security',
        skills: ['security', 'zh'],
        memberIds: [org.agents.secure.id],
      });
      assert.equal(created.status, 201);
      const teamId = created.body.team.id as string;
      assert.equal((await admin.call('POST', '/api/agent/teams', { name: 'Security' })).status, 409);
      const renamed = await admin.call('PATCH', `/api/agent/teams/${teamId}`, { name: 'Security desk' });
      assert.equal(renamed.body.team.name, 'Security desk');

      const other = await routedOrg();
      const strangerTeam = await other.admin.call('PATCH', `/api/agent/teams/${teamId}`, { name: 'Mine now' });
      assert.equal(strangerTeam.status, 404);
      assert.deepEqual((await other.admin.call('GET', '/api/agent/teams')).body.teams, []);
      const foreignMember = await other.admin.call('POST', '/api/agent/teams', {
        name: 'Poach',
        memberIds: [org.agents.agent.id],
      });
      assert.equal(foreignMember.body.error.code, 'agent_not_found');
      const foreignAgent = await other.admin.call('PATCH', `/api/agent/routing/agents/${org.agents.agent.id}`, {
        status: 'online',
      });
      assert.equal(foreignAgent.status, 404);

      assert.equal((await admin.call('DELETE', `/api/agent/teams/${teamId}`)).status, 204);
      const audit = await admin.call('GET', `/api/agent/audit?targetId=${teamId}`);
      assert.deepEqual(audit.body.entries.map((e: { action: string }) => e.action).sort(), [
        'team.create',
        'team.delete',
        'team.update',
      ]);
    });
  });
}
