import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  startTestServer,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

const day = (count: number, from: number, to: number) =>
  Array.from({ length: 48 }, (_, t) => (t >= from * 2 && t < to * 2 ? count : 0));

for (const database of await testDatabases()) {
  describe(`workforce planning (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let other: TestOrg;
    let admin: AgentClient;
    let agent: AgentClient;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      other = await createTestOrg(db);
      admin = await loginAgent(server, org.agents.admin);
      agent = await loginAgent(server, org.agents.agent);
      // Three days of history: 4 conversations in every hour from 09:00 to 17:00 UTC, resolved after 6 minutes.
      const [contact] = await db.query<{ id: string }>('INSERT INTO contacts (org_id) VALUES ($1) RETURNING id', [
        org.id,
      ]);
      const midnight = Math.floor(Date.now() / 86_400_000) * 86_400_000;
      let number = 1000;
      for (let d = 1; d <= 3; d++)
        for (let h = 9; h < 17; h++)
          for (let k = 0; k < 4; k++) {
            const at = new Date(midnight - d * 86_400_000 + h * 3_600_000 + k * 900_000);
            await db.query(
              `INSERT INTO conversations (org_id, number, inbox_id, contact_id, status, created_at, first_reply_at, resolved_at)
               VALUES ($1, $2, $3, $4, 'resolved', $5, $5, $6)`,
              [org.id, number++, org.inboxId, contact.id, at, new Date(at.getTime() + 360_000)],
            );
          }
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    test('Erlang C: the classic example gives 14 agents', async () => {
      const res = await admin.call('POST', '/api/agent/workforce/erlang-c', {
        arrivals: 100,
        intervalSeconds: 1800,
        ahtSeconds: 180,
        targetSeconds: 20,
        serviceLevel: 0.8,
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.agents, 14);
      assert.equal(Number(res.body.serviceLevel.toFixed(3)), 0.888);
      assert.equal(Number(res.body.probabilityOfWaiting.toFixed(3)), 0.174);
    });

    test('Erlang A through the API: abandonment, and the largest load the contract allows (10,000 Erlangs)', async () => {
      const body = { arrivals: 100, intervalSeconds: 1800, ahtSeconds: 180, targetSeconds: 20, serviceLevel: 0.8 };
      const res = await admin.call('POST', '/api/agent/workforce/erlang-c', { ...body, patienceSeconds: 60 });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.ok(res.body.agents < 14, `abandonment lowers the staff needed: ${res.body.agents}`);
      assert.ok(res.body.probabilityOfAbandon > 0 && res.body.serviceLevel >= 0.8, JSON.stringify(res.body));
      // 10,000 Erlangs (the contract's cap) with a day's patience: the closed form and the bisection answer it.
      const big = await admin.call('POST', '/api/agent/workforce/erlang-c', {
        ...body,
        arrivals: 100_000,
        patienceSeconds: 86_400,
      });
      assert.equal(big.status, 200, JSON.stringify(big.body));
      assert.ok(big.body.agents > 10_000 && big.body.agents < 10_200, String(big.body.agents));
      assert.ok(big.body.serviceLevel >= 0.8);
    });

    test('bad input is a 400; a plain agent is refused', async () => {
      const bad = await admin.call('POST', '/api/agent/workforce/erlang-c', { arrivals: -1, intervalSeconds: 1800 });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'validation_failed');
      const badDays = await admin.call('GET', '/api/agent/workforce/forecast?days=99');
      assert.equal(badDays.status, 400);
      const forbidden = await agent.call('GET', '/api/agent/workforce/forecast');
      assert.equal(forbidden.status, 403);
      const badPlan = await admin.call('POST', '/api/agent/workforce/shift-plan', { required: [1, 2, 3] });
      assert.equal(badPlan.status, 400);
    });

    test('the forecast counts the org’s conversations and flags too little history', async () => {
      const res = await admin.call('GET', '/api/agent/workforce/forecast?days=2');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.values.length, 96);
      assert.equal(res.body.insufficientHistory, true);
      assert.equal(res.body.method, 'daily-average');
      const total = res.body.values.reduce((s: number, v: number) => s + v, 0);
      // 4 an hour for 8 hours a day, less the part of today already gone (the profile is by time of day).
      assert.ok(total > 0 && total <= 2 * 32 + 1e-9, String(total));
      // Another organization sees none of it.
      const otherAdmin = await loginAgent(server, other.agents.admin);
      const empty = await otherAdmin.call('GET', '/api/agent/workforce/forecast?days=1');
      assert.equal(empty.body.method, 'none');
      assert.deepEqual(empty.body.values, new Array(48).fill(0));
    });

    test('staffing: required agents per interval from the forecast, history’s AHT and the SLA targets', async () => {
      const res = await admin.call('GET', '/api/agent/workforce/staffing?days=1');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.intervals.length, 48);
      assert.equal(res.body.ahtSeconds, 360);
      assert.equal(res.body.ahtFromHistory, true);
      assert.ok(res.body.targets.offPeakSeconds > 0);
      for (const i of res.body.intervals) {
        if (i.forecast === 0) assert.equal(i.agents, 0);
        else assert.ok(i.agents >= 1 && i.serviceLevel >= 0.8);
      }
    });

    test('shift plan: covered → the plan, and CSV', async () => {
      const body = {
        days: 1,
        rules: {
          shiftLengthsHours: [8],
          breakOverHours: 8,
          startEveryMinutes: 60,
          maxConsecutiveDays: 5,
          minRestHours: 11,
        },
        agents: [{ id: 'a' }, { id: 'b' }, { id: 'c' }],
        required: day(2, 8, 16),
        startAt: '2026-03-02T00:00:00.000Z',
      };
      const res = await admin.call('POST', '/api/agent/workforce/shift-plan', body);
      assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 500));
      assert.equal(res.body.status, 'covered');
      assert.equal(res.body.shifts.length, 2);
      assert.equal(res.body.staffHours, 16);
      const csv = await admin.call('POST', '/api/agent/workforce/shift-plan?format=csv', body);
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
      const lines = String(csv.body).trim().split('\n');
      assert.equal(lines[0], 'interval_start,required,scheduled,short');
      assert.equal(lines.length, 49);
      assert.equal(lines[17], '2026-03-02T08:00:00.000Z,2,2,0');
    });

    test('shift plan: rules that cannot cover → 422 naming the uncovered intervals', async () => {
      const res = await admin.call('POST', '/api/agent/workforce/shift-plan', {
        days: 1,
        rules: { shiftLengthsHours: [4] },
        agents: [{ id: 'only', skills: ['zh'] }],
        required: day(2, 10, 12),
        startAt: '2026-03-02T00:00:00.000Z',
      });
      assert.equal(res.status, 422);
      assert.equal(res.body.error.code, 'workforce_uncovered');
      assert.deepEqual(
        res.body.error.uncovered.map((u: { start: string }) => u.start),
        ['10:00', '10:30', '11:00', '11:30'].map((h) => `2026-03-02T${h}:00.000Z`),
      );
      assert.equal(res.body.plan.shifts.length, 1);
    });

    test('workforce rules: admins save them (validated, audited, per org); the plan uses them', async () => {
      const defaults = await admin.call('GET', '/api/agent/workforce/rules');
      assert.equal(defaults.status, 200);
      assert.deepEqual(defaults.body.rules.agents, []);
      assert.equal(defaults.body.rules.shift.minRestHours, 11);

      const rules = {
        shift: { shiftLengthsHours: [4], startEveryMinutes: 60, maxConsecutiveDays: 5, minRestHours: 12 },
        agents: [{ agentId: org.agents.admin.id, languages: ['en'], skills: ['vip'] }],
        coverage: [{ skill: 'en', minAgents: 1, fromHour: 10, toHour: 12 }],
      };
      assert.equal((await agent.call('PUT', '/api/agent/workforce/rules', rules)).status, 403);
      const stranger = { ...rules, agents: [{ agentId: other.agents.admin.id, languages: ['en'] }] };
      const refused = await admin.call('PUT', '/api/agent/workforce/rules', stranger);
      assert.equal(refused.status, 400);
      assert.equal(refused.body.error.code, 'bad_request');
      const reversed = { ...rules, coverage: [{ skill: 'en', minAgents: 1, fromHour: 12, toHour: 10 }] };
      const invalid = await admin.call('PUT', '/api/agent/workforce/rules', reversed);
      assert.equal(invalid.status, 400);
      assert.equal(invalid.body.error.code, 'validation_failed');

      const saved = await admin.call('PUT', '/api/agent/workforce/rules', rules);
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.equal(saved.body.rules.shift.breakOverHours, 6); // defaults filled in
      const read = await admin.call('GET', '/api/agent/workforce/rules');
      assert.deepEqual(read.body.rules, saved.body.rules);
      const [audit] = await db.query<{ details: { after: { shift: { minRestHours: number } } } }>(
        `SELECT details FROM audit_log WHERE org_id = $1 AND action = 'workforce.rules'`,
        [org.id],
      );
      assert.equal(audit?.details.after.shift.minRestHours, 12);
      const otherAdmin = await loginAgent(server, other.agents.admin);
      assert.deepEqual((await otherAdmin.call('GET', '/api/agent/workforce/rules')).body.rules.agents, []);

      // The org's plan: 4 h shifts from the rules, and 10:00–12:00 (the org's zone, Asia/Shanghai by default) needs
      // the English speaker (the admin). The plan starts at local midnight, 16:00Z the day before.
      const plan = await admin.call('POST', '/api/agent/workforce/shift-plan', {
        days: 1,
        required: day(1, 10, 12),
        startAt: '2026-03-01T16:00:00.000Z',
      });
      assert.equal(plan.status, 200, JSON.stringify(plan.body).slice(0, 500));
      assert.deepEqual(
        plan.body.shifts.map((s: { agentId: string; paidHours: number }) => [s.agentId, s.paidHours]),
        [[org.agents.admin.id, 4]],
      );
      assert.equal(plan.body.intervals[20].requiredBySkill.en, 1);
      assert.equal(plan.body.intervals[24].requiredBySkill.en, 0);
    });

    test("cover rules are the org's wall-clock hours, across a DST change (Europe/Berlin, 2026-03-29)", async () => {
      const berlin = await createTestOrg(db);
      await db.query(`UPDATE organizations SET settings = '{"timeZone": "Europe/Berlin"}' WHERE id = $1`, [berlin.id]);
      const berlinAdmin = await loginAgent(server, berlin.agents.admin);
      const saved = await berlinAdmin.call('PUT', '/api/agent/workforce/rules', {
        shift: { shiftLengthsHours: [8] },
        agents: [],
        coverage: [{ skill: 'en', minAgents: 1, fromHour: 9, toHour: 17 }],
      });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      // Two plan days from Saturday 28 March 00:00 CET (23:00Z); clocks go from 02:00 CET to 03:00 CEST on Sunday.
      const res = await berlinAdmin.call('POST', '/api/agent/workforce/shift-plan', {
        days: 2,
        agents: [{ id: 'anna', skills: ['en'] }],
        required: new Array(96).fill(0),
        startAt: '2026-03-27T23:00:00.000Z',
      });
      assert.ok(res.status === 200 || res.status === 422, JSON.stringify(res.body).slice(0, 300));
      const plan = res.status === 200 ? res.body : res.body.plan;
      const covered = plan.intervals
        .filter((i: { requiredBySkill: { en: number } }) => i.requiredBySkill.en === 1)
        .map((i: { start: string }) => i.start);
      const halfHours = (fromIso: string, count: number) =>
        Array.from({ length: count }, (_, k) => new Date(Date.parse(fromIso) + k * 1_800_000).toISOString());
      // 09:00–17:00 local: 08:00–16:00Z on Saturday (CET, UTC+1), 07:00–15:00Z on Sunday (CEST, UTC+2).
      assert.deepEqual(covered, [
        ...halfHours('2026-03-28T08:00:00.000Z', 16),
        ...halfHours('2026-03-29T07:00:00.000Z', 16),
      ]);

      // Without a start, the plan begins at the next local midnight (00:00 in Berlin, whatever the offset today).
      const next = await berlinAdmin.call('POST', '/api/agent/workforce/shift-plan', {
        days: 1,
        agents: [{ id: 'anna', skills: ['en'] }],
        required: new Array(48).fill(0),
      });
      const nextPlan = next.status === 200 ? next.body : next.body.plan;
      const first = new Date(nextPlan.intervals[0].start);
      const wall = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Berlin',
        hourCycle: 'h23',
        hour: '2-digit',
        minute: '2-digit',
      }).format(first);
      assert.equal(wall, '00:00');
      assert.ok(first.getTime() > Date.now() && first.getTime() <= Date.now() + 86_400_000);
    });

    test('shift plan from the org: its agents and its staffing forecast', async () => {
      const res = await admin.call('POST', '/api/agent/workforce/shift-plan', { days: 1 });
      assert.ok(res.status === 200 || res.status === 422, JSON.stringify(res.body).slice(0, 300));
      const plan = res.status === 200 ? res.body : res.body.plan;
      assert.equal(plan.intervals.length, 48);
    });
    test('OpenAPI lists the routes under the agent: workforce tag', async () => {
      const res = await admin.call('GET', '/api/docs/json');
      assert.equal(res.status, 200);
      for (const path of ['erlang-c', 'forecast', 'staffing', 'shift-plan']) {
        const ops = Object.values(res.body.paths[`/api/agent/workforce/${path}`]) as { tags: string[] }[];
        assert.ok(
          ops.every((op) => op.tags.includes('agent: workforce')),
          path,
        );
      }
    });
  });
}
