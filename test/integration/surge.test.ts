import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { DEFAULT_SLA_POLICY } from '../../src/contracts/sla.ts';
import type { SurgeChangedEvent } from '../../src/contracts/surge.ts';
import { systemClock } from '../../src/server/clock.ts';
import { detectSurgeFor, sweepSurge } from '../../src/server/surge/surge.service.ts';
import { testDatabases } from '../helpers/databases.ts';
import { enableRouting, eventually } from '../helpers/routing.ts';
import {
  type AgentClient,
  connectSocket,
  createTestOrg,
  loginAgent,
  request,
  type SocketClient,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServerWithBot,
  type VisitorClient,
} from '../helpers/server.ts';

for (const database of await testDatabases()) {
  describe(`surge mode (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServerWithBot;
    let org: TestOrg;
    let admin: AgentClient;
    let agent: AgentClient;
    let adminSocket: SocketClient;
    let widgetSocket: SocketClient;
    const chats: { visitor: VisitorClient; conversationId: string }[] = [];
    const deps = () => ({ db, log: pino({ level: 'silent' }), events: server.events, clock: systemClock });

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      await enableRouting(db, org);
      admin = await loginAgent(server, org.agents.admin);
      agent = await loginAgent(server, org.agents.agent);
      const policy = {
        ...DEFAULT_SLA_POLICY,
        surge: { arrivalsPerMinute: 3, unassignedOpen: null, exitArrivalsPerMinute: 1, minMinutes: 1 },
      };
      const put = await admin.call('PUT', '/api/agent/sla-policy', { policy });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      adminSocket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: admin.cookie });
      const watcher = await startVisitor(server, org);
      widgetSocket = await connectSocket(`${server.wsUrl}/api/widget/ws?token=${encodeURIComponent(watcher.token)}`);
    });
    after(async () => {
      await adminSocket?.close();
      await widgetSocket?.close();
      await server.close();
      await db.drop();
    });

    /** The surge alert mails in the outbox (the mailer keeps them there without SMTP, as the other mail tests read). */
    const alertMails = () =>
      db.query<{ to_address: string; subject: string; body: string }>(
        `SELECT to_address, subject, body FROM outbound_emails
          WHERE org_id = $1 AND (subject LIKE '%尖峰模式%' OR subject LIKE '%高峰模式%' OR subject LIKE '%surge mode%')
          ORDER BY created_at`,
        [org.id],
      );

    async function startChat(body: string) {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body,
        clientId: `c-${chats.length}`,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const chat = { visitor, conversationId: created.body.conversation.id as string };
      chats.push(chat);
      return chat;
    }

    test('starts off; an agent opts in to off-duty alerts', async () => {
      const state = await admin.call('GET', '/api/agent/surge');
      assert.equal(state.status, 200);
      assert.equal(state.body.state.active, false);
      await db.query(`UPDATE agents SET locale = 'zh-TW' WHERE id = $1`, [org.agents.agent.id]);
      const optIn = await agent.call('PATCH', '/api/agent/surge/opt-in', { optIn: true });
      assert.equal(optIn.status, 200, JSON.stringify(optIn.body));
      assert.equal(optIn.body.optIn, true);
    });

    test('many conversations at once turn surge mode on; consoles and widgets hear it', async () => {
      for (let i = 0; i < 4; i++) await startChat(`my withdrawal is stuck ${i}`);
      // A quiet sweep over the other organizations does not disturb this one; then this one's detector runs.
      const result = await detectSurgeFor(deps(), org.id);
      assert.equal(result.active, true);
      assert.equal(result.reason, 'arrivals');
      const onAgent = await adminSocket.waitFor<SurgeChangedEvent>((e) => e.type === 'surge.changed' && e.active);
      assert.equal(onAgent.reason, 'arrivals');
      await widgetSocket.waitFor((e) => e.type === 'surge.changed' && e.active);

      const state = await admin.call('GET', '/api/agent/surge');
      assert.equal(state.body.state.active, true);
      assert.equal(state.body.state.manual, null);
      assert.ok(state.body.state.load.arrivalsPerMinute >= 3);
      // A widget opened now shows the banner from the public state.
      const publicState = await request(`${server.url}/api/widget/surge?org=${org.slug}`);
      assert.deepEqual(publicState.body, { active: true });
      // The agent who opted in is off duty: alerted.
      const mine = await agent.call('GET', '/api/agent/surge');
      assert.ok(mine.body.alertedAt, JSON.stringify(mine.body));
      const [audit] = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM audit_log WHERE org_id = $1 AND action = 'surge.entered'",
        [org.id],
      );
      assert.equal(audit.n, 1);

      // A second run under the same crowd changes nothing (no second surge).
      await sweepSurge(deps());
      const [surges] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM surges WHERE org_id = $1', [
        org.id,
      ]);
      assert.equal(surges.n, 1);

      // …and emailed once, in their own language (zh-TW), through the outbox; nobody who did not opt in is.
      const mails = await eventually(async () => {
        const rows = await alertMails();
        return rows.length > 0 && rows;
      });
      assert.equal(mails.length, 1);
      assert.equal(mails[0]?.to_address, org.agents.agent.email);
      assert.match(mails[0]?.subject ?? '', /尖峰模式/);
      assert.match(mails[0]?.body ?? '', /新對話激增/);
    });

    test('a conversation arriving in surge mode gets the peak SLA targets', async () => {
      const chat = await startChat('deposit not arrived');
      let peak: boolean | undefined;
      for (let i = 0; i < 50 && peak === undefined; i++) {
        const rows = await db.query<{ peak: boolean }>(
          'SELECT peak FROM conversation_slas WHERE org_id = $1 AND conversation_id = $2',
          [org.id, chat.conversationId],
        );
        peak = rows[0]?.peak;
        if (peak === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(peak, true);
    });

    test("a supervisor's incident announcement reaches every waiting conversation at once", async () => {
      const text = {
        'zh-CN': '因市场剧烈波动，咨询量激增，我们正在加急处理，请耐心等待。',
        en: 'Because of heavy market movement many customers are contacting us; we are working through the queue.',
      };
      assert.equal((await agent.call('POST', '/api/agent/surge/announcements', { text })).status, 403);
      const posted = await admin.call('POST', '/api/agent/surge/announcements', { text });
      assert.equal(posted.status, 200, JSON.stringify(posted.body));
      assert.ok(posted.body.announcedTo >= chats.length, JSON.stringify(posted.body));
      for (const chat of chats) {
        const list = await chat.visitor.call('GET', `/api/widget/conversations/${chat.conversationId}/messages`);
        assert.equal(list.status, 200);
        const bodies = (list.body.messages as { body: string }[]).map((m) => m.body);
        assert.ok(
          bodies.some((b) => b === text['zh-CN'] || b === text.en),
          `${chat.conversationId}: ${JSON.stringify(bodies)}`,
        );
      }
    });

    test('an announcement naming a coin goes to the status page too, and nobody hears it twice', async () => {
      const text = { 'zh-CN': 'USDT TRC20 提现延迟，正在处理。', en: 'USDT TRC20 withdrawals are delayed.' };
      const posted = await admin.call('POST', '/api/agent/surge/announcements', {
        text,
        coin: 'USDT',
        network: 'TRC20',
        withdrawals: 'congested',
      });
      assert.equal(posted.status, 200, JSON.stringify(posted.body));
      assert.equal(posted.body.platformStatus, true);
      const status = await admin.call('GET', '/api/agent/platform-status');
      const entry = status.body.entries.find((e: { coin: string }) => e.coin === 'USDT');
      assert.equal(entry.withdrawals, 'congested');
      assert.equal(entry.note.en, text.en);
      const list = await chats[0].visitor.call('GET', `/api/widget/conversations/${chats[0].conversationId}/messages`);
      const mentions = (list.body.messages as { meta?: { announcement?: { coin?: string } } }[]).filter(
        (m) => m.meta?.announcement?.coin === 'USDT',
      );
      assert.ok(mentions.length <= 1, JSON.stringify(mentions));
    });

    test('a supervisor forces it off (audited); the crowd cannot turn it back on until auto', async () => {
      assert.equal((await agent.call('POST', '/api/agent/surge', { mode: 'off' })).status, 403);
      const off = await admin.call('POST', '/api/agent/surge', { mode: 'off' });
      assert.equal(off.status, 200, JSON.stringify(off.body));
      assert.equal(off.body.state.active, false);
      assert.equal(off.body.state.manual, 'off');
      await adminSocket.waitFor((e) => e.type === 'surge.changed' && !e.active);
      await widgetSocket.waitFor((e) => e.type === 'surge.changed' && !e.active);
      const audit = await db.query<{ action: string; details: Record<string, unknown> }>(
        "SELECT action, details FROM audit_log WHERE org_id = $1 AND action IN ('surge.mode', 'surge.left') ORDER BY id",
        [org.id],
      );
      assert.deepEqual(
        audit.map((a) => a.action),
        ['surge.mode', 'surge.left'],
      );
      assert.equal(audit[0].details.mode, 'off');

      await startChat('still waiting');
      assert.equal((await detectSurgeFor(deps(), org.id)).active, false);

      // Back to auto: the detector sees the crowd of the last minute and turns it on again.
      const auto = await admin.call('POST', '/api/agent/surge', { mode: 'auto' });
      assert.equal(auto.status, 200);
      assert.equal(auto.body.state.manual, null);
      assert.equal(auto.body.state.active, true);
      // A new surge is a new alert: a second mail, not one per detector run.
      const mails = await eventually(async () => {
        const rows = await alertMails();
        return rows.length > 1 && rows;
      });
      await sweepSurge(deps());
      assert.equal(mails.length, 2);
      assert.deepEqual(
        (await alertMails()).map((m) => m.to_address),
        [org.agents.agent.email, org.agents.agent.email],
      );
    });

    test('the surge report lists the surges with their measures', async () => {
      assert.equal((await agent.call('GET', '/api/agent/surge/reports')).status, 403);
      const reports = await admin.call('GET', '/api/agent/surge/reports');
      assert.equal(reports.status, 200, JSON.stringify(reports.body));
      assert.equal(reports.body.surges.length, 2);
      const [current, first] = reports.body.surges;
      assert.equal(current.endedAt, null);
      assert.ok(first.endedAt);
      assert.equal(first.reason, 'arrivals');
      // The conversations that arrived while the first surge ran.
      assert.ok(first.arrivals >= 1, JSON.stringify(first));
      assert.ok(first.peakArrivalsPerMinute >= 1);
      assert.equal(first.containedWithoutHuman, 0);
      assert.ok(first.longestWaitSeconds === null || first.longestWaitSeconds >= 0);
      assert.ok(first.slaAttainmentPercent === null || first.slaAttainmentPercent === 100, JSON.stringify(first));
    });
  });
}
