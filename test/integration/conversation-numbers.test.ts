import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testDatabases } from '../helpers/databases.ts';
import {
  createTestOrg,
  startTestServer,
  startVisitor,
  type TestOrg,
  type TestServerWithBot,
} from '../helpers/server.ts';

for (const database of await testDatabases()) {
  describe(`conversation numbers (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let server: TestServerWithBot;
    let org: TestOrg;

    before(async () => {
      db = await database.open();
      server = await startTestServer(db);
      org = await createTestOrg(db);
    });
    after(async () => {
      await server.close();
      await db.drop();
    });

    test('conversations opened at the same moment get distinct consecutive numbers, and the next one follows', async () => {
      const visitors = await Promise.all(Array.from({ length: 25 }, () => startVisitor(server, org)));
      const opened = await Promise.all(visitors.map((v) => v.call('POST', '/api/widget/conversations', {})));
      const numbers = opened.map((r) => {
        assert.equal(r.status, 201);
        return r.body.conversation.number as number;
      });
      const sorted = [...numbers].sort((a, b) => a - b);
      assert.equal(new Set(numbers).size, 25, 'no number is given twice');
      assert.equal(sorted[24] - sorted[0], 24, 'no gap between them');
      const rows = await db.query<{ conversation_counter: number }>(
        'SELECT conversation_counter FROM organizations WHERE id = $1',
        [org.id],
      );
      assert.equal(rows[0].conversation_counter, sorted[24], 'the counter stands at the last number given');

      const next = await visitors[0].call('POST', '/api/widget/conversations', {});
      assert.equal(next.body.conversation.number, sorted[24] + 1);
    });
  });
}
