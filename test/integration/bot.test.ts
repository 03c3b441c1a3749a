import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { entropyToMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import type { Message } from '../../src/contracts/domain.ts';
import { botReplies, waitForMessages } from '../helpers/conversation.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  connectSocket,
  createTestOrg,
  loginAgent,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

const TRON_TX = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';

for (const database of await testDatabases()) {
  describe(`the bot answers first and hands over honestly (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db, undefined, { bot: true });
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    test('a Chinese deposit question with a tx hash is asked only for the missing network, then handed over with the details', async () => {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body: `我的 USDT 充值两个小时了还没到账，哈希是 ${TRON_TX}`,
        clientId: 'q1',
      });
      const conversationId = created.body.conversation.id as string;
      const afterFirst = await waitForMessages(visitor, conversationId, (m) => botReplies(m).length >= 1);
      const ask = botReplies(afterFirst)[0].body;
      assert.match(ask, /网络/, 'it asks for the network');
      assert.doesNotMatch(ask, /币种|交易哈希/, 'it does not ask for what it already has');

      await visitor.call('POST', `/api/widget/conversations/${conversationId}/messages`, {
        body: '波场 TRC20',
        clientId: 'q2',
      });
      const afterSecond = await waitForMessages(visitor, conversationId, (m) => botReplies(m).length >= 2);
      assert.match(botReplies(afterSecond)[1].body, /USDT · TRC20 · TxID a1b2c3d4e5/);

      const agent = await loginAgent(server, org.agents.agent);
      const detail = await agent.call('GET', `/api/agent/conversations/${conversationId}`);
      const note = (detail.body.messages as Message[]).find((m) => m.private && m.authorKind === 'bot');
      assert.ok(note, 'the agent gets a private hand-off summary');
      assert.match(note.body, /deposit details collected/);
      assert.match(note.body, /Intent: deposit_missing/);
      assert.deepEqual((note.meta.handoff as { slots: unknown }).slots, {
        coin: 'USDT',
        network: 'TRC20',
        txHash: TRON_TX,
      });
      assert.ok(detail.body.conversation.tags.includes('handoff'));
      const question = (detail.body.messages as Message[])[0];
      assert.equal(
        (question.meta.bot as { intent: string }).intent,
        'deposit_missing',
        'the decision is stored with the message',
      );
      assert.equal((question.meta.bot as { action: string }).action, 'ask_slots');

      // Once handed over, the bot stays silent.
      await visitor.call('POST', `/api/widget/conversations/${conversationId}/messages`, {
        body: '还要等多久？',
        clientId: 'q3',
      });
      await new Promise((r) => setTimeout(r, 300));
      const later = await visitor.call('GET', `/api/widget/conversations/${conversationId}/messages`);
      assert.equal(botReplies(later.body.messages).length, 2);
    });

    test('"转人工" hands over at once, and the agent sees the summary live', async () => {
      const agent = await loginAgent(server, org.agents.agent);
      const socket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: agent.cookie });
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', { body: '转人工', clientId: 'h1' });
      const conversationId = created.body.conversation.id as string;
      // The console follows no conversation yet: the summary shows in its list (the delta carries the preview).
      const summary = await socket.waitFor(
        (e) => e.type === 'conversation.activity' && e.conversationId === conversationId && e.lastMessage.private,
        15_000,
      );
      assert.match(summary.type === 'conversation.activity' ? summary.lastMessage.body : '', /customer asked/);
      const updated = await socket.waitFor(
        (e) =>
          e.type === 'conversation.updated' &&
          e.conversation.id === conversationId &&
          e.conversation.tags.includes('handoff'),
      );
      assert.ok(updated);
      const messages = await waitForMessages(visitor, conversationId, (m) => botReplies(m).length >= 1);
      assert.match(botReplies(messages)[0].body, /人工客服/);
      await socket.close();
    });

    test('an English request for a real person hands over too', async () => {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body: 'can I talk to a real person please',
        clientId: 'e1',
      });
      const messages = await waitForMessages(visitor, created.body.conversation.id, (m) => botReplies(m).length >= 1);
      assert.match(botReplies(messages)[0].body, /support team/);
    });

    test('a pasted seed phrase is never readable through any API afterwards, and the customer is warned', async () => {
      const phrase = entropyToMnemonic(new Uint8Array(16).fill(7), wordlist);
      const words = phrase.split(' ');
      const agent = await loginAgent(server, org.agents.agent);
      const socket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: agent.cookie });
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body: `客服你好，我的钱包助记词是 ${phrase} 帮我看看资产`,
        clientId: 's1',
      });
      const conversationId = created.body.conversation.id as string;
      assert.doesNotMatch(created.body.message.body, new RegExp(words.slice(0, 12).join(' ')));
      const messages = await waitForMessages(visitor, conversationId, (m) =>
        m.some((x) => /助记词/.test(x.body) && x.authorKind === 'bot'),
      );
      assert.ok(
        messages.some((m) => m.authorKind === 'bot' && /新钱包/.test(m.body)),
        'warned in Chinese to move the funds',
      );

      const detail = await agent.call('GET', `/api/agent/conversations/${conversationId}`);
      assert.equal(detail.body.conversation.priority, 'urgent');
      assert.ok(detail.body.conversation.tags.includes('secret-shared'));
      const everything = JSON.stringify([
        created.body,
        messages,
        detail.body,
        socket.events,
        await db.query('SELECT body, meta FROM messages'),
        await db.query('SELECT bot_state FROM conversations'),
      ]);
      const leaked = words.filter((w) => new RegExp(`\\b${w}\\b`).test(everything) && !/abandon/.test(w));
      assert.ok(!everything.includes(words.slice(0, 4).join(' ')), 'the phrase never appears');
      assert.ok(leaked.length < 4, `seed words readable afterwards: ${leaked.join(' ')}`);
      await socket.close();
    });

    test('an agent reply that asks for a seed phrase or 2FA code is blocked with an explanation; a warning is not', async () => {
      const agent = await loginAgent(server, org.agents.agent);
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', { body: '人工', clientId: 'b1' });
      const id = created.body.conversation.id as string;
      const blocked = await agent.call('POST', `/api/agent/conversations/${id}/messages`, {
        body: '为了核实身份，请把你的助记词发给我',
        clientId: 'x1',
      });
      assert.equal(blocked.status, 422);
      assert.equal(blocked.body.error.code, 'message_blocked');
      assert.match(blocked.body.error.message, /seed phrase/);
      const blockedEn = await agent.call('POST', `/api/agent/conversations/${id}/messages`, {
        body: 'Please send me your Google Authenticator code so I can unlock it.',
        clientId: 'x2',
      });
      assert.equal(blockedEn.body.error.code, 'message_blocked');
      const warning = await agent.call('POST', `/api/agent/conversations/${id}/messages`, {
        body: '请注意：我们绝不会向您索要助记词或验证码。',
        clientId: 'x3',
      });
      assert.equal(warning.status, 201);
      // Quoting what the customer pasted is a leak to redact, not asking: these twelve words hold "share" and "seed".
      const quoted = await agent.call('POST', `/api/agent/conversations/${id}/messages`, {
        body: 'Customer wrote: seed phrase: question actual vicious share favorite random pill throw accident bridge seed clay',
        clientId: 'x4',
      });
      assert.equal(quoted.status, 201, JSON.stringify(quoted.body));
      assert.match(quoted.body.message.body, /\[redacted: seed phrase\]/);
    });

    test('the bot never loops: two messages it cannot understand hand over', async () => {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body: '今天天气怎么样',
        clientId: 'o1',
      });
      const id = created.body.conversation.id as string;
      const first = await waitForMessages(visitor, id, (m) => botReplies(m).length >= 1);
      assert.match(botReplies(first)[0].body, /没太理解/);
      await visitor.call('POST', `/api/widget/conversations/${id}/messages`, {
        body: '推荐一部好看的电影',
        clientId: 'o2',
      });
      const second = await waitForMessages(visitor, id, (m) => botReplies(m).length >= 2);
      assert.match(botReplies(second)[1].body, /人工客服/);
    });

    test('a wrong-network deposit gets the steps, then a recovery case the customer can follow', async () => {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body: '我充币的时候选错网络了，怎么找回',
        clientId: 'r1',
      });
      const id = created.body.conversation.id as string;
      const asked = await waitForMessages(visitor, id, (m) =>
        m.some((x) => x.authorKind === 'bot' && /找回工单/.test(x.body)),
      );
      assert.ok(
        botReplies(asked).some((m) => /币种/.test(m.body)),
        'it asks for what the case needs',
      );
      await visitor.call('POST', `/api/widget/conversations/${id}/messages`, {
        body: `USDT，哈希 ${TRON_TX}`,
        clientId: 'r2',
      });
      const opened = await waitForMessages(visitor, id, (m) => m.some((x) => /已为您创建找回工单 CASE-/.test(x.body)));
      assert.ok(opened.length > 0);
      const cases = await visitor.call('GET', '/api/widget/cases');
      assert.equal(cases.body.cases[0].kind, 'deposit_recovery');
      assert.equal(cases.body.cases[0].status, 'open');

      const agent = await loginAgent(server, org.agents.agent);
      const [recovery] = (await agent.call('GET', `/api/agent/cases?conversationId=${id}`)).body.cases;
      await agent.call('PATCH', `/api/agent/cases/${recovery.id}`, { status: 'in_progress' });
      await waitForMessages(visitor, id, (m) =>
        m.some((x) => x.authorKind === 'system' && x.body.includes(`${recovery.ref} 当前状态：处理中`)),
      );
      const followed = await visitor.call('GET', '/api/widget/cases');
      assert.equal(followed.body.cases[0].status, 'in_progress');
    });

    test('a lost authenticator opens an identity-verification case and brings in a human', async () => {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body: 'I lost my Google Authenticator, need to reset 2FA',
        clientId: 't1',
      });
      const id = created.body.conversation.id as string;
      await waitForMessages(visitor, id, (m) => m.some((x) => /identity-verification case CASE-/.test(x.body)));
      const agent = await loginAgent(server, org.agents.agent);
      const cases = await agent.call('GET', `/api/agent/cases?conversationId=${id}`);
      assert.equal(cases.body.cases[0].kind, 'identity_verification');
      const detail = await agent.call('GET', `/api/agent/conversations/${id}`);
      assert.equal(detail.body.conversation.handoffReason, 'identity_verification');
    });

    test('asking how to switch 2FA on gets the 2FA set-up article, not an identity case and a queue', async () => {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body: '开通谷歌验证的步骤是什么',
        clientId: 's1',
      });
      const id = created.body.conversation.id as string;
      const messages = await waitForMessages(visitor, id, (m) => botReplies(m).length >= 1);
      assert.match(botReplies(messages)[0].body, /\/help\/zh-CN\/twofa-setup-google-authenticator/);
      const agent = await loginAgent(server, org.agents.agent);
      const cases = await agent.call('GET', `/api/agent/cases?conversationId=${id}`);
      assert.equal(cases.body.cases.length, 0);
      const detail = await agent.call('GET', `/api/agent/conversations/${id}`);
      assert.equal(detail.body.conversation.handoffReason, null);
    });

    test('a customer who read the article before asking is not sent it again: a person takes over', async () => {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body: '开通谷歌验证的步骤是什么',
        clientId: 'read1',
        readArticle: 'twofa-setup-google-authenticator',
      });
      const id = created.body.conversation.id as string;
      const messages = await waitForMessages(visitor, id, (m) => botReplies(m).length >= 1);
      assert.match(botReplies(messages)[0].body, /^您已经看过《.*谷歌验证.*》，看来它没能解决您的问题/);
      assert.doesNotMatch(botReplies(messages)[0].body, /\/help\//);
      const agent = await loginAgent(server, org.agents.agent);
      const detail = await agent.call('GET', `/api/agent/conversations/${id}`);
      assert.equal(detail.body.conversation.handoffReason, 'answer_unhelpful');
      const note = detail.body.messages.find((m: { private: boolean }) => m.private);
      assert.match(note.body, /Read before asking: twofa-setup-google-authenticator/);
    });

    test('a customer already cheated by fake support is warned about the account and handed to security at once', async () => {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body: '我被骗了，有人冒充你们客服让我转账，他的电报是 @lumen_cs_help',
        clientId: 'sc1',
      });
      const id = created.body.conversation.id as string;
      const messages = await waitForMessages(visitor, id, (m) => botReplies(m).length >= 2);
      const said = botReplies(messages)
        .map((m) => m.body)
        .join('\n');
      assert.match(said, /诈骗.*安全团队/);
      assert.match(said, /lumen_cs_help.*不是/);
      const agent = await loginAgent(server, org.agents.agent);
      const detail = await agent.call('GET', `/api/agent/conversations/${id}`);
      assert.equal(detail.body.conversation.handoffReason, 'scam_reported');
      assert.equal(detail.body.conversation.priority, 'high');
    });

    test('a greeting is answered in kind, in English', async () => {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', { body: 'hello there', clientId: 'g1' });
      const messages = await waitForMessages(visitor, created.body.conversation.id, (m) => botReplies(m).length >= 1);
      assert.match(botReplies(messages)[0].body, /How can I help/);
    });
  });
}
