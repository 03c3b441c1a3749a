import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Conversation, Message } from '../../src/contracts/domain.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  createTestOrg,
  loginAgent,
  request,
  startTestServer,
  type TestOrg,
  type TestServer,
} from '../helpers/server.ts';

/**
 * The Telegram channel end to end: a local stand-in for the Bot API (the methods kefu calls, answering
 * `{ ok: true, result }` as Telegram documents) records what kefu sends; updates in Telegram's format go to the
 * inbox's webhook.
 */

type BotApiCall = { method: string; token: string; params: Record<string, any> };
type BotApiStub = { url: string; calls: BotApiCall[]; downloads: string[]; close(): Promise<void> };

const TOKEN = '7000000001:AAEtestTOKENabcdefghijklmnopqrstu';
const BOT = { id: 7000000001, is_bot: true, first_name: 'Lumen 客服机器人', username: 'lumen_kefu_bot' };
const PUBLIC_URL = 'https://kefu.example.test';

async function startBotApiStub(): Promise<BotApiStub> {
  const calls: BotApiCall[] = [];
  const downloads: string[] = [];
  let nextMessageId = 9000;
  const files: Record<string, { file_path: string; bytes: number }> = {
    'photo-big': { file_path: 'photos/file_1.jpg', bytes: 2048 },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
      if (file) {
        downloads.push(file[2] as string);
        const known = Object.values(files).find((f) => f.file_path === file[2]);
        if (!known || file[1] !== TOKEN) {
          res.writeHead(404).end();
          return;
        }
        // A JPEG's signature, then filler: enough for the type sniffing to call it an image.
        const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(known.bytes - 4, 1)]);
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(jpeg);
        return;
      }
      const call = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
      const answer = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (!call) return answer(404, { ok: false, error_code: 404, description: 'Not Found' });
      const [, token, method] = call as unknown as [string, string, string];
      const text = Buffer.concat(chunks).toString('utf8');
      const params = text ? JSON.parse(text) : Object.fromEntries(url.searchParams);
      calls.push({ method, token, params });
      if (token !== TOKEN) return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' });
      switch (method) {
        case 'getMe':
          return answer(200, { ok: true, result: { ...BOT, can_join_groups: true, supports_inline_queries: false } });
        case 'setWebhook':
          return answer(200, { ok: true, result: true, description: 'Webhook was set' });
        case 'sendMessage':
          return answer(200, {
            ok: true,
            result: {
              message_id: nextMessageId++,
              date: Math.floor(Date.now() / 1000),
              chat: { id: Number(params.chat_id), type: Number(params.chat_id) < 0 ? 'supergroup' : 'private' },
              from: BOT,
              text: params.text,
            },
          });
        case 'answerCallbackQuery':
          return answer(200, { ok: true, result: true });
        case 'getFile': {
          const known = files[params.file_id];
          if (!known) return answer(400, { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' });
          return answer(200, {
            ok: true,
            result: {
              file_id: params.file_id,
              file_unique_id: `u-${params.file_id}`,
              file_size: known.bytes,
              file_path: known.file_path,
            },
          });
        }
        default:
          return answer(404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    downloads,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined && found !== false) return found as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let updateId = 100;
let messageId = 1;
const user = (id: number, extra: Record<string, unknown> = {}) => ({
  id,
  is_bot: false,
  first_name: `Customer${id}`,
  language_code: 'zh-hans',
  ...extra,
});
const privateText = (from: ReturnType<typeof user>, text: string) => ({
  update_id: updateId++,
  message: {
    message_id: messageId++,
    date: Math.floor(Date.now() / 1000),
    chat: { id: from.id, type: 'private', first_name: from.first_name },
    from,
    text,
  },
});
const GROUP = { id: -1001234567890, type: 'supergroup', title: 'Lumen 中文社区' };
const groupText = (from: ReturnType<typeof user>, text: string, extra: Record<string, unknown> = {}) => ({
  update_id: updateId++,
  message: { message_id: messageId++, date: Math.floor(Date.now() / 1000), chat: GROUP, from, text, ...extra },
});

for (const database of await testDatabases()) {
  describe(`Telegram channel (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let stub: BotApiStub;
    let server: TestServer;
    let org: TestOrg;
    let admin: AgentClient;
    let inboxId: string;
    let secret: string;

    const deliver = (update: unknown, token = secret, id = inboxId) =>
      request(`${server.url}/api/telegram/${id}/webhook`, {
        method: 'POST',
        body: update,
        headers: { 'x-telegram-bot-api-secret-token': token },
      });
    const sentTo = (chatId: number) =>
      stub.calls.filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === chatId);
    const conversationsOf = async (telegramUserId: number): Promise<Conversation[]> => {
      const list = await admin.call('GET', '/api/agent/conversations?limit=100');
      assert.equal(list.status, 200);
      return (list.body.conversations as Conversation[]).filter(
        (c) =>
          c.channel === 'telegram' &&
          c.contact.identities.some((i) => i.kind === 'telegram' && i.value === String(telegramUserId)),
      );
    };
    const conversationOf = (telegramUserId: number) =>
      waitFor(`a conversation of ${telegramUserId}`, async () => (await conversationsOf(telegramUserId))[0]);
    const messagesOf = async (conversationId: string): Promise<Message[]> =>
      (await admin.call('GET', `/api/agent/conversations/${conversationId}`)).body.messages;

    before(async () => {
      stub = await startBotApiStub();
      db = await database.open();
      org = await createTestOrg(db, 'lumen', { bot: true });
      server = await startTestServer(db, { KEFU_TELEGRAM_API_ROOT: stub.url, KEFU_PUBLIC_URL: PUBLIC_URL });
      admin = await loginAgent(server, org.agents.admin);
      const official = await admin.call('POST', '/api/agent/official-channels', {
        kind: 'telegram',
        value: '@Lumen_Support',
        label: 'Official support',
      });
      assert.equal(official.status, 201);
    });
    after(async () => {
      await server?.close();
      await db?.drop();
      await stub?.close();
    });

    test('an admin connects a bot: getMe, then the webhook with its secret; an agent may not', async () => {
      const agent = await loginAgent(server, org.agents.agent);
      const refused = await agent.call('POST', '/api/agent/telegram/inboxes', { name: 'Telegram', token: TOKEN });
      assert.equal(refused.status, 403);
      const created = await admin.call('POST', '/api/agent/telegram/inboxes', { name: 'Telegram', token: TOKEN });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      inboxId = created.body.inbox.id;
      assert.equal(created.body.inbox.username, 'lumen_kefu_bot');
      assert.equal(JSON.stringify(created.body).includes(TOKEN), false, 'the token is not echoed');
      const setWebhook = stub.calls.find((c) => c.method === 'setWebhook');
      assert.ok(setWebhook);
      assert.equal(setWebhook.params.url, `${PUBLIC_URL}/api/telegram/${inboxId}/webhook`);
      secret = setWebhook.params.secret_token;
      assert.match(secret, /^[\w-]{32,256}$/);
      const audit = await admin.call('GET', '/api/agent/audit?limit=50');
      const entry = audit.body.entries.find((e: { action: string }) => e.action === 'telegram_inbox.create');
      assert.equal(entry?.targetId, inboxId);
      assert.equal(JSON.stringify(audit.body).includes(TOKEN), false, 'the audit log does not hold the token');
    });

    test('a wrong secret is 401, an unknown inbox 404, a malformed update 200 and nothing stored', async () => {
      const update = privateText(user(5550009), '你好');
      assert.equal((await deliver(update, 'not-the-secret')).status, 401);
      assert.equal((await deliver(update, '')).status, 401);
      const unknown = await deliver(update, secret, '00000000-0000-4000-8000-000000000000');
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error.code, 'inbox_not_found');
      assert.equal((await deliver(update, secret, org.inboxId)).status, 404, 'the web inbox has no Telegram webhook');
      assert.equal((await deliver(update, secret, 'not-a-uuid')).status, 404);
      assert.equal((await deliver({ hello: 'world' })).status, 200);
      assert.equal((await deliver({ update_id: updateId++, message: { text: 'no chat' } })).status, 200);
      assert.equal((await deliver({ update_id: updateId++, edited_message: { message_id: 1 } })).status, 200);
      assert.deepEqual(await conversationsOf(5550009), []);
    });

    test('a private message becomes a conversation, the bot answers in the chat, a redelivery is stored once', async () => {
      const from = user(5550001, { first_name: '小明', language_code: 'zh-hans' });
      const update = privateText(from, '我的 USDT 充值还没到账');
      assert.equal((await deliver(update)).status, 200);
      const conversation = await conversationOf(from.id);
      const detail = await admin.call('GET', `/api/agent/conversations/${conversation.id}`);
      assert.equal(detail.body.conversation.channel, 'telegram');
      assert.deepEqual(
        detail.body.conversation.contact.identities.filter((i: { kind: string }) => i.kind === 'telegram'),
        [{ kind: 'telegram', value: '5550001' }],
      );
      assert.equal(detail.body.conversation.contact.locale, 'zh-CN');
      assert.equal(detail.body.conversation.contact.name, '小明');
      const botSent = await waitFor('the bot reply in the chat', () => sentTo(from.id)[0]);
      assert.ok(botSent.params.text.length > 0);
      const messages = await messagesOf(conversation.id);
      assert.ok(messages.some((m) => m.authorKind === 'bot' && m.body === botSent.params.text));

      assert.equal((await deliver(update)).status, 200);
      const again = await messagesOf(conversation.id);
      assert.equal(again.filter((m) => m.authorKind === 'customer').length, 1);
      assert.equal((await conversationsOf(from.id)).length, 1);

      // The next message continues the same conversation.
      assert.equal((await deliver(privateText(from, 'TRC20 网络'))).status, 200);
      await waitFor('the follow-up stored', async () =>
        (await messagesOf(conversation.id)).some((m) => m.authorKind === 'customer' && m.body === 'TRC20 网络'),
      );
      assert.equal((await conversationsOf(from.id)).length, 1);
    });

    test("an agent's reply reaches the chat", async () => {
      const conversation = (await conversationsOf(5550001))[0] as Conversation;
      const agent = await loginAgent(server, org.agents.agent);
      const sent = await agent.call('POST', `/api/agent/conversations/${conversation.id}/messages`, {
        body: '您好，我是客服小李，正在为您核实这笔充值。',
        clientId: 'agent-reply-1',
      });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      await waitFor('the agent reply in the chat', () =>
        sentTo(5550001).find((c) => c.params.text === '您好，我是客服小李，正在为您核实这笔充值。'),
      );
    });

    test('the freeze offer comes with buttons; pressing "freeze" is the customer saying 冻结', async () => {
      const from = user(5550002, { language_code: 'zh-hant-tw' });
      assert.equal((await deliver(privateText(from, '我的账户被盗了，有人在提币，快冻结'))).status, 200);
      const offer = await waitFor('the freeze offer with buttons', () =>
        sentTo(from.id).find((c) => JSON.stringify(c.params.reply_markup ?? {}).includes('"callback_data":"freeze"')),
      );
      assert.match(JSON.stringify(offer.params.reply_markup), /Talk to a person/);
      const conversation = await conversationOf(from.id);
      assert.equal(conversation.contact.locale, 'zh-TW');
      const callback = {
        update_id: updateId++,
        callback_query: {
          id: 'cbq-1',
          from,
          chat_instance: '42',
          data: 'freeze',
          message: {
            message_id: 9999,
            date: Math.floor(Date.now() / 1000),
            chat: { id: from.id, type: 'private' },
            from: BOT,
            text: offer.params.text,
          },
        },
      };
      assert.equal((await deliver(callback)).status, 200);
      assert.ok(stub.calls.some((c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === 'cbq-1'));
      await waitFor('the customer "冻结"', async () =>
        (await messagesOf(conversation.id)).some((m) => m.authorKind === 'customer' && m.body === '冻结'),
      );
      assert.equal((await conversationsOf(from.id)).length, 1);
    });

    test('a photo is fetched and attached, its caption the body; a file over 10 MB is not fetched', async () => {
      const from = user(5550004, { language_code: 'en' });
      const photo = {
        update_id: updateId++,
        message: {
          message_id: messageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: from.id, type: 'private' },
          from,
          caption: 'deposit screenshot',
          photo: [
            { file_id: 'photo-small', file_unique_id: 'ps', width: 90, height: 90, file_size: 500 },
            { file_id: 'photo-big', file_unique_id: 'pb', width: 800, height: 800, file_size: 2048 },
          ],
        },
      };
      assert.equal((await deliver(photo)).status, 200);
      const conversation = await conversationOf(from.id);
      assert.equal(conversation.contact.locale, 'en');
      const first = await waitFor('the photo attached', async () =>
        (await messagesOf(conversation.id)).find((m) => m.authorKind === 'customer' && m.attachments.length > 0),
      );
      assert.equal(first.body, 'deposit screenshot');
      assert.equal(first.attachments[0]?.contentType, 'image/jpeg');
      assert.equal(first.attachments[0]?.size, 2048);
      const noted = first.meta.telegram as Record<string, unknown> | undefined;
      assert.equal(noted?.fileId, 'photo-big');
      assert.equal(noted?.downloaded, true);
      assert.ok(stub.downloads.includes('photos/file_1.jpg'));

      const big = {
        update_id: updateId++,
        message: {
          message_id: messageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: from.id, type: 'private' },
          from,
          document: { file_id: 'doc-huge', file_unique_id: 'dh', file_name: 'statement.pdf', file_size: 15_000_000 },
        },
      };
      assert.equal((await deliver(big)).status, 200);
      await waitFor('the document noted', async () =>
        // The agent's record says what it was and why it is not there.
        (await messagesOf(conversation.id)).find((m) => m.body === '[document: statement.pdf — too large, not kept]'),
      );
      assert.equal(
        stub.calls.some((c) => c.method === 'getFile' && c.params.file_id === 'doc-huge'),
        false,
      );
      // The customer is told it did not reach us (in English: their Telegram is in English).
      await waitFor('the size refusal in the chat', () =>
        sentTo(from.id).find((c) => /statement\.pdf" is over the 10 MB limit/.test(c.params.text)),
      );
    });

    test('in a group the bot speaks only when addressed, and only to invite a private chat', async () => {
      const before = stub.calls.length;
      const member = user(5550003, { username: 'trader_joe' });
      assert.equal((await deliver(groupText(member, '大家好，今天行情怎么样'))).status, 200);
      assert.deepEqual(sentTo(GROUP.id), []);
      assert.deepEqual(await conversationsOf(member.id), []);

      const addressed = groupText(member, '@lumen_kefu_bot 我的提币卡住了，UID 28810375');
      assert.equal((await deliver(addressed)).status, 200);
      const [invitation] = sentTo(GROUP.id);
      assert.ok(invitation);
      assert.match(invitation.params.text, /t\.me\/lumen_kefu_bot/);
      assert.doesNotMatch(invitation.params.text, /28810375|提币卡住/);
      assert.equal(invitation.params.reply_parameters.message_id, addressed.message.message_id);
      assert.deepEqual(await conversationsOf(member.id), []);

      // A reply to one of the bot's messages addresses it too.
      const reply = groupText(member, '怎么私聊？', {
        reply_to_message: { message_id: 9001, date: 0, chat: GROUP, from: BOT, text: invitation.params.text },
      });
      assert.equal((await deliver(reply)).status, 200);
      assert.equal(sentTo(GROUP.id).length, 2);
      assert.deepEqual(await conversationsOf(member.id), []);
      assert.ok(stub.calls.slice(before).every((c) => c.method === 'sendMessage'));
    });

    test('a member posing as support gets a warning in the group; the registered account does not', async () => {
      const already = sentTo(GROUP.id).length;
      const official = user(5550005, { username: 'Lumen_Support', first_name: 'Lumen Support' });
      assert.equal((await deliver(groupText(official, '有问题请私聊官方机器人'))).status, 200);
      assert.equal(sentTo(GROUP.id).length, already);

      const impostor = user(5550006, { username: 'Lumen_Support_Official', first_name: 'Lumen 客服' });
      assert.equal((await deliver(groupText(impostor, '充值有问题的私聊我'))).status, 200);
      const warnings = sentTo(GROUP.id).slice(already);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]?.params.text, /⚠️ @Lumen_Support_Official is not an official account of Exchange lumen/);
      assert.deepEqual(await conversationsOf(impostor.id), []);

      // Warned once, not at every message.
      assert.equal((await deliver(groupText(impostor, '加我'))).status, 200);
      assert.equal(sentTo(GROUP.id).length, already + 1);
    });
  });
}
