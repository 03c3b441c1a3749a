import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Message } from '../../src/contracts/domain.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  startTestServer,
  type TestOrg,
  type TestServerWithBot,
} from '../helpers/server.ts';
import { type BotApiStub, startBotApiStub } from '../helpers/telegram-bot-api.ts';

/**
 * Telegram by long polling (no KEFU_PUBLIC_URL): the bot is connected in polling mode (its webhook deleted), kefu
 * asks getUpdates from the offset kept in telegram_cursors, a restart neither handles an update twice nor skips one
 * queued while it was down, and of two nodes on one database only one polls (Telegram would answer the other 409).
 */

const TOKEN = '7000000002:AAEpollTOKENabcdefghijklmnopqrstu';

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = await probe();
    if (found !== undefined && found !== false) return found as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let messageId = 1;
const privateText = (fromId: number, text: string) => ({
  message: {
    message_id: messageId++,
    date: Math.floor(Date.now() / 1000),
    chat: { id: fromId, type: 'private', first_name: `C${fromId}` },
    from: { id: fromId, is_bot: false, first_name: `C${fromId}`, language_code: 'en' },
    text,
  },
});

for (const database of await testDatabases()) {
  describe(`Telegram long polling (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let stub: BotApiStub;
    let org: TestOrg;
    let server: TestServerWithBot | undefined;
    let second: TestServerWithBot | undefined;
    let admin: AgentClient;
    let inboxId: string;

    const start = () => startTestServer(db, { KEFU_TELEGRAM_API_ROOT: stub.url });
    const cursor = async () =>
      (
        await db.query<{ last_update_id: string | null; lease_owner: string | null }>(
          'SELECT last_update_id::text, lease_owner FROM telegram_cursors WHERE inbox_id = $1',
          [inboxId],
        )
      )[0];
    const customerBodies = async (s: TestServerWithBot) => {
      const agent = await loginAgent(s, org.agents.agent);
      const list = await agent.call('GET', '/api/agent/conversations?assignee=all&limit=50');
      const bodies: string[] = [];
      for (const c of list.body.conversations as { id: string; channel: string }[]) {
        if (c.channel !== 'telegram') continue;
        const detail = await agent.call('GET', `/api/agent/conversations/${c.id}`);
        for (const m of detail.body.messages as Message[]) if (m.authorKind === 'customer') bodies.push(m.body);
      }
      return bodies.sort();
    };
    const getUpdatesCalls = () => stub.calls.filter((c) => c.method === 'getUpdates');

    before(async () => {
      stub = await startBotApiStub(TOKEN);
      db = await database.open();
      org = await createTestOrg(db, undefined, { bot: false });
      server = await start();
      admin = await loginAgent(server, org.agents.admin);
    });
    after(async () => {
      await second?.close();
      await server?.close();
      await db?.drop();
      await stub?.close();
    });

    test('without a public URL a bot is connected in polling mode: its webhook is deleted, not set', async () => {
      const created = await admin.call('POST', '/api/agent/telegram/inboxes', { name: 'Telegram', token: TOKEN });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      inboxId = created.body.inbox.id;
      assert.equal(created.body.inbox.mode, 'polling');
      assert.deepEqual(created.body.inbox.webhook, { deleted: true });
      assert.ok(stub.calls.some((c) => c.method === 'deleteWebhook'));
      assert.equal(stub.calls.filter((c) => c.method === 'setWebhook').length, 0);
      const stored = await db.query<{ settings: { telegram: { token: string; webhookSecret: string } } }>(
        'SELECT settings FROM inboxes WHERE id = $1',
        [inboxId],
      );
      assert.equal(JSON.stringify(stored[0]?.settings).includes(TOKEN), false, 'the token is stored sealed');
      assert.match(stored[0]?.settings.telegram.token ?? '', /^sealed:v1:/);
    });

    test('an update becomes a conversation and the offset is kept; a restart asks from the next one', async () => {
      const firstId = stub.push(privateText(6660001, 'first by polling'));
      await until('the first update handled', async () => (await cursor())?.last_update_id === String(firstId));
      assert.deepEqual(await customerBodies(server as TestServerWithBot), ['first by polling']);

      await server?.close();
      server = undefined;
      assert.equal((await cursor())?.lease_owner, null, 'a node that stops lets go of the bot');
      // Queued while no node runs: must not be skipped.
      const secondId = stub.push(privateText(6660002, 'sent while kefu was down'));
      const before = getUpdatesCalls().length;
      server = await start();
      await until(
        'the update queued while down handled',
        async () => (await cursor())?.last_update_id === String(secondId),
      );
      const afterRestart = getUpdatesCalls().slice(before);
      assert.equal(
        afterRestart[0]?.params.offset,
        firstId + 1,
        'the restarted node asks from the update after the last',
      );
      const bodies = await customerBodies(server);
      assert.deepEqual(bodies, ['first by polling', 'sent while kefu was down'], 'nothing twice, nothing skipped');
    });

    test('of two nodes on one database only one polls the bot; the other takes over when it stops', async () => {
      second = await start();
      const conflictsBefore = stub.conflicts;
      const ids = [
        stub.push(privateText(6660003, 'two nodes, one')),
        stub.push(privateText(6660004, 'two nodes, two')),
      ];
      await until('both handled', async () => (await cursor())?.last_update_id === String(ids[1]));
      // A few more long-poll rounds: a second poller would show up as a 409.
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(stub.conflicts, conflictsBefore, 'never two getUpdates at once');
      await server?.close();
      server = undefined;
      const takeOver = stub.push(privateText(6660005, 'after the first node stopped'));
      await until('the other node took over', async () => (await cursor())?.last_update_id === String(takeOver));
      const bodies = await customerBodies(second);
      assert.equal(bodies.filter((b) => b === 'two nodes, one').length, 1);
      assert.ok(bodies.includes('after the first node stopped'));
    });
  });
}
