import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { renderTemplate } from '../../src/contracts/tools.ts';
import { seedDemo } from '../../src/server/seed/demo.ts';
import { testDatabases } from '../helpers/databases.ts';
import { eventually } from '../helpers/routing.ts';
import {
  type AgentClient,
  loginAgent,
  startTestServer,
  startVisitor,
  type TestServerWithBot,
} from '../helpers/server.ts';

/** What a support desk at a crypto exchange needs a canned reply for on day one (issue "The first hour", item 4). */
const REQUIRED_SHORTCUTS = [
  'deposit-pending',
  'wrong-network',
  'missing-memo',
  'withdrawal-review',
  'withdrawal-rejected',
  'withdrawal-cancel',
  '2fa-reset',
  'kyc-failed',
  'account-locked',
  'phishing-warning',
  'freeze-confirmed',
  'unfreeze-process',
  'p2p-appeal',
  'otc-settlement',
  'liquidation-review',
  'closing',
];

for (const database of await testDatabases()) {
  describe(`the demo exchange's canned replies and teams (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServerWithBot;
    let admin: AgentClient;
    let identitySecret: string;
    let conversations: { id: string; contact: { name: string | null }; teamId: string | null }[];
    let teams: { id: string; name: string; skills: string[]; memberIds: string[] }[];

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      // As `npm start` does: the bot and routing run while the demo is seeded.
      const seeded = await seedDemo(
        { db, log: pino({ level: 'silent' }), events: server.events, bot: server.bot },
        'always',
      );
      identitySecret = seeded.identitySecret ?? '';
      admin = await loginAgent(server, { id: '', email: 'admin@lumen.example', password: 'demo-admin-2026' });
      conversations = (await admin.call('GET', '/api/agent/conversations?limit=50')).body.conversations;
      teams = (await admin.call('GET', '/api/agent/teams')).body.teams;
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    const team = (prefix: string) => {
      const found = teams.find((t) => t.name.includes(prefix));
      assert.ok(found, `a team named ${prefix}`);
      return found;
    };
    const conversationOf = (name: string) => {
      const found = conversations.find((c) => c.contact.name === name);
      assert.ok(found, `the seeded conversation of ${name}`);
      return found;
    };

    test('at least 15 canned replies, each in Chinese and English, covering the everyday crypto cases', async () => {
      const { macros } = (await admin.call('GET', '/api/agent/macros')).body;
      assert.ok(macros.length >= 15, `${macros.length} macros`);
      for (const shortcut of REQUIRED_SHORTCUTS) {
        assert.ok(
          macros.some((m: { shortcut: string }) => m.shortcut === shortcut),
          `a macro /${shortcut}`,
        );
      }
      for (const macro of macros) {
        for (const language of ['zh', 'en'] as const) {
          const body = macro.bodies[language];
          assert.ok(body, `/${macro.shortcut} has a ${language} text`);
          assert.deepEqual(renderTemplate(body, {}).unknownVariables, [], `/${macro.shortcut} uses known variables`);
        }
        assert.match(macro.bodies.zh, /\p{Script=Han}/u, `/${macro.shortcut}'s zh text is Chinese`);
        assert.doesNotMatch(macro.bodies.en, /\p{Script=Han}/u, `/${macro.shortcut}'s en text is English`);
      }
    });

    test('a canned reply goes out in the customer language with its actions', async () => {
      const { macros } = (await admin.call('GET', '/api/agent/macros')).body;
      const phishing = macros.find((m: { shortcut: string }) => m.shortcut === 'phishing-warning');
      const ahmed = conversationOf('Ahmed K.');
      const applied = await admin.call('POST', `/api/agent/conversations/${ahmed.id}/macros/${phishing.id}/apply`, {
        clientId: 'demo-phishing',
      });
      assert.equal(applied.status, 200, JSON.stringify(applied.body));
      assert.match(applied.body.message.body, /never ask for your password/);
      assert.ok(applied.body.conversation.tags.includes('phishing'));
      const zhang = conversationOf('张伟');
      const deposit = macros.find((m: { shortcut: string }) => m.shortcut === 'deposit-pending');
      const zh = await admin.call('POST', `/api/agent/conversations/${zhang.id}/macros/${deposit.id}/apply`, {
        clientId: 'demo-deposit',
      });
      assert.equal(zh.status, 200);
      assert.match(zh.body.message.body, /^张伟好，充值需要区块链确认/);
    });

    test('30 days of history: every team and handling agent has figures and occupancy; forecast and plan are real', async () => {
      const report = await admin.call('GET', '/api/agent/reports/agents');
      assert.equal(report.status, 200);
      for (const email of ['agent@lumen.example', 'secure@lumen.example', 'admin@lumen.example']) {
        const name = { 'agent@lumen.example': 'Alex Chen', 'secure@lumen.example': '李安 (Security)' }[email];
        const row = report.body.agents.find((a: { name: string }) =>
          name ? a.name === name : a.name.includes('Admin'),
        );
        assert.ok(row, email);
        assert.ok(row.handled > 20, `${email} handled ${row.handled}`);
        assert.ok(row.onlineSeconds > 20 * 8 * 3600, `${email} online ${row.onlineSeconds} s`);
        assert.ok(row.occupancy > 0.1 && row.occupancy < 0.9, `${email} occupancy ${row.occupancy}`);
      }
      const byTeam = await admin.call('GET', '/api/agent/reports/teams');
      assert.equal(byTeam.body.teams.length, 4);
      for (const t of byTeam.body.teams) {
        assert.ok(t.handled > 10, `${t.name} handled ${t.handled}`);
        assert.ok(t.csatResponses > 0, `${t.name} has CSAT answers`);
        assert.ok(t.occupancy > 0, `${t.name} occupancy`);
      }
      const forecast = await admin.call('GET', '/api/agent/workforce/forecast?days=7');
      assert.equal(forecast.body.insufficientHistory, false);
      assert.ok(forecast.body.values.some((v: number) => v > 0));
      const plan = await admin.call('POST', '/api/agent/workforce/shift-plan', { days: 7 });
      assert.ok(plan.status === 200 || plan.status === 422, JSON.stringify(plan.body).slice(0, 300));
      assert.ok((plan.status === 200 ? plan.body : plan.body.plan).shifts.length > 0);
    });

    test('four teams whose skills someone on them has, so every team can be answered', async () => {
      const { agents } = (await admin.call('GET', '/api/agent/routing/agents')).body;
      assert.deepEqual(teams.map((t) => t.skills.join(',')).sort(), ['KYC', 'VIP', 'security,P2P', 'zh,en'].sort());
      for (const t of teams) {
        const members = agents.filter((a: { agentId: string }) => t.memberIds.includes(a.agentId));
        for (const skill of t.skills) {
          assert.ok(
            members.some((m: { skills: string[] }) => m.skills.includes(skill)),
            `someone on ${t.name} has ${skill}`,
          );
        }
      }
    });

    test('routing files the seeded hand-offs by speciality: a stolen VIP account goes to funds security', async () => {
      await eventually(async () => {
        conversations = (await admin.call('GET', '/api/agent/conversations?limit=50')).body.conversations;
        return conversationOf('陈小姐').teamId && conversationOf('张伟').teamId;
      });
      assert.equal(conversationOf('陈小姐').teamId, team('Funds security').id, 'security outranks the VIP desk');
      assert.equal(conversationOf('张伟').teamId, team('General').id);
    });

    test('a customer whose KYC keeps failing and who asks for a person reaches the KYC team and the agent on shift', async () => {
      const visitor = await startVisitor(server, { slug: 'demo', identitySecret } as never);
      const started = await visitor.call('POST', '/api/widget/conversations', {
        body: '我的KYC身份认证一直失败，上传了三次都不通过',
        clientId: 'kyc-1',
      });
      assert.equal(started.status, 201);
      const id = started.body.conversation.id;
      await server.bot.settled(id);
      await visitor.call('POST', `/api/widget/conversations/${id}/messages`, { body: '转人工', clientId: 'kyc-2' });
      await server.bot.settled(id);
      // Routing runs as a listener after the hand-off: wait for the assignment, then check where it went.
      const conversation = await eventually(async () => {
        const { body } = await admin.call('GET', `/api/agent/conversations/${id}`);
        return body.conversation.assignee ? body.conversation : null;
      });
      assert.equal(conversation.teamId, team('KYC').id);
      assert.equal(conversation.assignee?.name, 'Alex Chen');
    });
  });
}
