import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { decodeCsv } from '../../src/server/reports/csv.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  startTestServer,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

// The report's day, 2026-06-10 in Asia/Shanghai (UTC+8, the default zone): 2026-06-09T16:00Z to 2026-06-10T16:00Z.
const DAY = 'from=2026-06-10&to=2026-06-10';
const utc = (hhmm: string, date = '2026-06-10') => new Date(`${date}T${hhmm}:00Z`);

for (const database of await testDatabases()) {
  describe(`occupancy from the presence log (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let supervisor: AgentClient;
    let admin: AgentClient;
    let teamId: string;
    let number = 50_000;

    /** A presence change as routing writes it: the status with the application clock's status_changed_at. */
    async function presence(agentId: string, status: string, at: Date) {
      await db.query(
        `INSERT INTO agent_routing (agent_id, org_id, status, status_changed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (agent_id) DO UPDATE SET status = EXCLUDED.status, status_changed_at = EXCLUDED.status_changed_at`,
        [agentId, org.id, status, at],
      );
    }
    async function conversation(createdAt: Date): Promise<string> {
      const [contact] = await db.query<{ id: string }>(
        `INSERT INTO contacts (org_id, name) VALUES ($1, 'c') RETURNING id`,
        [org.id],
      );
      const [row] = await db.query<{ id: string }>(
        `INSERT INTO conversations (org_id, number, inbox_id, contact_id, team_id, created_at, updated_at,
           last_activity_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $6) RETURNING id`,
        [org.id, ++number, org.inboxId, contact?.id, teamId, createdAt],
      );
      return row?.id as string;
    }
    async function assign(id: string, agentId: string, at: Date) {
      await db.query('UPDATE conversations SET assignee_id = $2, assigned_at = $3, updated_at = $3 WHERE id = $1', [
        id,
        agentId,
        at,
      ]);
    }
    async function setStatus(id: string, status: string, at: Date) {
      await db.query(
        `UPDATE conversations SET status = $2, resolved_at = CASE WHEN $2 = 'resolved' THEN $3::timestamptz END,
           updated_at = $3 WHERE id = $1`,
        [id, status, at],
      );
    }

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      supervisor = await loginAgent(server, org.agents.secure);
      admin = await loginAgent(server, org.agents.admin);
      const [team] = await db.query<{ id: string }>(
        `INSERT INTO teams (org_id, name) VALUES ($1, '一线, "VIP"') RETURNING id`,
        [org.id],
      );
      teamId = team?.id as string;
      const a = org.agents.agent.id;
      const b = org.agents.admin.id;
      for (const member of [a, b])
        await db.query('INSERT INTO team_members (org_id, team_id, agent_id) VALUES ($1, $2, $3)', [
          org.id,
          teamId,
          member,
        ]);
      // The membership log (migration 035) stamps joins with the database's clock; these members joined on June 1.
      await db.query(`UPDATE team_membership_log SET at = '2026-06-01T00:00:00Z' WHERE org_id = $1 AND team_id = $2`, [
        org.id,
        teamId,
      ]);

      // Agent A: offline the day before; online 01:00–05:00Z, away 05:00–06:00, online 06:00–09:00, then offline.
      // Online: 7 h.
      await presence(a, 'offline', utc('10:00', '2026-06-09'));
      await presence(a, 'online', utc('01:00'));
      await presence(a, 'away', utc('05:00'));
      await presence(a, 'online', utc('06:00'));
      await presence(a, 'offline', utc('09:00'));
      // B: online since the morning before the range and never changed: online the whole local day, 24 h.
      await presence(b, 'online', utc('08:00', '2026-06-09'));

      // c1: A from 02:00, resolved 03:00.
      const c1 = await conversation(utc('00:30'));
      await assign(c1, a, utc('02:00'));
      await setStatus(c1, 'resolved', utc('03:00'));
      // c2: A from 02:30 (overlapping c1: one busy stretch), transferred to B at 04:30, resolved 07:00.
      const c2 = await conversation(utc('02:20'));
      await assign(c2, a, utc('02:30'));
      await assign(c2, b, utc('04:30'));
      await setStatus(c2, 'resolved', utc('07:00'));
      // c3: A from 04:45; pending (waiting on the customer, not handling) from 05:15; A is away from 05:00 anyway.
      const c3 = await conversation(utc('04:40'));
      await assign(c3, a, utc('04:45'));
      await setStatus(c3, 'pending', utc('05:15'));
      // c4: A from 08:00 and still open: busy until A goes offline at 09:00.
      const c4 = await conversation(utc('07:50'));
      await assign(c4, a, utc('08:00'));
      // c0: B's since before the range (the day before, 12:00Z), open until 02:00Z: counts from the range's start.
      const c0 = await conversation(utc('11:00', '2026-06-09'));
      await assign(c0, b, utc('12:00', '2026-06-09'));
      await setStatus(c0, 'resolved', utc('02:00'));
    });
    after(async () => {
      await server?.close();
      await db?.drop();
    });

    test('every status change writes the log, through the real routing API too', async () => {
      const rows = await db.query<{ status: string }>(
        'SELECT status FROM agent_presence_log WHERE org_id = $1 AND agent_id = $2 ORDER BY at, id',
        [org.id, org.agents.agent.id],
      );
      assert.deepEqual(
        rows.map((r) => r.status),
        ['offline', 'online', 'away', 'online', 'offline'],
      );
      const changed = await admin.call('PATCH', `/api/agent/routing/agents/${org.agents.secure.id}`, {
        status: 'away',
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      const logged = await db.query<{ status: string }>(
        'SELECT status FROM agent_presence_log WHERE org_id = $1 AND agent_id = $2 ORDER BY at, id',
        [org.id, org.agents.secure.id],
      );
      // The row routing creates (offline), then the change.
      assert.deepEqual(
        logged.map((r) => r.status),
        ['offline', 'away'],
      );
    });

    test('per agent: busy while online ÷ online, with overlaps counted once and away time in neither', async () => {
      const r = await supervisor.call('GET', `/api/agent/reports/agents?${DAY}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const a = r.body.agents.find((x: { agentId: string }) => x.agentId === org.agents.agent.id);
      // Busy while online: 02:00–04:30 (c1 ∪ c2), 04:45–05:00 (c3 until away), 08:00–09:00 (c4) = 3.75 h of 7 h.
      assert.equal(a.onlineSeconds, 7 * 3600);
      assert.equal(a.busySeconds, 3.75 * 3600);
      assert.equal(a.occupancy, 3.75 / 7);
      const b = r.body.agents.find((x: { agentId: string }) => x.agentId === org.agents.admin.id);
      // c0 from the range's start (16:00Z the day before) to 02:00Z = 10 h, c2 04:30–07:00 = 2.5 h; of 24 h online.
      assert.equal(b.onlineSeconds, 24 * 3600);
      assert.equal(b.busySeconds, 12.5 * 3600);
      assert.equal(b.occupancy, 12.5 / 24);
      // Never online in the range and handled nothing: not listed.
      assert.equal(
        r.body.agents.some((x: { agentId: string }) => x.agentId === org.agents.secure.id),
        false,
      );
    });

    test("per team: the members' time summed, as JSON and as RFC 4180 CSV with a BOM", async () => {
      const r = await supervisor.call('GET', `/api/agent/reports/teams?${DAY}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const team = r.body.teams.find((t: { teamId: string }) => t.teamId === teamId);
      assert.equal(team.name, '一线, "VIP"');
      assert.equal(team.onlineSeconds, 31 * 3600);
      assert.equal(team.busySeconds, 16.25 * 3600);
      assert.equal(team.occupancy, 16.25 / 31);
      assert.equal(team.handled, 0, 'nobody wrote in these conversations');

      const csv = await fetch(`${server.url}/api/agent/reports/teams?${DAY}&format=csv`, {
        headers: { cookie: supervisor.cookie },
      });
      assert.equal(csv.status, 200);
      assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.match(csv.headers.get('content-disposition') ?? '', /filename="kefu-teams-2026-06-10-2026-06-10\.csv"/);
      const bytes = new Uint8Array(await csv.arrayBuffer());
      assert.deepEqual([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf]);
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
      assert.ok(text.includes('"一线, ""VIP"""'), 'the name is quoted with its quotes doubled');
      assert.ok(text.endsWith('\r\n'));
      const rows = decodeCsv(text);
      assert.deepEqual(rows[0], [
        'id',
        'name',
        'handled',
        'firstResponseMedianSeconds',
        'resolutionMedianSeconds',
        'csatScore',
        'csatResponses',
        'onlineSeconds',
        'busySeconds',
        'occupancy',
      ]);
      const row = rows.find((x) => x[0] === teamId);
      assert.equal(row?.[1], '一线, "VIP"');
      assert.equal(row?.[7], String(31 * 3600));
      assert.equal(row?.[8], String(16.25 * 3600));
      assert.equal(Number(row?.[9]), 16.25 / 31);
    });

    test('the range is the local day: the day before shows only what fell in it', async () => {
      const r = await supervisor.call('GET', '/api/agent/reports/agents?from=2026-06-09&to=2026-06-09');
      const b = r.body.agents.find((x: { agentId: string }) => x.agentId === org.agents.admin.id);
      // 2026-06-09 local ends at 16:00Z: B online from 08:00Z (8 h), busy with c0 from 12:00Z (4 h).
      assert.equal(b.onlineSeconds, 8 * 3600);
      assert.equal(b.busySeconds, 4 * 3600);
      assert.equal(b.occupancy, 0.5);
      const a = r.body.agents.find((x: { agentId: string }) => x.agentId === org.agents.agent.id);
      assert.equal(a, undefined, 'A was offline all that day');
    });

    test("migration 034's back-fill rebuilds the log from the audit log's routing changes and the current status", async () => {
      const supervisorId = org.agents.secure.id;
      // Changes made through the API are audited ('agent.routing.update' with details.status.to).
      for (const status of ['online', 'offline'])
        assert.equal((await admin.call('PATCH', `/api/agent/routing/agents/${supervisorId}`, { status })).status, 200);
      // As if the log had not existed: this agent's entries gone, then the migration's back-fill statements.
      await db.query('DELETE FROM agent_presence_log WHERE org_id = $1 AND agent_id = $2', [org.id, supervisorId]);
      const migration = fs.readFileSync(
        new URL('../../src/server/db/migrations/034_agent_presence_log.sql', import.meta.url),
        'utf8',
      );
      const backfill = migration.slice(migration.indexOf('-- Back-fill'));
      for (const statement of backfill.split(';').filter((part) => /INSERT/.test(part))) await db.query(statement);
      const rows = await db.query<{ status: string; backfilled: boolean }>(
        'SELECT status, backfilled FROM agent_presence_log WHERE org_id = $1 AND agent_id = $2 ORDER BY at, id',
        [org.id, supervisorId],
      );
      // away (the first test's change), online, offline from the audit log; offline, the status now.
      assert.deepEqual(
        rows.map((r) => r.status),
        ['away', 'online', 'offline', 'offline'],
      );
      assert.ok(rows.every((r) => r.backfilled));
    });

    test('a channel, intent, language or priority filter counts only matching conversations as busy', async () => {
      // c4 (A 08:00–09:00) becomes urgent; the others stay normal. Time online is the same under any filter.
      const [c4] = await db.query<{ id: string }>(
        `SELECT c.id FROM conversations c WHERE c.org_id = $1 AND c.created_at = $2`,
        [org.id, utc('07:50')],
      );
      await db.query(`UPDATE conversations SET priority = 'urgent' WHERE id = $1`, [c4?.id]);
      const all = await supervisor.call('GET', `/api/agent/reports/agents?${DAY}`);
      assert.equal(all.body.occupancyBasis, 'all_conversations');
      const urgent = await supervisor.call('GET', `/api/agent/reports/agents?${DAY}&priority=urgent`);
      assert.equal(urgent.status, 200, JSON.stringify(urgent.body));
      assert.equal(urgent.body.occupancyBasis, 'matching_conversations');
      const a = urgent.body.agents.find((x: { agentId: string }) => x.agentId === org.agents.agent.id);
      assert.equal(a.onlineSeconds, 7 * 3600);
      assert.equal(a.busySeconds, 3600, 'only c4, 08:00–09:00');
      assert.equal(a.occupancy, 1 / 7);
      // B handled no urgent conversation: still listed for the time online, at 0 %.
      const b = urgent.body.agents.find((x: { agentId: string }) => x.agentId === org.agents.admin.id);
      assert.equal(b.onlineSeconds, 24 * 3600);
      assert.equal(b.busySeconds, 0);
      assert.equal(b.occupancy, 0);
      const teams = await supervisor.call('GET', `/api/agent/reports/teams?${DAY}&priority=urgent`);
      assert.equal(teams.body.occupancyBasis, 'matching_conversations');
      const team = teams.body.teams.find((t: { teamId: string }) => t.teamId === teamId);
      assert.equal(team.onlineSeconds, 31 * 3600);
      assert.equal(team.busySeconds, 3600);
      // Every conversation here is on the web inbox: an email filter leaves nobody busy, the web one changes nothing.
      const email = await supervisor.call('GET', `/api/agent/reports/agents?${DAY}&channel=email`);
      const aEmail = email.body.agents.find((x: { agentId: string }) => x.agentId === org.agents.agent.id);
      assert.equal(aEmail.busySeconds, 0);
      const web = await supervisor.call('GET', `/api/agent/reports/agents?${DAY}&channel=web`);
      const aWeb = web.body.agents.find((x: { agentId: string }) => x.agentId === org.agents.agent.id);
      assert.equal(aWeb.busySeconds, 3.75 * 3600);
      // Intent and language: c1 (02:00–03:00) is a deposit question in English.
      const [c1] = await db.query<{ id: string }>(
        `SELECT c.id FROM conversations c WHERE c.org_id = $1 AND c.created_at = $2`,
        [org.id, utc('00:30')],
      );
      await db.query(`UPDATE conversations SET last_intent = 'deposit_missing', last_language = 'en' WHERE id = $1`, [
        c1?.id,
      ]);
      for (const filter of ['intent=deposit_missing', 'language=en']) {
        const r = await supervisor.call('GET', `/api/agent/reports/agents?${DAY}&${filter}`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        const x = r.body.agents.find((y: { agentId: string }) => y.agentId === org.agents.agent.id);
        assert.equal(x.busySeconds, 3600, filter);
      }
      await db.query(`UPDATE conversations SET priority = 'normal' WHERE id = $1`, [c4?.id]);
      // The OpenAPI description of both reports says what occupancy means under a filter.
      const docs = await admin.call('GET', '/api/docs/json');
      for (const path of ['agents', 'teams']) {
        const description = docs.body.paths[`/api/agent/reports/${path}`].get.description as string;
        assert.match(description, /matching_conversations/, path);
      }
    });

    test('a team filter keeps its members; reports_read is needed', async () => {
      const r = await supervisor.call('GET', `/api/agent/reports/teams?${DAY}&teamId=${teamId}`);
      assert.deepEqual(
        r.body.teams.map((t: { teamId: string }) => t.teamId),
        [teamId],
      );
      const agent = await loginAgent(server, org.agents.agent);
      const denied = await agent.call('GET', `/api/agent/reports/teams?${DAY}`);
      assert.equal(denied.status, 403);
    });

    test('an agent who leaves a team keeps counting for it while they were in it (the membership log)', async () => {
      const a = org.agents.agent.id;
      const b = org.agents.admin.id;
      // A leaves through the teams API (the members replaced as a set: B's leave and join share one moment).
      const changed = await admin.call('PATCH', `/api/agent/teams/${teamId}`, { memberIds: [b] });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      const log = await db.query<{ agent_id: string; change: string; at: Date }>(
        `SELECT agent_id, change, at FROM team_membership_log WHERE org_id = $1 AND team_id = $2 AND at > '2026-06-02'
         ORDER BY id`,
        [org.id, teamId],
      );
      assert.deepEqual(log.map((r) => [r.agent_id === a ? 'A' : 'B', r.change]).sort(), [
        ['A', 'left'],
        ['B', 'joined'],
        ['B', 'left'],
      ]);
      assert.equal(new Set(log.map((r) => new Date(r.at).getTime())).size, 1, 'one moment: the transaction');
      // As if A had left on the report's day at 07:00Z (B's change stays where it happened, after the range).
      await db.query(
        `UPDATE team_membership_log SET at = $3 WHERE org_id = $1 AND team_id = $2 AND agent_id = $4 AND change = 'left'`,
        [org.id, teamId, utc('07:00'), a],
      );
      const r = await supervisor.call('GET', `/api/agent/reports/teams?${DAY}`);
      const team = r.body.teams.find((t: { teamId: string }) => t.teamId === teamId);
      // A until 07:00Z: online 01:00–05:00 and 06:00–07:00 (5 h), busy 02:00–04:30 and 04:45–05:00 (2.75 h; c4 at
      // 08:00 is after A left). B all day: 24 h online, 12.5 h busy. The team's current members alone would be B's.
      assert.equal(team.onlineSeconds, 29 * 3600);
      assert.equal(team.busySeconds, 15.25 * 3600);
      assert.equal(team.occupancy, 15.25 / 29);
      // A's own row is unchanged, and names the teams A is in now (none).
      const agents = await supervisor.call('GET', `/api/agent/reports/agents?${DAY}`);
      const row = agents.body.agents.find((x: { agentId: string }) => x.agentId === a);
      assert.equal(row.busySeconds, 3.75 * 3600);
      assert.deepEqual(row.teamIds, []);
      // The day after A left, the team is B alone. (Neither agent changed status since: online all day / offline.)
      const next = await supervisor.call('GET', '/api/agent/reports/teams?from=2026-06-11&to=2026-06-11');
      const later = next.body.teams.find((t: { teamId: string }) => t.teamId === teamId);
      assert.equal(later.onlineSeconds, 24 * 3600);
    });

    test("migration 035's back-fill: each current member since the later of the team's and the agent's creation", async () => {
      const b = org.agents.admin.id;
      await db.query('DELETE FROM team_membership_log WHERE org_id = $1 AND team_id = $2', [org.id, teamId]);
      const migration = fs.readFileSync(
        new URL('../../src/server/db/migrations/035_team_membership_log.sql', import.meta.url),
        'utf8',
      );
      const backfill = migration.slice(migration.indexOf('-- Back-fill'));
      for (const statement of backfill.split(';').filter((part) => /INSERT/.test(part))) await db.query(statement);
      const rows = await db.query<{ agent_id: string; change: string; backfilled: boolean; expected: boolean }>(
        `SELECT l.agent_id, l.change, l.backfilled, l.at = GREATEST(t.created_at, a.created_at) AS expected
         FROM team_membership_log l JOIN teams t ON t.id = l.team_id JOIN agents a ON a.id = l.agent_id
         WHERE l.org_id = $1 AND l.team_id = $2`,
        [org.id, teamId],
      );
      assert.deepEqual(rows, [{ agent_id: b, change: 'joined', backfilled: true, expected: true }]);
    });
  });
}
