import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decodeCsv } from '../../src/server/reports/csv.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

const S = 1000;

for (const database of await testDatabases()) {
  describe(`reports from the event log (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let nyOrg: TestOrg;
    let supervisor: AgentClient;
    let agent: AgentClient;
    let nySupervisor: AgentClient;
    let number = 100_000; // far above the display numbers the API hands out

    async function conversation(
      o: TestOrg,
      createdAt: string,
      options: { intent?: string; priority?: string } = {},
    ): Promise<{ id: string; t0: number }> {
      const [contact] = await db.query<{ id: string }>(
        `INSERT INTO contacts (org_id, name) VALUES ($1, 'c') RETURNING id`,
        [o.id],
      );
      const [row] = await db.query<{ id: string }>(
        `INSERT INTO conversations (org_id, number, inbox_id, contact_id, priority, last_intent, last_language,
           created_at, updated_at, last_activity_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'zh-CN', $7, $7, $7) RETURNING id`,
        [o.id, ++number, o.inboxId, contact?.id, options.priority ?? 'normal', options.intent ?? null, createdAt],
      );
      return { id: row?.id as string, t0: Date.parse(createdAt) };
    }
    async function message(
      o: TestOrg,
      c: { id: string; t0: number },
      kind: string,
      afterMs: number,
      authorId?: string,
    ) {
      await db.query(
        `WITH s AS (UPDATE conversations SET last_seq = last_seq + 1 WHERE id = $2 RETURNING last_seq)
         INSERT INTO messages (org_id, conversation_id, seq, author_kind, author_id, body, created_at)
         SELECT $1, $2, s.last_seq, $3, $4, 'hi', $5 FROM s`,
        [o.id, c.id, kind, authorId ?? null, new Date(c.t0 + afterMs)],
      );
    }
    async function setStatus(c: { id: string; t0: number }, status: string, afterMs: number) {
      const at = new Date(c.t0 + afterMs);
      await db.query(
        `UPDATE conversations SET status = $2, resolved_at = CASE WHEN $2 = 'resolved' THEN $3::timestamptz END,
           updated_at = $3 WHERE id = $1`,
        [c.id, status, at],
      );
    }

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      nyOrg = await createTestOrg(db);
      await db.query(`UPDATE organizations SET settings = '{"timeZone": "America/New_York"}' WHERE id = $1`, [
        nyOrg.id,
      ]);
      supervisor = await loginAgent(server, org.agents.secure);
      agent = await loginAgent(server, org.agents.agent);
      nySupervisor = await loginAgent(server, nyOrg.agents.secure);
      const a = org.agents.agent.id;
      await db.query(`UPDATE agents SET name = '王小明, "客服"' WHERE id = $1`, [a]);

      // 2026-06-10 in Shanghai (UTC+8): four conversations whose figures are known.
      const c1 = await conversation(org, '2026-06-10T02:00:00Z', { priority: 'high', intent: 'withdrawal_status' });
      await message(org, c1, 'customer', 0);
      await message(org, c1, 'agent', 60 * S, a);
      await message(org, c1, 'customer', 120 * S);
      await message(org, c1, 'agent', 300 * S, a); // next response: 180 s
      await setStatus(c1, 'resolved', 600 * S);

      const c2 = await conversation(org, '2026-06-10T03:00:00Z', { intent: 'deposit_missing' });
      await message(org, c2, 'customer', 0);
      await db.query(
        `UPDATE conversations SET handoff_at = $2, handoff_reason = 'customer_asked', updated_at = $2 WHERE id = $1`,
        [c2.id, new Date(c2.t0 + 30 * S)],
      );
      await message(org, c2, 'agent', 120 * S, a);
      await setStatus(c2, 'resolved', 1200 * S);
      await db.query(
        `INSERT INTO complaints (org_id, conversation_id, source, reason, due_at, created_at)
         VALUES ($1, $2, 'agent', 'rude', $3, $3)`,
        [org.id, c2.id, new Date(c2.t0 + 1300 * S)],
      );

      const c3 = await conversation(org, '2026-06-10T04:00:00Z', { intent: 'deposit_missing' });
      await message(org, c3, 'customer', 0);
      await message(org, c3, 'bot', 5 * S);
      await setStatus(c3, 'resolved', 300 * S);
      await setStatus(c3, 'open', 400 * S);
      await setStatus(c3, 'resolved', 500 * S);

      const c4 = await conversation(org, '2026-06-10T05:00:00Z');
      await message(org, c4, 'customer', 0);

      // CSAT: c1 rated 5, c2 rated 2, c3 asked and never answered.
      for (const [c, rating] of [
        [c1, 5],
        [c2, 2],
        [c3, null],
      ] as const) {
        const at = new Date(c.t0 + 2000 * S);
        await db.query(
          `INSERT INTO csat_surveys (conversation_id, org_id, agent_id, locale, requested_at, created_at, updated_at)
           VALUES ($1, $2, $3, 'zh-CN', $4, $4, $4)`,
          [c.id, org.id, c === c3 ? null : a, at],
        );
        if (rating !== null) {
          await db.query(`UPDATE csat_surveys SET rating = $2, answered_at = $3 WHERE conversation_id = $1`, [
            c.id,
            rating,
            new Date(at.getTime() + S),
          ]);
        }
      }
      // SLAs: c1 met, c2 breached its first response.
      for (const c of [c1, c2]) {
        await db.query(
          `INSERT INTO conversation_slas (conversation_id, org_id, started_at, updated_at) VALUES ($1, $2, $3, $3)`,
          [c.id, org.id, new Date(c.t0)],
        );
      }
      await db.query(`UPDATE conversation_slas SET breached = '{firstResponse}' WHERE conversation_id = $1`, [c2.id]);

      // The local-day edge: 23:30 on 06-11 and 00:30 on 06-12 in Shanghai (both 06-11 in UTC).
      await conversation(org, '2026-06-11T15:30:00Z');
      await conversation(org, '2026-06-11T16:30:00Z');

      // New York around the DST change (2026-03-08 02:00 EST → EDT).
      await conversation(nyOrg, '2026-03-08T04:30:00Z'); // 23:30 EST on 03-07
      await conversation(nyOrg, '2026-03-09T03:30:00Z'); // 23:30 EDT on 03-08
      await conversation(nyOrg, '2026-03-09T04:30:00Z'); // 00:30 EDT on 03-09
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    const DAY = 'from=2026-06-10&to=2026-06-10';

    test('the summary: every metric on a log whose answers are known', async () => {
      const { status, body } = await supervisor.call('GET', `/api/agent/reports/summary?${DAY}`);
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.timeZone, 'Asia/Shanghai');
      assert.equal(body.conversations, 4);
      assert.deepEqual(body.firstResponseSeconds, { count: 2, mean: 90, median: 90, p90: 114 });
      assert.deepEqual(body.nextResponseSeconds, { count: 1, mean: 180, median: 180, p90: 180 });
      assert.deepEqual(body.resolutionSeconds, { count: 3, mean: 700, median: 600, p90: 1080 });
      assert.equal(body.slaAttainment, 0.5);
      assert.deepEqual(body.slaAttainmentByPriority, [
        { priority: 'high', conversations: 1, attainment: 1 },
        { priority: 'normal', conversations: 1, attainment: 0 },
      ]);
      assert.equal(body.csatScore, 0.625);
      assert.equal(body.csatSatisfied, 0.5);
      assert.equal(body.csatResponses, 2);
      assert.equal(body.csatResponseRate, 2 / 3);
      assert.equal(body.complaintRate, 0.25);
      assert.equal(body.botContainment, 0.25);
      assert.equal(body.handoffRate, 0.25);
      assert.equal(body.reopenRate, 1 / 3);
      assert.equal(body.backlog, 3); // c4 and the two edge conversations
    });

    test('filters narrow the scope; volume by intent, hour and channel', async () => {
      const high = await supervisor.call('GET', `/api/agent/reports/summary?${DAY}&priority=high`);
      assert.equal(high.body.conversations, 1);
      assert.equal(high.body.firstResponseSeconds.median, 60);
      const byIntent = await supervisor.call('GET', `/api/agent/reports/volume?${DAY}&by=intent`);
      assert.deepEqual(byIntent.body.rows, [
        { key: 'deposit_missing', conversations: 2 },
        { key: 'none', conversations: 1 },
        { key: 'withdrawal_status', conversations: 1 },
      ]);
      const byHour = await supervisor.call('GET', `/api/agent/reports/volume?${DAY}&by=hour`);
      assert.deepEqual(
        byHour.body.rows.map((r: { key: string }) => r.key),
        ['10', '11', '12', '13'],
      );
      const byChannel = await supervisor.call('GET', `/api/agent/reports/volume?${DAY}&by=channel`);
      assert.deepEqual(byChannel.body.rows, [{ key: 'web', conversations: 4 }]);
    });

    test('hand-offs by reason and intent, agents and their figures', async () => {
      const handoffs = await supervisor.call('GET', `/api/agent/reports/handoffs?${DAY}`);
      assert.deepEqual(handoffs.body.rows, [{ reason: 'customer_asked', intent: 'deposit_missing', handoffs: 1 }]);
      assert.equal(handoffs.body.handoffRate, 0.25);
      const agents = await supervisor.call('GET', `/api/agent/reports/agents?${DAY}`);
      assert.equal(agents.status, 200);
      const me = agents.body.agents.find((x: { agentId: string }) => x.agentId === org.agents.agent.id);
      assert.deepEqual(
        { ...me, teamIds: undefined },
        {
          agentId: org.agents.agent.id,
          name: '王小明, "客服"',
          teamIds: undefined,
          handled: 2,
          firstResponseMedianSeconds: 90,
          resolutionMedianSeconds: null,
          csatScore: 0.625,
          csatResponses: 2,
          // Never online (no presence logged): no occupancy to tell (test/integration/occupancy.test.ts).
          onlineSeconds: 0,
          busySeconds: 0,
          occupancy: null,
        },
      );
    });

    test('a conversation at 23:30 local belongs to that local day', async () => {
      const r = await supervisor.call('GET', '/api/agent/reports/volume?from=2026-06-11&to=2026-06-12&by=day');
      assert.deepEqual(r.body.rows, [
        { key: '2026-06-11', conversations: 1 },
        { key: '2026-06-12', conversations: 1 },
      ]);
    });

    test('day boundaries follow a DST change (America/New_York, 2026-03-08)', async () => {
      const r = await nySupervisor.call('GET', '/api/agent/reports/volume?from=2026-03-07&to=2026-03-09&by=day');
      assert.equal(r.body.timeZone, 'America/New_York');
      assert.deepEqual(r.body.rows, [
        { key: '2026-03-07', conversations: 1 },
        { key: '2026-03-08', conversations: 1 },
        { key: '2026-03-09', conversations: 1 },
      ]);
      const hours = await nySupervisor.call('GET', '/api/agent/reports/volume?from=2026-03-07&to=2026-03-09&by=hour');
      assert.deepEqual(hours.body.rows, [
        { key: '00', conversations: 1 },
        { key: '23', conversations: 2 },
      ]);
    });

    test('CSAT trend: score and response rate per local day, filtered, with every day present; CSV', async () => {
      const r = await supervisor.call('GET', '/api/agent/reports/csat-trend?from=2026-06-09&to=2026-06-11');
      assert.equal(r.status, 200);
      assert.deepEqual(
        r.body.days.map((d: { date: string }) => d.date),
        ['2026-06-09', '2026-06-10', '2026-06-11'],
      );
      const [before, day, afterDay] = r.body.days;
      assert.deepEqual(before, {
        date: '2026-06-09',
        requested: 0,
        responses: 0,
        responseRate: null,
        score: null,
        satisfied: null,
      });
      // c1 rated 5, c2 rated 2, c3 asked and never answered: as the summary counts them.
      assert.deepEqual(day, {
        date: '2026-06-10',
        requested: 3,
        responses: 2,
        responseRate: 2 / 3,
        score: 0.625,
        satisfied: 0.5,
      });
      assert.equal(afterDay.requested, 0);

      // A filter narrows it like every report: only c1 is high priority.
      const high = await supervisor.call('GET', `/api/agent/reports/csat-trend?${DAY}&priority=high`);
      assert.deepEqual(
        { requested: high.body.days[0].requested, score: high.body.days[0].score },
        { requested: 1, score: 1 },
      );

      const csv = await fetch(`${server.url}/api/agent/reports/csat-trend?${DAY}&format=csv`, {
        headers: { cookie: supervisor.cookie },
      });
      assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
      const bytes = new Uint8Array(await csv.arrayBuffer());
      assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
      const rows = decodeCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
      assert.deepEqual(rows[0], ['date', 'requested', 'responses', 'responseRate', 'score', 'satisfied']);
      assert.deepEqual(rows[1]?.slice(0, 3), ['2026-06-10', '3', '2']);
      assert.equal(Number(rows[1]?.[4]), 0.625);

      const denied = await agent.call('GET', `/api/agent/reports/csat-trend?${DAY}`);
      assert.equal(denied.status, 403);
    });

    test('CSV: RFC 4180 with a BOM, Chinese text, commas and quotes round-trip', async () => {
      const r = await fetch(`${server.url}/api/agent/reports/agents?${DAY}&format=csv`, {
        headers: { cookie: supervisor.cookie },
      });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.match(r.headers.get('content-disposition') ?? '', /filename="kefu-agents-2026-06-10-2026-06-10\.csv"/);
      const bytes = new Uint8Array(await r.arrayBuffer());
      assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
      const rows = decodeCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes));
      assert.equal(rows[0]?.[2], 'name');
      const me = rows.find((row) => row[1] === org.agents.agent.id);
      assert.equal(me?.[2], '王小明, "客服"');
      assert.equal(me?.[3], '2');
    });

    test('events of one conversation written by concurrent transactions all reach its facts', async () => {
      const c = await conversation(org, '2026-11-20T02:00:00Z');
      // Twenty transactions at once each add an agent's reply event (the path a message and a CSAT request share).
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          db.query(
            `INSERT INTO conversation_events (org_id, conversation_id, kind, at, actor_kind, actor_id, data)
             VALUES ($1, $2, 'agent_message', $3, 'agent', $4, '{}')`,
            [org.id, c.id, new Date(c.t0 + (i + 1) * 1000), org.agents.agent.id],
          ),
        ),
      );
      const [facts] = await db.query<{ agent_replied: boolean }>(
        'SELECT agent_replied FROM conversation_facts WHERE conversation_id = $1',
        [c.id],
      );
      assert.equal(facts?.agent_replied, true);
    });

    test('bad input: reversed or over-long ranges and unknown filter values are 400', async () => {
      const reversed = await supervisor.call('GET', '/api/agent/reports/summary?from=2026-06-10&to=2026-06-01');
      assert.equal(reversed.status, 400);
      assert.equal(reversed.body.error.code, 'report_range_reversed');
      const long = await supervisor.call('GET', '/api/agent/reports/volume?from=2025-01-01&to=2026-06-01');
      assert.equal(long.status, 400);
      assert.equal(long.body.error.code, 'report_range_too_long');
      const year = await supervisor.call('GET', '/api/agent/reports/summary?from=2025-06-01&to=2026-06-01');
      assert.equal(year.status, 200);
      for (const q of ['channel=fax', 'priority=meh', 'intent=nope', 'language=fr', 'by=week', 'from=June']) {
        const r = await supervisor.call('GET', `/api/agent/reports/volume?${q}`);
        assert.equal(r.status, 400, q);
        assert.equal(r.body.error.code, 'validation_failed', q);
      }
    });

    test("an agent needs 'reports_read'; another organization's figures never show", async () => {
      const denied = await agent.call('GET', '/api/agent/reports/summary');
      assert.equal(denied.status, 403);
      await db.query(`UPDATE agents SET permissions = '{reports_read}' WHERE id = $1`, [org.agents.agent.id]);
      const allowed = await agent.call('GET', `/api/agent/reports/summary?${DAY}`);
      assert.equal(allowed.status, 200);
      assert.equal(allowed.body.conversations, 4);
      const other = await nySupervisor.call('GET', `/api/agent/reports/summary?${DAY}`);
      assert.equal(other.body.conversations, 0);
      const anonymous = await fetch(`${server.url}/api/agent/reports/summary`);
      assert.equal(anonymous.status, 401);
    });

    test('the real API writes the log through the triggers, in the same transaction', async () => {
      const visitor = await startVisitor(server, org);
      const started = await visitor.call('POST', '/api/widget/conversations', {
        body: '提现还没到账',
        clientId: crypto.randomUUID(),
      });
      assert.equal(started.status, 201, JSON.stringify(started.body));
      const id = started.body.conversation.id as string;
      const admin = await loginAgent(server, org.agents.admin);
      for (let i = 0; i < 2; i++) {
        const sent = await admin.call('POST', `/api/agent/conversations/${id}/messages`, {
          body: `reply ${i}`,
          clientId: crypto.randomUUID(),
        });
        assert.equal(sent.status, 201, JSON.stringify(sent.body));
      }
      const kinds = await db.query<{ kind: string; n: number }>(
        `SELECT kind, count(*)::int AS n FROM conversation_events WHERE org_id = $1 AND conversation_id = $2
         GROUP BY kind ORDER BY kind`,
        [org.id, id],
      );
      const byKind = Object.fromEntries(kinds.map((k) => [k.kind, k.n]));
      assert.equal(byKind.created, 1);
      assert.equal(byKind.customer_message, 1);
      assert.equal(byKind.agent_message, 2);
      assert.equal(byKind.first_reply, 1);
    });
  });
}
