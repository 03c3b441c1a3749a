import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Message } from '../../src/contracts/domain.ts';
import { seedSandboxExchange } from '../../src/server/seed/demo-exchange-customers.ts';
import { botReplies, waitForMessages } from '../helpers/conversation.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  createTestOrg,
  loginAgent,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

/** The sandbox's stolen-account customer: a BTC withdrawal (W-5573002) sits in security review. */
const UID = '11873402';

const publicBot = (messages: Message[]) => botReplies(messages).filter((m) => !m.private);
const settle = () => new Promise((r) => setTimeout(r, 400));

for (const database of await testDatabases()) {
  describe(`the bot while a customer waits for a person, and after a resolution (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db, undefined, { bot: true });
      await seedSandboxExchange(db, org.id);
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    /** A signed-in customer whose conversation the bot has already handed to the humans ("转人工"). */
    async function handedOver() {
      const visitor = await startVisitor(server, org, { uid: UID });
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body: '转人工',
        clientId: crypto.randomUUID(),
      });
      const id = created.body.conversation.id as string;
      await waitForMessages(visitor, id, (m) => publicBot(m).length >= 1);
      const send = (body: string, clientId: string) =>
        visitor.call('POST', `/api/widget/conversations/${id}/messages`, { body, clientId: `${id}:${clientId}` });
      return { visitor, id, send };
    }

    test('a customer waiting in the queue still gets the withdrawal look-up, and the agent gets the finding', async () => {
      const { visitor, id, send } = await handedOver();
      await send('我的 BTC 提币一直在审核中', 'c2');
      const messages = await waitForMessages(visitor, id, (m) => publicBot(m).length >= 2);
      const answer = publicBot(messages)[1].body;
      assert.match(answer, /在等待人工客服接入的同时/);
      assert.match(answer, /W-5573002/, 'the review status of her own withdrawal');

      const agent = await loginAgent(server, org.agents.agent);
      const detail = await agent.call('GET', `/api/agent/conversations/${id}`);
      assert.ok(detail.body.conversation.tags.includes('handoff'), 'still with the humans');
    });

    test('once a person has answered, the bot stays out of it', async () => {
      const { visitor, id, send } = await handedOver();
      const agent = await loginAgent(server, org.agents.agent);
      const reply = await agent.call('POST', `/api/agent/conversations/${id}/messages`, {
        body: '您好，我来处理。',
        clientId: 'a1',
      });
      assert.equal(reply.status, 201);
      await send('我的 BTC 提币一直在审核中', 'c2');
      await settle();
      const later = await visitor.call('GET', `/api/widget/conversations/${id}/messages`);
      assert.equal(publicBot(later.body.messages).length, 1, 'only the hand-off reply from before');
    });

    test('small talk in the queue is left to the person', async () => {
      const { visitor, id, send } = await handedOver();
      await send('你好', 'c2');
      await settle();
      const later = await visitor.call('GET', `/api/widget/conversations/${id}/messages`);
      assert.equal(publicBot(later.body.messages).length, 1);
    });

    test('a message after the resolution goes back to the bot: it answers, and the conversation leaves the agent', async () => {
      const { visitor, id, send } = await handedOver();
      const agent = await loginAgent(server, org.agents.agent);
      await agent.call('POST', `/api/agent/conversations/${id}/assign`, { agentId: org.agents.agent.id });
      await agent.call('POST', `/api/agent/conversations/${id}/messages`, {
        body: '已处理，祝您愉快。',
        clientId: 'a1',
      });
      const resolved = await agent.call('PATCH', `/api/agent/conversations/${id}`, { status: 'resolved' });
      assert.equal(resolved.status, 200);

      await send('我的 BTC 提币一直在审核中', 'c3');
      const messages = await waitForMessages(visitor, id, (m) => publicBot(m).length >= 2);
      const answer = publicBot(messages)[1].body;
      assert.match(answer, /W-5573002/);
      assert.doesNotMatch(answer, /在等待人工客服/, 'the bot has the conversation again: nobody is waiting');
      const detail = await agent.call('GET', `/api/agent/conversations/${id}`);
      assert.equal(detail.body.conversation.status, 'open');
      assert.equal(detail.body.conversation.assignee, null);

      // The bot hands over again when asked, with a note of its own for this round.
      await send('转人工', 'c4');
      await waitForMessages(visitor, id, (m) => publicBot(m).length >= 3);
      const notes = async () =>
        ((await agent.call('GET', `/api/agent/conversations/${id}`)).body.messages as Message[]).filter(
          (m) => m.private && m.authorKind === 'bot',
        );
      const deadline = Date.now() + 10_000;
      while ((await notes()).length < 2 && Date.now() < deadline) await settle();
      assert.equal((await notes()).length, 2, 'one hand-off note per round');
    });
  });
}
