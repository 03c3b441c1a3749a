import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TelegramInbox } from '../../src/contracts/telegram-inboxes.ts';
import { receiveInbound } from '../../src/server/channels/channels.service.ts';
import { insertInbox } from '../../src/server/orgs/orgs.queries.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  request,
  startTestServer,
  type TestOrg,
  type TestServerWithBot,
} from '../helpers/server.ts';
import { type BotApiStub, startBotApiStub } from '../helpers/telegram-bot-api.ts';

/**
 * Admins manage Telegram inboxes (issue 13): list, rename, bot on/off, webhook ↔ polling, a new token, a fresh
 * webhook secret, remove; the token and secret never come back and are sealed in the row. An inbox without a token
 * (the demo's) records an agent's reply once as "channel not configured" instead of retrying it.
 */

const TOKEN = '7000000002:AAEadminTOKENabcdefghijklmnopqrst';
const PUBLIC_URL = 'https://kefu.example.test';

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = await probe();
    if (found !== undefined && found !== false) return found as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const database of await testDatabases()) {
  describe(`Telegram inbox admin (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let stub: BotApiStub;
    let server: TestServerWithBot;
    let org: TestOrg;
    let admin: AgentClient;
    let inbox: TelegramInbox;
    let demoInboxId: string;

    const stored = async (id: string) =>
      (await db.query<{ name: string; settings: any }>('SELECT name, settings FROM inboxes WHERE id = $1', [id]))[0];
    const webhook = (id: string, secret: string) =>
      request(`${server.url}/api/telegram/${id}/webhook`, {
        method: 'POST',
        body: { update_id: 1 },
        headers: { 'x-telegram-bot-api-secret-token': secret },
      });

    before(async () => {
      stub = await startBotApiStub(TOKEN);
      db = await database.open();
      org = await createTestOrg(db, 'tgadmin');
      server = await startTestServer(db, { KEFU_TELEGRAM_API_ROOT: stub.url, KEFU_PUBLIC_URL: PUBLIC_URL });
      admin = await loginAgent(server, org.agents.admin);
      // Like the demo's: a bot name and no token.
      demoInboxId = await insertInbox(db, {
        orgId: org.id,
        kind: 'telegram',
        name: 'Telegram @LumenSupportBot',
        identitySecret: null,
        settings: { bot: { enabled: true }, telegram: { username: 'LumenSupportBot' } },
      });
    });
    after(async () => {
      await server?.close();
      await db?.drop();
      await stub?.close();
    });

    test('connected and tokenless inboxes are listed without secrets; an agent may not list them', async () => {
      const created = await admin.call('POST', '/api/agent/telegram/inboxes', { name: 'Support bot', token: TOKEN });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      inbox = created.body.inbox;
      assert.equal(inbox.connected, true);
      assert.equal(inbox.mode, 'webhook');
      assert.deepEqual(inbox.webhook, { url: `${PUBLIC_URL}/api/telegram/${inbox.id}/webhook`, set: true });

      const list = await admin.call('GET', '/api/agent/telegram/inboxes');
      assert.equal(list.status, 200);
      assert.equal(list.body.publicUrl, PUBLIC_URL);
      const byId = new Map((list.body.inboxes as TelegramInbox[]).map((i) => [i.id, i]));
      assert.equal(byId.get(inbox.id)?.username, STUB_USERNAME);
      assert.equal(byId.get(inbox.id)?.webhook, undefined, 'a listing never carries the webhook secret');
      assert.equal(byId.get(demoInboxId)?.connected, false);
      assert.equal(byId.get(demoInboxId)?.username, 'LumenSupportBot');
      assert.equal(byId.has(org.inboxId), false, 'the web inbox is not a Telegram inbox');
      const secret = stub.calls.find((c) => c.method === 'setWebhook')?.params.secret_token as string;
      assert.equal(JSON.stringify(list.body).includes(TOKEN), false);
      assert.equal(JSON.stringify(list.body).includes(secret), false);

      const agent = await loginAgent(server, org.agents.agent);
      assert.equal((await agent.call('GET', '/api/agent/telegram/inboxes')).status, 403);
      assert.equal((await agent.call('PATCH', `/api/agent/telegram/inboxes/${inbox.id}`, { name: 'x' })).status, 403);
    });

    test('rename and bot off; polling deletes the webhook; a rotated secret retires the old one', async () => {
      const renamed = await admin.call('PATCH', `/api/agent/telegram/inboxes/${inbox.id}`, {
        name: 'Lumen 客服',
        bot: false,
      });
      assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
      assert.equal(renamed.body.inbox.name, 'Lumen 客服');
      assert.equal(renamed.body.inbox.bot, false);
      assert.equal(renamed.body.inbox.webhook, undefined, 'nothing about the webhook changed');

      const before = stub.calls.length;
      const polling = await admin.call('PATCH', `/api/agent/telegram/inboxes/${inbox.id}`, { mode: 'polling' });
      assert.equal(polling.status, 200);
      assert.equal(polling.body.inbox.mode, 'polling');
      assert.deepEqual(polling.body.inbox.webhook, { deleted: true });
      assert.ok(stub.calls.slice(before).some((c) => c.method === 'deleteWebhook'));
      // The poller takes the bot over: getUpdates starts.
      await until('getUpdates', () => stub.calls.slice(before).find((c) => c.method === 'getUpdates'));

      const oldSecret = [...stub.calls].reverse().find((c) => c.method === 'setWebhook')?.params.secret_token;
      const back = await admin.call('PATCH', `/api/agent/telegram/inboxes/${inbox.id}`, {
        mode: 'webhook',
        rotateWebhookSecret: true,
      });
      assert.equal(back.status, 200);
      assert.equal(back.body.inbox.webhook.set, true);
      const newSecret = [...stub.calls].reverse().find((c) => c.method === 'setWebhook')?.params.secret_token;
      assert.notEqual(newSecret, oldSecret);
      assert.equal((await webhook(inbox.id, oldSecret)).status, 401);
      assert.equal((await webhook(inbox.id, newSecret)).status, 200);

      const row = await stored(inbox.id);
      assert.match(row?.settings.telegram.token, /^sealed:v1:/);
      assert.match(row?.settings.telegram.webhookSecret, /^sealed:v1:/);
      assert.equal(row?.settings.bot.enabled, false);

      const audit = await admin.call('GET', '/api/agent/audit?limit=50');
      const updates = audit.body.entries.filter((e: { action: string }) => e.action === 'telegram_inbox.update');
      assert.equal(updates.length, 3);
      assert.equal(JSON.stringify(audit.body).includes(newSecret), false);
    });

    test('a wrong token is refused and nothing changes; the tokenless inbox cannot poll until given one', async () => {
      const wrong = await admin.call('PATCH', `/api/agent/telegram/inboxes/${inbox.id}`, {
        token: '7000000009:AAEwrongTOKENabcdefghijklmnopqrst',
      });
      assert.equal(wrong.status, 400);
      assert.match((await stored(inbox.id))?.settings.telegram.token, /^sealed:v1:/);
      const malformed = await admin.call('PATCH', `/api/agent/telegram/inboxes/${inbox.id}`, { token: 'nope' });
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.error.code, 'validation_failed');

      const noToken = await admin.call('PATCH', `/api/agent/telegram/inboxes/${demoInboxId}`, { mode: 'polling' });
      assert.equal(noToken.status, 400);
      const renamed = await admin.call('PATCH', `/api/agent/telegram/inboxes/${demoInboxId}`, { name: 'Demo' });
      assert.equal(renamed.status, 200);
      assert.equal(renamed.body.inbox.connected, false);

      const otherOrg = await createTestOrg(db, 'tgother');
      const stranger = await loginAgent(server, otherOrg.agents.admin);
      const foreign = await stranger.call('PATCH', `/api/agent/telegram/inboxes/${inbox.id}`, { name: 'mine' });
      assert.equal(foreign.status, 404);
      assert.equal((await stranger.call('DELETE', `/api/agent/telegram/inboxes/${inbox.id}`)).status, 404);
    });

    test("a tokenless inbox's reply is recorded once as not configured, not retried", async () => {
      const received = await receiveInbound({ db, log: server.app.log as never, events: server.events }, org.id, {
        inboxId: demoInboxId,
        channel: 'telegram',
        identity: { kind: 'telegram', value: '520013377' },
        profile: { name: 'Demo customer', locale: 'zh-CN' },
        externalId: '520013377:1',
        continueLatest: true,
        body: '我的充值没到',
      });
      const agent = await loginAgent(server, org.agents.agent);
      const sent = await agent.call('POST', `/api/agent/conversations/${received.conversation.id}/messages`, {
        body: '您好，正在为您查询。',
        clientId: 'tokenless-reply',
      });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      const delivery = await until('the delivery failed for good', async () => {
        const rows = await db.query<{ status: string; attempts: number; last_error: string }>(
          `SELECT status, attempts, last_error FROM channel_deliveries WHERE org_id = $1 AND message_id = $2`,
          [org.id, sent.body.message.id],
        );
        return rows[0]?.status === 'failed' ? rows[0] : undefined;
      });
      assert.equal(delivery.attempts, 1);
      assert.match(delivery.last_error, /^channel not configured/);
      // This reply's rows only: the inbox's bot answers the customer too, and its delivery may still be pending now.
      const jobs = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM channel_deliveries WHERE org_id = $1 AND message_id = $2 AND status <> 'failed'`,
        [org.id, sent.body.message.id],
      );
      assert.equal(jobs[0]?.n, 0);
    });

    test('removing an inbox drops its bot: the webhook answers 404, it is no longer listed, its row stays', async () => {
      const secret = [...stub.calls].reverse().find((c) => c.method === 'setWebhook')?.params.secret_token;
      const before = stub.calls.length;
      const removed = await admin.call('DELETE', `/api/agent/telegram/inboxes/${inbox.id}`);
      assert.equal(removed.status, 204);
      assert.ok(stub.calls.slice(before).some((c) => c.method === 'deleteWebhook'));
      assert.equal((await webhook(inbox.id, secret)).status, 404);
      const list = await admin.call('GET', '/api/agent/telegram/inboxes');
      assert.equal(
        (list.body.inboxes as TelegramInbox[]).some((i) => i.id === inbox.id),
        false,
      );
      const row = await stored(inbox.id);
      assert.deepEqual(row?.settings.telegram, { removed: true, formerUsername: STUB_USERNAME });
      assert.equal((await admin.call('DELETE', `/api/agent/telegram/inboxes/${inbox.id}`)).status, 404);
    });

    test("the demo's tokenless inbox is connected by giving it a token", async () => {
      const connected = await admin.call('PATCH', `/api/agent/telegram/inboxes/${demoInboxId}`, {
        token: TOKEN,
        mode: 'polling',
      });
      assert.equal(connected.status, 200, JSON.stringify(connected.body));
      assert.equal(connected.body.inbox.connected, true);
      assert.equal(connected.body.inbox.username, STUB_USERNAME);
      assert.deepEqual(connected.body.inbox.webhook, { deleted: true });
      const row = await stored(demoInboxId);
      assert.match(row?.settings.telegram.token, /^sealed:v1:/);
      assert.equal(row?.name, 'Demo', 'the name given earlier is kept');
    });
  });
}

const STUB_USERNAME = 'lumen_poll_bot';
