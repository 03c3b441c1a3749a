import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
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

/** The inbox search: `q` on GET /api/agent/conversations. */
for (const database of await testDatabases()) {
  describe(`conversation search (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServer;
    let org: TestOrg;
    let other: TestOrg;
    let agent: AgentClient;
    let otherAgent: AgentClient;
    const ids: Record<string, string> = {};

    async function open(
      into: TestOrg,
      identity: { uid: string; name?: string; email?: string },
      body: string,
    ): Promise<string> {
      const visitor = await startVisitor(server, into, identity);
      const created = await visitor.call('POST', '/api/widget/conversations', { body, clientId: `c-${identity.uid}` });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      return created.body.conversation.id as string;
    }

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
      other = await createTestOrg(db);
      // A supervisor searches pieces of emails and UIDs; an agent who sees them masked needs the whole value (see
      // pii-masking.test.ts).
      agent = await loginAgent(server, org.agents.secure);
      otherAgent = await loginAgent(server, other.agents.agent);

      ids.alice = await open(
        org,
        { uid: 'UID-A7788', name: 'Alice Zhang', email: 'alice@example.test' },
        'My deposit with a 50% bonus_code is missing',
      );
      ids.wang = await open(org, { uid: '10086321', name: '王小明', email: 'wang@example.test' }, '提币一直在审核中');
      ids.bob = await open(org, { uid: 'U-3', name: 'Bob' }, 'hello there');
      const note = await agent.call('POST', `/api/agent/conversations/${ids.bob}/messages`, {
        body: 'Suspected PHISHING victim, check the address',
        clientId: 'note-1',
        private: true,
      });
      assert.equal(note.status, 201, JSON.stringify(note.body));
      // Numbers 12 and 112 (set directly: the counter would need 112 conversations), so "12" must not find #112.
      await db.query('UPDATE conversations SET number = 12 WHERE org_id = $1 AND id = $2', [org.id, ids.alice]);
      await db.query('UPDATE conversations SET number = 112 WHERE org_id = $1 AND id = $2', [org.id, ids.wang]);
      await db.query('UPDATE conversations SET number = 120 WHERE org_id = $1 AND id = $2', [org.id, ids.bob]);

      // Another exchange with a customer of the same name, UID and words: never in this org's results.
      ids.otherAlice = await open(
        other,
        { uid: 'UID-A7788', name: 'Alice Zhang', email: 'alice@example.test' },
        'My deposit with a 50% bonus_code is missing, 审核 PHISHING',
      );
      await db.query('UPDATE conversations SET number = 12 WHERE org_id = $1 AND id = $2', [other.id, ids.otherAlice]);
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    async function search(q: string, extra = '', as: AgentClient = agent): Promise<string[]> {
      const result = await as.call('GET', `/api/agent/conversations?q=${encodeURIComponent(q)}${extra}`);
      assert.equal(result.status, 200, `${q}: ${JSON.stringify(result.body)}`);
      return (result.body.conversations as { id: string }[]).map((c) => c.id).sort();
    }
    const only = (...names: string[]) => names.map((name) => ids[name]).sort();

    test('by display number: #12 and 12 are number 12 exactly, not 112 or 120', async () => {
      assert.deepEqual(await search('#12'), only('alice'));
      assert.deepEqual(await search('12'), only('alice'));
      assert.deepEqual(await search('  #112 '), only('wang'));
      assert.deepEqual(await search('#999'), []);
    });

    test('by customer name, email and exchange UID, case-insensitively', async () => {
      assert.deepEqual(await search('alice zh'), only('alice'));
      assert.deepEqual(await search('小明'), only('wang'));
      assert.deepEqual(await search('WANG@EXAMPLE'), only('wang'));
      assert.deepEqual(await search('example.test'), only('alice', 'wang'));
      assert.deepEqual(await search('uid-a77'), only('alice'));
      // Bare digits: the number, or a UID containing them.
      assert.deepEqual(await search('863'), only('wang'));
    });

    test('by message text, private notes included', async () => {
      assert.deepEqual(await search('审核'), only('wang'));
      assert.deepEqual(await search('Deposit With'), only('alice'));
      assert.deepEqual(await search('phishing'), only('bob'));
      assert.deepEqual(await search('nothing like this'), []);
    });

    test('LIKE wildcards in the search text are literal', async () => {
      assert.deepEqual(await search('%'), only('alice'));
      assert.deepEqual(await search('50%'), only('alice'));
      assert.deepEqual(await search('_'), only('alice'));
      assert.deepEqual(await search('s_c'), only('alice'), 'bonus_code has "s_c"');
      assert.deepEqual(await search('o_e'), [], 'an unescaped _ would match "ode"');
      assert.deepEqual(await search('\\'), []);
      assert.deepEqual(await search('%%'), []);
    });

    test("another organization's conversations are never found", async () => {
      for (const q of ['#12', '12', 'alice', 'UID-A7788', '审核', 'phishing', '%']) {
        const found = await search(q);
        assert.ok(!found.includes(ids.otherAlice), q);
      }
      assert.deepEqual(await search('alice', '', otherAgent), [ids.otherAlice]);
      assert.deepEqual(await search('#12', '', otherAgent), [ids.otherAlice]);
      assert.deepEqual(await search('hello there', '', otherAgent), []);
    });

    test('combines with the other filters and with cursor pagination', async () => {
      const resolved = await agent.call('PATCH', `/api/agent/conversations/${ids.wang}`, { status: 'resolved' });
      assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
      assert.deepEqual(await search('example', '&status=resolved'), only('wang'));
      assert.deepEqual(await search('example', '&status=open'), only('alice'));
      assert.deepEqual(await search('example', '&assignee=unassigned&priority=urgent'), []);

      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 5; page++) {
        const result: { status: number; body: any } = await agent.call(
          'GET',
          `/api/agent/conversations?q=example&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        assert.equal(result.status, 200);
        assert.equal(result.body.conversations.length, 1);
        seen.push(result.body.conversations[0].id);
        cursor = result.body.nextCursor;
        if (!cursor) break;
      }
      assert.deepEqual(seen.sort(), only('alice', 'wang'));
      assert.equal(cursor, null);
    });

    test('a bad q is a 400 with a code', async () => {
      const cases: [string, string][] = [
        ['x'.repeat(201), 'validation_failed'],
        ['   ', 'validation_failed'],
        ['', 'validation_failed'],
        ['ab\u0000cd', 'invalid_characters'],
      ];
      for (const [q, code] of cases) {
        const result = await agent.call('GET', `/api/agent/conversations?q=${encodeURIComponent(q)}`);
        assert.equal(result.status, 400, `${JSON.stringify(q)}: ${JSON.stringify(result.body)}`);
        assert.equal(result.body.error.code, code, JSON.stringify(q));
      }
      assert.equal((await agent.call('GET', `/api/agent/conversations?q=${'x'.repeat(200)}`)).status, 200);
    });
  });
}
