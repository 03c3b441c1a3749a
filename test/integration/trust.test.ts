import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { botReplies, waitForMessages } from '../helpers/conversation.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  createTestOrg,
  loginAgent,
  request,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

for (const database of await testDatabases()) {
  describe(`official channels and platform status (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db, undefined, { bot: true });
      const admin = await loginAgent(server, org.agents.admin);
      for (const channel of [
        { kind: 'telegram', value: '@LumenExchange', label: 'Official Telegram' },
        { kind: 'phone', value: '+86 400 123 4567', label: 'Hotline' },
        { kind: 'url', value: 'https://lumen.example', label: 'Website' },
      ]) {
        const added = await admin.call('POST', '/api/agent/official-channels', channel);
        assert.equal(added.status, 201);
      }
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    test('only an admin edits the registry, and every change is audited', async () => {
      const agent = await loginAgent(server, org.agents.agent);
      const refused = await agent.call('POST', '/api/agent/official-channels', { kind: 'url', value: 'evil.example' });
      assert.equal(refused.status, 403);
      const admin = await loginAgent(server, org.agents.admin);
      const audit = await admin.call('GET', '/api/agent/audit?limit=50');
      assert.equal(audit.body.entries.filter((e: { action: string }) => e.action === 'official_channel.add').length, 3);
    });

    test('the public check tells an official channel from a look-alike', async () => {
      const official = await request(
        `${server.url}/api/widget/verify?org=${org.slug}&value=${encodeURIComponent('https://lumen.example/login')}`,
      );
      assert.equal(official.body.results[0].official, true);
      const lookalike = await request(`${server.url}/api/widget/verify?org=${org.slug}&value=lumen-exchange.example`);
      assert.equal(lookalike.body.results[0].official, false);
    });

    test('the bot confirms an official channel and flags an unofficial one', async () => {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body: '客服电话 +86 400 123 4567 是你们官方的吗？',
        clientId: 'v1',
      });
      const messages = await waitForMessages(visitor, created.body.conversation.id, (m) => botReplies(m).length >= 1);
      assert.match(botReplies(messages)[0].body, /✅/);

      const second = await startVisitor(server, org);
      const asked = await second.call('POST', '/api/widget/conversations', {
        body: 'Is the telegram account @lumen_support_team official? it says it is your support',
        clientId: 'v2',
      });
      const answer = await waitForMessages(second, asked.body.conversation.id, (m) => botReplies(m).length >= 1);
      assert.match(botReplies(answer)[0].body, /NOT an official/);

      // An email address checked: the answer adds the one sign a real support mail carries.
      const third = await startVisitor(server, org);
      const mail = await third.call('POST', '/api/widget/conversations', {
        body: 'I got an email from security@lumen-alerts.com asking me to verify my account, is it official?',
        clientId: 'v3',
      });
      const told = await waitForMessages(third, mail.body.conversation.id, (m) => botReplies(m).length >= 2);
      assert.match(botReplies(told)[0].body, /security@lumen-alerts\.com is NOT an official/);
      assert.match(botReplies(told)[1].body, /anti-phishing code/);
    });

    test('an impersonator mentioned in passing is warned about without being asked', async () => {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body: '有个自称官方客服的 @lumen_helpdesk_cn 让我把 USDT 转到他给的地址做验证',
        clientId: 'i1',
      });
      const messages = await waitForMessages(visitor, created.body.conversation.id, (m) =>
        m.some((x) => x.authorKind === 'bot' && /不是.*官方渠道/.test(x.body)),
      );
      assert.ok(messages.some((m) => /lumen_helpdesk_cn/.test(m.body) && m.authorKind === 'bot'));
    });

    test('platform status is answered first and announced to waiting customers', async () => {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body: '我的 USDT 充值还没到账',
        clientId: 'p1',
      });
      const id = created.body.conversation.id as string;
      await waitForMessages(visitor, id, (m) => botReplies(m).length >= 1);

      const supervisor = await loginAgent(server, org.agents.secure);
      const posted = await supervisor.call('PUT', '/api/agent/platform-status', {
        coin: 'usdt',
        network: 'trc20',
        deposits: 'congested',
        withdrawals: 'enabled',
        note: { 'zh-CN': 'TRON 网络拥堵，预计延迟 20 分钟。', en: 'TRON is congested; about 20 minutes late.' },
      });
      assert.equal(posted.status, 200, JSON.stringify(posted.body));
      assert.ok(posted.body.announcedTo >= 1);
      const announced = await waitForMessages(visitor, id, (m) =>
        m.some((x) => x.authorKind === 'system' && /拥堵/.test(x.body)),
      );
      assert.ok(announced.length > 0);

      const asker = await startVisitor(server, org);
      const question = await asker.call('POST', '/api/widget/conversations', {
        body: '平台是不是在维护？充值是不是暂停了',
        clientId: 'p2',
      });
      const reply = await waitForMessages(asker, question.body.conversation.id, (m) => botReplies(m).length >= 1);
      assert.match(botReplies(reply)[0].body, /TRC20.*拥堵|拥堵.*TRC20/);
      assert.match(botReplies(reply)[0].body, /^目前只有以下网络有异常，其他币种的充值和提币都正常/);

      const status = await request(`${server.url}/api/widget/platform-status?org=${org.slug}`);
      assert.equal(status.body.entries[0].deposits, 'congested');
      const agent = await loginAgent(server, org.agents.agent);
      const refused = await agent.call('PUT', '/api/agent/platform-status', {
        coin: 'BTC',
        network: 'BTC',
        deposits: 'suspended',
        withdrawals: 'suspended',
      });
      assert.equal(refused.status, 403);
    });
  });
}
