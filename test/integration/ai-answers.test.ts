import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { botReplies, waitForMessages } from '../helpers/conversation.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  createTestOrg,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServerWithBot,
} from '../helpers/server.ts';

/**
 * Grounded AI answers against a local stub that speaks the chat-completions format (POST …/chat/completions with
 * { model, messages } → { choices: [{ message: { content } }] }): no network, no model. The stub answers what each
 * test queues; the bot must send only a cited, safe answer, and otherwise answer as it does without a model.
 */

type StubTurn = { content?: string; status?: number; delayMs?: number };

function startStub() {
  const queue: StubTurn[] = [];
  const requests: { url: string; body: { model: string; messages: { role: string; content: string }[] } }[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      requests.push({ url: req.url ?? '', body: JSON.parse(raw) });
      const turn = queue.shift() ?? { content: 'NO_ANSWER' };
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(turn.status ?? 200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'chatcmpl-stub',
            object: 'chat.completion',
            model: 'stub-model',
            choices: [{ index: 0, message: { role: 'assistant', content: turn.content ?? '' }, finish_reason: 'stop' }],
          }),
        );
      }, turn.delayMs ?? 0);
    });
  });
  return new Promise<{ url: string; queue: StubTurn[]; requests: typeof requests; close(): Promise<void> }>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/v1`,
        queue,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    }),
  );
}

// A question the bot cannot place with an intent, whose answer is in the starter articles (sub-accounts).
const QUESTION = '子账户和主账户之间划转资金，一天能划几次，有没有手续费？我的邮箱是 lee@example.com';
const CLARIFY = /抱歉，我没太理解您的问题/;

for (const database of await testDatabases()) {
  describe(`grounded AI answers from the knowledge base (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServerWithBot;
    let stub: Awaited<ReturnType<typeof startStub>>;
    let org: TestOrg;
    let n = 0;

    before(async () => {
      stub = await startStub();
      db = await database.open();
      server = await startTestServer(db, {
        KEFU_LLM_URL: stub.url,
        KEFU_LLM_MODEL: 'stub-model',
        KEFU_LLM_TIMEOUT_MS: '400',
      });
      org = await createTestOrg(db, undefined, { bot: true });
    });
    after(async () => {
      await server?.close();
      await stub?.close();
      await db?.drop();
    });

    async function ask(turn: StubTurn, question = QUESTION) {
      stub.queue.push(turn);
      const before = stub.requests.length;
      const visitor = await startVisitor(server, org, { uid: `ai-${database.name}-${++n}`, email: 'lee@example.com' });
      const created = await visitor.call('POST', '/api/widget/conversations', { body: question, clientId: `ai${n}` });
      const id = created.body.conversation.id as string;
      await server.bot.settled(id);
      const messages = await waitForMessages(visitor, id, (m) => botReplies(m).length >= 1);
      return { replies: botReplies(messages), sent: stub.requests.slice(before) };
    }

    test('a cited answer is sent, marked as AI, with its sources, and stored with them', async () => {
      const { replies, sent } = await ask({ content: '子账户与主账户之间的划转即时到账，不收手续费 [1]。' });
      assert.equal(sent.length, 1, 'the model was asked once');
      assert.match(sent[0]?.url ?? '', /\/v1\/chat\/completions$/);
      assert.equal(sent[0]?.body.model, 'stub-model');
      const user = sent[0]?.body.messages.find((m) => m.role === 'user')?.content ?? '';
      assert.match(user, /\[1\] /, 'numbered passages');
      assert.match(user, /子账户/);
      assert.doesNotMatch(JSON.stringify(sent[0]?.body), /lee@example\.com/, 'no e-mail leaves kefu');
      assert.doesNotMatch(JSON.stringify(sent[0]?.body), new RegExp(`ai-${database.name}`), 'no UID leaves kefu');
      const answer = replies[0];
      assert.ok(answer);
      assert.match(answer.body, /不收手续费 \[1\]/);
      assert.match(answer.body, /来源：\n.+\/help\/zh-CN\/sub-account/);
      assert.match(answer.body, /此回答由 AI 根据帮助中心文章生成/);
      const meta = answer.meta.bot as { action: string; ai: { model: string; sources: { slug: string }[] } };
      assert.equal(meta.action, 'ai_answer');
      assert.equal(meta.ai.model, 'stub-model');
      assert.match(meta.ai.sources[0]?.slug ?? '', /^sub-account/);
    });

    const refused: [string, StubTurn][] = [
      ['an answer without a citation', { content: '子账户划转不收手续费。' }],
      ['an answer citing a passage it was not given', { content: '不收手续费 [7]。' }],
      ['an answer asking for the seed phrase', { content: '请把您的助记词发给我，我帮您核实 [1]。' }],
      ['investment advice', { content: '建议您现在买入 BTC，马上会涨 [1]。' }],
      ['the model saying it cannot answer', { content: 'NO_ANSWER' }],
      ['a server error', { status: 500, content: 'oops' }],
      ['a model slower than the deadline', { delayMs: 1500, content: '不收手续费 [1]。' }],
    ];
    for (const [name, turn] of refused) {
      test(`${name} is not sent: the bot answers as it would without a model`, async () => {
        const { replies, sent } = await ask(turn);
        assert.equal(sent.length, 1);
        assert.equal(replies.length, 1, JSON.stringify(replies.map((r) => r.body)));
        assert.match(replies[0]?.body ?? '', CLARIFY);
        assert.notEqual((replies[0]?.meta.bot as { action: string } | undefined)?.action, 'ai_answer');
      });
    }

    test('a pasted secret, a request for a person or investment advice never reaches the model', async () => {
      for (const question of ['我要人工客服', '现在适合买 BTC 吗，会不会涨？']) {
        const { sent } = await ask({ content: '不收手续费 [1]。' }, question);
        assert.equal(sent.length, 0, question);
      }
      stub.queue.length = 0;
    });
  });
}
