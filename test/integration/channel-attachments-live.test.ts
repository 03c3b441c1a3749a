import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Conversation, Message } from '../../src/contracts/domain.ts';
import type { ServerEvent } from '../../src/contracts/realtime.ts';
import { insertInbox } from '../../src/server/orgs/orgs.queries.ts';
import { testDatabases } from '../helpers/databases.ts';
import {
  type AgentClient,
  connectSocket,
  createTestOrg,
  loginAgent,
  request,
  type SocketClient,
  startTestServer,
  type TestOrg,
  type TestServerWithBot,
} from '../helpers/server.ts';
import { type BotApiStub, startBotApiStub } from '../helpers/telegram-bot-api.ts';

/**
 * Issue 13: a file that comes with an inbound email or Telegram message reaches a console that has the conversation
 * open in the message itself. The files are stored before the message is posted, so the `message.created` event an
 * agent's socket receives already carries `attachments` (before, they were added afterwards and no event said so:
 * the console showed the message without its file until it reloaded). Checked on the real WebSocket, over real SMTP
 * into kefu's listener and through the local Bot API stand-in.
 */

const TOKEN = '7000000003:AAElivefilesTOKENabcdefghijklmnopq';
/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = await probe();
    if (found !== undefined && found !== false) return found as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type MessageEvent = Extract<ServerEvent, { type: 'message.created' }>;
const customerMessageOf = (conversationId: string) => (e: ServerEvent) =>
  e.type === 'message.created' && e.conversationId === conversationId && e.message.authorKind === 'customer';

for (const database of await testDatabases()) {
  describe(`inbound channel files reach an open console live (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let stub: BotApiStub;
    let server: TestServerWithBot;
    let org: TestOrg;
    let admin: AgentClient;
    let address: string;
    let toKefu: Transporter;
    let telegramInboxId: string;
    let secret: string;

    const messagesOf = async (conversationId: string): Promise<Message[]> =>
      (await admin.call('GET', `/api/agent/conversations/${conversationId}`)).body.messages;
    const conversationWhere = (what: string, match: (c: Conversation) => boolean) =>
      until(what, async () => {
        const list = await admin.call('GET', '/api/agent/conversations?assignee=all&limit=100');
        return (list.body.conversations as Conversation[]).find(match);
      });
    /** An agent socket following the conversation from its current last message on. */
    const follow = async (conversationId: string): Promise<SocketClient> => {
      const messages = await messagesOf(conversationId);
      const socket = await connectSocket(`${server.wsUrl}/api/agent/ws`, { cookie: admin.cookie });
      socket.send({ type: 'subscribe', conversationId, afterSeq: messages.at(-1)?.seq ?? 0 });
      await socket.waitFor((e) => e.type === 'subscribed' && e.conversationId === conversationId);
      return socket;
    };
    const download = async (url: string) => {
      const response = await fetch(`${server.url}${url}`, { headers: { cookie: admin.cookie } });
      return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
    };

    before(async () => {
      stub = await startBotApiStub(TOKEN);
      db = await database.open();
      org = await createTestOrg(db, 'livefiles');
      server = await startTestServer(db, {
        KEFU_SMTP_PORT: '0',
        KEFU_TELEGRAM_API_ROOT: stub.url,
        KEFU_PUBLIC_URL: 'https://kefu.example.test',
      });
      address = `support-${org.slug}@lumen.example`;
      await insertInbox(db, {
        orgId: org.id,
        kind: 'email',
        name: 'Email',
        identitySecret: null,
        settings: { bot: { enabled: false }, email: { address } },
      });
      // An admin sees customers' addresses in full, which is how the suite finds their conversations.
      admin = await loginAgent(server, org.agents.admin);
      const created = await admin.call('POST', '/api/agent/telegram/inboxes', {
        name: 'Telegram',
        token: TOKEN,
        // The bot is on (routing reads the switch through a cache, so it is set once, here): it must not answer a
        // file the channel refused.
        bot: true,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      telegramInboxId = created.body.inbox.id;
      secret = stub.calls.find((c) => c.method === 'setWebhook')?.params.secret_token;
      assert.ok(secret);
      toKefu = nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, secure: false, ignoreTLS: true });
    });
    after(async () => {
      toKefu?.close();
      await server?.close();
      await db?.drop();
      await stub?.close();
    });

    test('an email reply with a file: the agent following the conversation gets the message with its attachment', async () => {
      const customer = `live-${crypto.randomBytes(3).toString('hex')}@example.com`;
      const first = await toKefu.sendMail({
        from: customer,
        to: address,
        subject: 'Deposit missing',
        text: 'My deposit has not arrived.',
      });
      const conversation = await conversationWhere('the email conversation', (c) => c.contact.email === customer);
      const socket = await follow(conversation.id);
      try {
        await toKefu.sendMail({
          from: customer,
          to: address,
          subject: 'Re: Deposit missing',
          inReplyTo: first.messageId,
          references: [first.messageId],
          text: 'Here is the screenshot.',
          attachments: [{ filename: 'deposit.png', content: PNG, contentType: 'image/png' }],
        });
        // The first event of the customer's message, not a later one: it must already carry the file.
        const event = await socket.waitFor<MessageEvent>(customerMessageOf(conversation.id), 20_000);
        assert.match(event.message.body, /Here is the screenshot\./);
        assert.equal(event.message.attachments.length, 1, JSON.stringify(event.message));
        const [attachment] = event.message.attachments;
        assert.equal(attachment?.name, 'deposit.png');
        assert.equal(attachment?.contentType, 'image/png');
        assert.equal(attachment?.size, PNG.length);
        const file = await download(attachment?.url ?? '');
        assert.equal(file.status, 200);
        assert.deepEqual(file.bytes, PNG);
        // Stored as the message's own file (linked after the post), and only once.
        const rows = await db.query<{ message_id: string | null }>(
          'SELECT message_id FROM message_files WHERE org_id = $1 AND conversation_id = $2',
          [org.id, conversation.id],
        );
        assert.deepEqual(
          rows.map((r) => r.message_id),
          [event.message.id],
        );
      } finally {
        await socket.close();
      }
    });

    test('an email that starts a conversation carries its file from the first message on', async () => {
      const customer = `first-${crypto.randomBytes(3).toString('hex')}@example.com`;
      await toKefu.sendMail({
        from: customer,
        to: address,
        subject: 'Screenshot',
        text: 'See attached.',
        attachments: [{ filename: 'first.png', content: PNG, contentType: 'image/png' }],
      });
      const conversation = await conversationWhere('the new conversation', (c) => c.contact.email === customer);
      // No waiting for the file: whoever sees the message sees it with its attachment.
      const [message] = (await messagesOf(conversation.id)).filter((m) => m.authorKind === 'customer');
      assert.equal(message?.attachments[0]?.name, 'first.png');
      assert.equal(conversation.channel, 'email');
    });

    test('a Telegram photo: the agent following the chat gets the message with its attachment', async () => {
      const from = { id: 6670001, is_bot: false, first_name: 'Ana', language_code: 'en' };
      const chat = { id: from.id, type: 'private', first_name: from.first_name };
      const deliver = (message: Record<string, unknown>) =>
        request(`${server.url}/api/telegram/${telegramInboxId}/webhook`, {
          method: 'POST',
          body: { update_id: Number(message.message_id), message: { date: 1, chat, from, ...message } },
          headers: { 'x-telegram-bot-api-secret-token': secret },
        });
      assert.equal((await deliver({ message_id: 1, text: 'my deposit is missing' })).status, 200);
      const conversation = await conversationWhere('the Telegram chat', (c) =>
        c.contact.identities.some((i) => i.kind === 'telegram' && i.value === String(from.id)),
      );
      const socket = await follow(conversation.id);
      try {
        stub.files.set('live-photo', { path: 'photos/live.png', data: PNG });
        const photo = [{ file_id: 'live-photo', file_unique_id: 'lp1', width: 1, height: 1, file_size: PNG.length }];
        assert.equal((await deliver({ message_id: 2, caption: 'the screenshot', photo })).status, 200);
        const event = await socket.waitFor<MessageEvent>(customerMessageOf(conversation.id), 20_000);
        assert.equal(event.message.body, 'the screenshot');
        assert.equal(event.message.attachments.length, 1, JSON.stringify(event.message));
        assert.equal(event.message.attachments[0]?.contentType, 'image/png');
        const file = await download(event.message.attachments[0]?.url ?? '');
        assert.equal(file.status, 200);
        assert.deepEqual(file.bytes, PNG);
      } finally {
        await socket.close();
      }
    });

    test('a refused sticker is answered by the channel (what can be sent), not by the bot\'s "I have your file"', async () => {
      const from = { id: 6670002, is_bot: false, first_name: 'Bo', language_code: 'en' };
      const chat = { id: from.id, type: 'private', first_name: from.first_name };
      const deliver = (message: Record<string, unknown>) =>
        request(`${server.url}/api/telegram/${telegramInboxId}/webhook`, {
          method: 'POST',
          body: { update_id: 100 + Number(message.message_id), message: { date: 1, chat, from, ...message } },
          headers: { 'x-telegram-bot-api-secret-token': secret },
        });
      const sticker = {
        file_id: 'bot-tgs',
        file_unique_id: 'bt1',
        type: 'regular',
        width: 512,
        height: 512,
        is_animated: true,
        is_video: false,
        emoji: '🙈',
      };
      assert.equal((await deliver({ message_id: 1, sticker })).status, 200);
      stub.files.set('bot-photo', { path: 'photos/bot.png', data: PNG });
      const photo = [{ file_id: 'bot-photo', file_unique_id: 'bp1', width: 1, height: 1, file_size: PNG.length }];
      assert.equal((await deliver({ message_id: 2, photo })).status, 200);
      const conversation = await conversationWhere('the chat', (c) =>
        c.contact.identities.some((i) => i.kind === 'telegram' && i.value === String(from.id)),
      );
      const inReplyTo = (m: Message) => (m.meta.bot as { inReplyTo?: string } | undefined)?.inReplyTo;
      // The bot takes a conversation's turns in order: once the photo is answered, the sticker's turn is over too.
      const messages = await until('the bot answers the photo', async () => {
        const all = await messagesOf(conversation.id);
        const photoMessage = all.find((m) => m.authorKind === 'customer' && m.attachments.length > 0);
        return photoMessage && all.some((m) => m.authorKind === 'bot' && inReplyTo(m) === photoMessage.id)
          ? all
          : undefined;
      });
      const stickerMessage = messages.find((m) => m.body.startsWith('[sticker 🙈'));
      assert.ok(stickerMessage);
      assert.deepEqual(
        messages.filter((m) => m.authorKind === 'bot' && inReplyTo(m) === stickerMessage.id).map((m) => m.body),
        [],
        'the bot says nothing about a file that was not taken',
      );
      const notice = messages.find((m) => m.authorKind === 'system');
      assert.match(notice?.body ?? '', /could not accept this sticker: only images/);
    });
  });
}
