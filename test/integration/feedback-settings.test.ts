import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FeedbackSettings } from '../../src/contracts/feedback.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  request,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

const HOUR = 3_600_000;
const PATH = '/api/agent/feedback-settings';
const DEFAULTS: FeedbackSettings = {
  csatDelaySeconds: 60,
  complaintTargetHours: 24,
  followUpAfterHours: 24,
  followUpDueHours: 24,
};

for (const database of await testDatabases()) {
  describe(`feedback settings admin (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let otherOrg: TestOrg;
    let admin: AgentClient;
    let agent: AgentClient;
    let supervisor: AgentClient;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      otherOrg = await createTestOrg(db);
      admin = await loginAgent(server, org.agents.admin);
      agent = await loginAgent(server, org.agents.agent);
      supervisor = await loginAgent(server, org.agents.secure);
      // Another part of the product keeps its own key in the same settings object: it must survive a save.
      await db.query(
        `UPDATE organizations SET settings = settings || '{"other": {"keep": true}}'::jsonb WHERE id = $1`,
        [org.id],
      );
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    const storedSettings = async (orgId: string) =>
      (
        await db.query<{ settings: Record<string, unknown> }>('SELECT settings FROM organizations WHERE id = $1', [
          orgId,
        ])
      )[0].settings;

    const auditEntries = async () => {
      const audit = await admin.call('GET', `/api/agent/audit?targetId=${org.id}`);
      assert.equal(audit.status, 200, JSON.stringify(audit.body));
      return (audit.body.entries as { action: string; actorId: string; details: Record<string, unknown> }[]).filter(
        (e) => e.action === 'feedback_settings.update',
      );
    };

    /** A customer opens a conversation and the agent marks it a complaint: its due time minus its opening. */
    async function complaintTarget(): Promise<number> {
      const visitor = await startVisitor(server, org);
      const created = await visitor.call('POST', '/api/widget/conversations', {
        body: 'this is unacceptable',
        clientId: `c-${Date.now()}-${Math.random()}`,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const id = created.body.conversation.id as string;
      const marked = await agent.call('POST', `/api/agent/conversations/${id}/complaint`, { reason: 'Angry customer' });
      assert.equal(marked.status, 201, JSON.stringify(marked.body));
      return new Date(marked.body.complaint.dueAt).getTime() - new Date(marked.body.complaint.createdAt).getTime();
    }

    test('before anything is saved the defaults are returned, and complaints use them', async () => {
      const read = await admin.call('GET', PATH);
      assert.equal(read.status, 200, JSON.stringify(read.body));
      assert.deepEqual(read.body, { settings: DEFAULTS });
      assert.equal((await storedSettings(org.id)).feedback, undefined);
      assert.equal(await complaintTarget(), 24 * HOUR);
    });

    test('an agent and a supervisor get 403 on both methods and change nothing', async () => {
      for (const [who, client] of [
        ['agent', agent],
        ['supervisor', supervisor],
      ] as const) {
        const read = await client.call('GET', PATH);
        assert.equal(read.status, 403, who);
        assert.equal(read.body.error.code, 'forbidden');
        const write = await client.call('PUT', PATH, { settings: { ...DEFAULTS, complaintTargetHours: 1 } });
        assert.equal(write.status, 403, who);
        assert.equal(write.body.error.code, 'forbidden');
      }
      assert.equal((await storedSettings(org.id)).feedback, undefined);
      assert.deepEqual(await auditEntries(), []);
      // Without a session at all: 401, not a 500.
      const anonymous = await request(`${server.url}${PATH}`);
      assert.equal(anonymous.status, 401);
    });

    test('an admin saves the settings, reads them back, and the change is audited with from and to', async () => {
      const settings: FeedbackSettings = {
        csatDelaySeconds: 300,
        complaintTargetHours: 2.5,
        followUpAfterHours: 0,
        followUpDueHours: 48,
      };
      const saved = await admin.call('PUT', PATH, { settings });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.deepEqual(saved.body, { settings });

      const read = await admin.call('GET', PATH);
      assert.equal(read.status, 200);
      assert.deepEqual(read.body, { settings });
      const stored = await storedSettings(org.id);
      assert.deepEqual(stored.feedback, settings);
      assert.deepEqual(stored.other, { keep: true }, 'the other settings keys are kept');

      const entries = await auditEntries();
      assert.equal(entries.length, 1);
      assert.equal(entries[0].actorId, org.agents.admin.id);
      assert.deepEqual(entries[0].details, { from: DEFAULTS, to: settings });

      // Scoped to the organization: another one still has the defaults.
      const otherAdmin = await loginAgent(server, otherOrg.agents.admin);
      assert.deepEqual((await otherAdmin.call('GET', PATH)).body, { settings: DEFAULTS });
      assert.equal((await storedSettings(otherOrg.id)).feedback, undefined);
    });

    test('the saved settings take effect: a complaint opened afterwards is due after the new target', async () => {
      assert.equal(await complaintTarget(), 2.5 * HOUR);
      const saved = await admin.call('PUT', PATH, { settings: { ...DEFAULTS, complaintTargetHours: 6 } });
      assert.equal(saved.status, 200, JSON.stringify(saved.body));
      assert.equal(await complaintTarget(), 6 * HOUR);
      const entries = await auditEntries();
      assert.equal(entries.length, 2);
      const latest = entries.find((e) => (e.details.to as FeedbackSettings).complaintTargetHours === 6);
      assert.ok(latest, 'the second change is audited');
      assert.equal((latest.details.from as FeedbackSettings).complaintTargetHours, 2.5);
    });

    test('out-of-range, missing, extra and mistyped fields get 400 validation_failed naming the field, and nothing changes', async () => {
      const current = (await admin.call('GET', PATH)).body.settings as FeedbackSettings;
      const auditedBefore = (await auditEntries()).length;
      const { csatDelaySeconds: _omitted, ...withoutDelay } = DEFAULTS;
      const cases: [string, unknown, string][] = [
        ['CSAT delay below 0', { settings: { ...DEFAULTS, csatDelaySeconds: -1 } }, 'csatDelaySeconds'],
        ['CSAT delay over a day', { settings: { ...DEFAULTS, csatDelaySeconds: 86_401 } }, 'csatDelaySeconds'],
        ['CSAT delay not whole', { settings: { ...DEFAULTS, csatDelaySeconds: 1.5 } }, 'csatDelaySeconds'],
        [
          'complaint target too short',
          { settings: { ...DEFAULTS, complaintTargetHours: 0.1 } },
          'complaintTargetHours',
        ],
        ['complaint target too long', { settings: { ...DEFAULTS, complaintTargetHours: 721 } }, 'complaintTargetHours'],
        ['follow-up after negative', { settings: { ...DEFAULTS, followUpAfterHours: -1 } }, 'followUpAfterHours'],
        ['follow-up due zero', { settings: { ...DEFAULTS, followUpDueHours: 0 } }, 'followUpDueHours'],
        ['follow-up due as a string', { settings: { ...DEFAULTS, followUpDueHours: '24' } }, 'followUpDueHours'],
        ['follow-up due null', { settings: { ...DEFAULTS, followUpDueHours: null } }, 'followUpDueHours'],
        ['a missing field', { settings: withoutDelay }, 'csatDelaySeconds'],
        ['an unknown field', { settings: { ...DEFAULTS, surveyEmail: true } }, 'settings'],
        ['no settings', {}, 'settings'],
        ['settings not an object', { settings: 'soon' }, 'settings'],
      ];
      for (const [name, body, field] of cases) {
        const result = await admin.call('PUT', PATH, body);
        assert.equal(result.status, 400, `${name}: ${JSON.stringify(result.body)}`);
        assert.equal(result.body.error.code, 'validation_failed', name);
        assert.ok(result.body.error.message.includes(field), `${name}: ${result.body.error.message}`);
      }
      const malformed = await request(`${server.url}${PATH}`, {
        method: 'PUT',
        rawBody: '{"settings": {',
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken },
      });
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.error.code, 'malformed_json');

      assert.deepEqual((await admin.call('GET', PATH)).body, { settings: current });
      assert.deepEqual((await storedSettings(org.id)).feedback, current);
      assert.equal((await auditEntries()).length, auditedBefore);
    });

    test('the bounds themselves are accepted', async () => {
      const lowest = { csatDelaySeconds: 0, complaintTargetHours: 0.25, followUpAfterHours: 0, followUpDueHours: 0.25 };
      const highest = {
        csatDelaySeconds: 86_400,
        complaintTargetHours: 720,
        followUpAfterHours: 720,
        followUpDueHours: 720,
      };
      for (const settings of [lowest, highest]) {
        const saved = await admin.call('PUT', PATH, { settings });
        assert.equal(saved.status, 200, JSON.stringify(saved.body));
        assert.deepEqual((await admin.call('GET', PATH)).body, { settings });
      }
    });
  });
}
