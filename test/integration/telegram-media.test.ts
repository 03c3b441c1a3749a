import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Conversation, Message } from '../../src/contracts/domain.ts';
import { storeMessageFile } from '../../src/server/files/files.service.ts';
import { findInbox } from '../../src/server/orgs/orgs.service.ts';
import { createTelegramSender } from '../../src/server/telegram/telegram.listener.ts';
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
import { type BotApiStub, startBotApiStub } from '../helpers/telegram-bot-api.ts';

/**
 * Telegram photos and documents both ways (issue 13), through the local Bot API stand-in: a customer's photo (the
 * largest size), document, voice, audio, video, video note, animation or sticker is fetched with getFile and the file URL and stored as the message's attachment with the
 * caption as the body; a file kefu refuses is kept on record and the customer is told in their language; an agent's
 * attachments leave as sendPhoto / sendDocument uploads with the body as caption, or as text first when the body is
 * longer than a caption may be.
 */

const TOKEN = '7000000002:AAEmediaTOKENabcdefghijklmnopqrst';
const PUBLIC_URL = 'https://kefu.example.test';

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
/** An OGG Opus stream's first page, as Telegram's voice messages are recorded. */
const OPUS = Buffer.concat([
  Buffer.from('OggS'),
  Buffer.from([0, 2]),
  Buffer.alloc(20),
  Buffer.from([1, 19]),
  Buffer.from('OpusHead'),
  Buffer.from([1, 1, 0x38, 1, 0x80, 0xbb, 0, 0, 0, 0, 0]),
  Buffer.alloc(64),
]);
/** An MP4 (ISO base media, brand isom): Telegram's videos, video notes and GIFs (which it converts to MP4). */
const MP4 = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypisom'),
  Buffer.from([0, 0, 2, 0]),
  Buffer.from('isomiso2'),
  Buffer.from([0, 0, 0, 8]),
  Buffer.from('free'),
  Buffer.alloc(64),
]);
/** An MP3 with an ID3v2 tag. */
const MP3 = Buffer.concat([
  Buffer.from('ID3'),
  Buffer.from([3, 0, 0, 0, 0, 0, 10]),
  Buffer.alloc(10),
  Buffer.from([0xff, 0xfb, 0x90, 0x64]),
  Buffer.alloc(400),
]);
/** A lossless WebP: a static sticker. */
const WEBP = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([26, 0, 0, 0]),
  Buffer.from('WEBPVP8L'),
  Buffer.from([13, 0, 0, 0, 0x2f, 0, 0, 0, 0x10, 0x07, 0x10, 0x11, 0x11, 0x88, 0x88, 0xfe, 0x07, 0]),
]);
/** A WebM's EBML header: a video sticker. */
const WEBM = Buffer.from('1a45dfa39f4286810142f7810142f2810442f381084282847765626d4287810242858102', 'hex');
/** A Windows executable's header: not on the allow-list whatever it is called. */
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(62), Buffer.from('PE\0\0'), Buffer.alloc(200, 7)]);

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = await probe();
    if (found !== undefined && found !== false) return found as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let updateId = 1;
let messageId = 1;
const customer = (id: number, languageCode: string) => ({
  id,
  is_bot: false,
  first_name: `C${id}`,
  language_code: languageCode,
});
const privateMessage = (from: ReturnType<typeof customer>, content: Record<string, unknown>) => ({
  update_id: updateId++,
  message: {
    message_id: messageId++,
    date: Math.floor(Date.now() / 1000),
    chat: { id: from.id, type: 'private', first_name: from.first_name },
    from,
    ...content,
  },
});

for (const database of await testDatabases()) {
  describe(`Telegram photos and documents (${database.name})`, () => {
    let db: Awaited<ReturnType<typeof database.open>>;
    let stub: BotApiStub;
    let server: TestServer;
    let org: TestOrg;
    let admin: AgentClient;
    let inboxId: string;
    let secret: string;

    const deliver = (update: unknown) =>
      request(`${server.url}/api/telegram/${inboxId}/webhook`, {
        method: 'POST',
        body: update,
        headers: { 'x-telegram-bot-api-secret-token': secret },
      });
    const conversationOf = (telegramUserId: number) =>
      until(`a conversation of ${telegramUserId}`, async () => {
        const list = await admin.call('GET', '/api/agent/conversations?limit=100');
        return (list.body.conversations as Conversation[]).find((c) =>
          c.contact.identities.some((i) => i.kind === 'telegram' && i.value === String(telegramUserId)),
        );
      });
    const messagesOf = async (conversationId: string): Promise<Message[]> =>
      (await admin.call('GET', `/api/agent/conversations/${conversationId}`)).body.messages;
    const storedBytes = async (url: string) => {
      const id = url.split('/').pop();
      const rows = await db.query<{ data: Uint8Array }>(
        'SELECT data FROM message_files WHERE org_id = $1 AND id = $2',
        [org.id, id],
      );
      return rows[0] ? Buffer.from(rows[0].data) : undefined;
    };

    before(async () => {
      stub = await startBotApiStub(TOKEN);
      db = await database.open();
      // The bot stays off: its replies would mix with what this suite counts in the chat.
      org = await createTestOrg(db, 'media');
      server = await startTestServer(db, { KEFU_TELEGRAM_API_ROOT: stub.url, KEFU_PUBLIC_URL: PUBLIC_URL });
      admin = await loginAgent(server, org.agents.admin);
      const created = await admin.call('POST', '/api/agent/telegram/inboxes', {
        name: 'Telegram',
        token: TOKEN,
        bot: false,
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      inboxId = created.body.inbox.id;
      secret = stub.calls.find((c) => c.method === 'setWebhook')?.params.secret_token;
      assert.ok(secret);
    });
    after(async () => {
      await server?.close();
      await db?.drop();
      await stub?.close();
    });

    test("a customer's photo: the largest size is fetched and stored, the caption is the body", async () => {
      stub.files.set('photo-small', { path: 'photos/small.jpg', data: Buffer.from('not this one') });
      stub.files.set('photo-large', { path: 'photos/large.png', data: PNG });
      const from = customer(6660001, 'en');
      const update = privateMessage(from, {
        caption: 'my deposit screenshot',
        photo: [
          { file_id: 'photo-small', file_unique_id: 'ps1', width: 90, height: 90, file_size: 12 },
          { file_id: 'photo-large', file_unique_id: 'pl1', width: 800, height: 800, file_size: PNG.length },
        ],
      });
      assert.equal((await deliver(update)).status, 200);
      const conversation = await conversationOf(from.id);
      const message = await until('the photo attached', async () =>
        (await messagesOf(conversation.id)).find((m) => m.authorKind === 'customer' && m.attachments.length > 0),
      );
      assert.equal(message.body, 'my deposit screenshot');
      const [attachment] = message.attachments;
      assert.equal(attachment?.contentType, 'image/png');
      assert.equal(attachment?.size, PNG.length);
      assert.deepEqual(await storedBytes(attachment?.url ?? ''), PNG);
      assert.deepEqual(
        stub.calls.filter((c) => c.method === 'getFile').map((c) => c.params.file_id),
        ['photo-large'],
      );
      assert.deepEqual(stub.downloads, ['photos/large.png']);

      // Telegram redelivers: one message, one file.
      assert.equal((await deliver(update)).status, 200);
      const files = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM message_files WHERE org_id = $1 AND conversation_id = $2',
        [org.id, conversation.id],
      );
      assert.equal(files[0]?.n, 1);
    });

    test('a document without a caption is stored under its name, the body names it', async () => {
      stub.files.set('doc-pdf', { path: 'documents/statement.pdf', data: PDF });
      const from = customer(6660002, 'en');
      const update = privateMessage(from, {
        document: {
          file_id: 'doc-pdf',
          file_unique_id: 'dp1',
          file_name: 'statement.pdf',
          mime_type: 'application/pdf',
          file_size: PDF.length,
        },
      });
      assert.equal((await deliver(update)).status, 200);
      const conversation = await conversationOf(from.id);
      const message = await until('the document attached', async () =>
        (await messagesOf(conversation.id)).find((m) => m.authorKind === 'customer' && m.attachments.length > 0),
      );
      assert.equal(message.body, '[document: statement.pdf]');
      assert.equal(message.attachments[0]?.name, 'statement.pdf');
      assert.equal(message.attachments[0]?.contentType, 'application/pdf');
      assert.deepEqual(await storedBytes(message.attachments[0]?.url ?? ''), PDF);
    });

    test('a refused type is kept on record and the customer is told in their language', async () => {
      // Named and labelled as a PDF; the bytes are a Windows program.
      stub.files.set('doc-exe', { path: 'documents/invoice.pdf', data: EXE });
      const from = customer(6660003, 'zh-hans');
      const update = privateMessage(from, {
        caption: '这是我的账单',
        document: {
          file_id: 'doc-exe',
          file_unique_id: 'de1',
          file_name: 'invoice.pdf',
          mime_type: 'application/pdf',
          file_size: EXE.length,
        },
      });
      assert.equal((await deliver(update)).status, 200);
      const conversation = await conversationOf(from.id);
      const notice = await until('the refusal in the conversation', async () =>
        (await messagesOf(conversation.id)).find((m) => m.authorKind === 'system'),
      );
      assert.match(notice.body, /无法接收文件「invoice\.pdf」/);
      assert.equal(notice.private, false);
      const messages = await messagesOf(conversation.id);
      const kept = messages.find((m) => m.authorKind === 'customer');
      assert.equal(kept?.body, '这是我的账单');
      assert.deepEqual(kept?.attachments, []);
      assert.equal((kept?.meta.telegram as { refused?: string } | undefined)?.refused, 'file_type_not_allowed');
      const files = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM message_files WHERE org_id = $1 AND conversation_id = $2',
        [org.id, conversation.id],
      );
      assert.equal(files[0]?.n, 0, 'nothing of the file is stored');
      // The notice leaves through the channel like any public message.
      await until('the refusal in the chat', () =>
        stub.calls.find(
          (c) => c.method === 'sendMessage' && Number(c.params.chat_id) === from.id && c.params.text === notice.body,
        ),
      );
    });

    // Bot API Message fields as documented (core.telegram.org/bots/api#message: voice, audio, video, video_note,
    // animation — which Telegram sends with `document` too, for backward compatibility — and sticker).
    const mediaCases: {
      kind: string;
      bytes: Buffer;
      content: (file: { file_id: string; file_unique_id: string; file_size: number }) => Record<string, unknown>;
      body: string;
      contentType: string;
      name?: string;
    }[] = [
      {
        kind: 'voice',
        bytes: OPUS,
        content: (f) => ({ voice: { ...f, duration: 3, mime_type: 'audio/ogg' } }),
        body: '[voice message, 3 s]',
        contentType: 'audio/ogg; codecs=opus',
      },
      {
        kind: 'audio',
        bytes: MP3,
        content: (f) => ({
          audio: {
            ...f,
            duration: 95,
            performer: 'Lumen',
            title: 'Deposit guide',
            file_name: 'guide.mp3',
            mime_type: 'audio/mpeg',
          },
        }),
        body: '[audio: Lumen – Deposit guide]',
        contentType: 'audio/mpeg',
        name: 'guide.mp3',
      },
      {
        kind: 'video',
        bytes: MP4,
        content: (f) => ({
          caption: 'screen recording of the error',
          video: { ...f, width: 720, height: 1280, duration: 12, file_name: 'error.mp4', mime_type: 'video/mp4' },
        }),
        body: 'screen recording of the error',
        contentType: 'video/mp4',
        name: 'error.mp4',
      },
      {
        kind: 'video_note',
        bytes: MP4,
        content: (f) => ({ video_note: { ...f, length: 240, duration: 5 } }),
        body: '[video message, 5 s]',
        contentType: 'video/mp4',
      },
      {
        kind: 'animation',
        bytes: MP4,
        content: (f) => ({
          animation: {
            ...f,
            width: 320,
            height: 240,
            duration: 2,
            file_name: 'loading.gif.mp4',
            mime_type: 'video/mp4',
          },
          document: { ...f, file_name: 'loading.gif.mp4', mime_type: 'video/mp4' },
        }),
        body: '[animation]',
        contentType: 'video/mp4',
      },
      {
        kind: 'sticker',
        bytes: WEBP,
        content: (f) => ({
          sticker: { ...f, type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji: '👍' },
        }),
        body: '[sticker 👍]',
        contentType: 'image/webp',
      },
      {
        kind: 'video sticker',
        bytes: WEBM,
        content: (f) => ({
          sticker: { ...f, type: 'regular', width: 512, height: 512, is_animated: false, is_video: true, emoji: '🔥' },
        }),
        body: '[sticker 🔥]',
        contentType: 'video/webm',
      },
    ];
    for (const [i, media] of mediaCases.entries()) {
      test(`a customer's ${media.kind} is fetched and stored with the type its bytes say`, async () => {
        const fileId = `media-${i}`;
        stub.files.set(fileId, { path: `media/${i}.bin`, data: media.bytes });
        const from = customer(6661000 + i, 'en');
        const file = { file_id: fileId, file_unique_id: `mu${i}`, file_size: media.bytes.length };
        assert.equal((await deliver(privateMessage(from, media.content(file)))).status, 200);
        const conversation = await conversationOf(from.id);
        // Stored before the message is posted: the first time the message is seen, it has its file.
        const message = await until(`the ${media.kind}`, async () =>
          (await messagesOf(conversation.id)).find((m) => m.authorKind === 'customer'),
        );
        assert.equal(message.body, media.body);
        assert.equal(message.attachments.length, 1, JSON.stringify(message));
        const [attachment] = message.attachments;
        assert.equal(attachment?.contentType, media.contentType);
        if (media.name) assert.equal(attachment?.name, media.name);
        assert.deepEqual(await storedBytes(attachment?.url ?? ''), media.bytes);
        assert.equal(
          (await messagesOf(conversation.id)).some((m) => m.authorKind === 'system'),
          false,
          'nothing to tell the customer',
        );
      });
    }

    test('an animated sticker (.tgs) is not fetched: the agent sees what it was, the customer what can be sent', async () => {
      const from = customer(6661100, 'zh-hans');
      stub.files.set('sticker-tgs', { path: 'stickers/anim.tgs', data: Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]) });
      const update = privateMessage(from, {
        sticker: {
          file_id: 'sticker-tgs',
          file_unique_id: 'st1',
          type: 'regular',
          width: 512,
          height: 512,
          is_animated: true,
          is_video: false,
          emoji: '😂',
          file_size: 8,
        },
      });
      assert.equal((await deliver(update)).status, 200);
      const conversation = await conversationOf(from.id);
      const notice = await until('the notice', async () =>
        (await messagesOf(conversation.id)).find((m) => m.authorKind === 'system'),
      );
      assert.match(notice.body, /无法接收这个贴纸/);
      assert.match(notice.body, /音频（OGG、MP3、M4A）和视频（MP4、WebM）/, 'what can be sent');
      const record = (await messagesOf(conversation.id)).find((m) => m.authorKind === 'customer');
      assert.equal(record?.body, '[sticker 😂 — not supported, not kept]');
      assert.deepEqual(record?.attachments, []);
      assert.equal((record?.meta.telegram as { refused?: string } | undefined)?.refused, 'file_type_not_allowed');
      assert.equal(
        stub.calls.some((c) => c.method === 'getFile' && c.params.file_id === 'sticker-tgs'),
        false,
        'never downloaded',
      );
      await until('the notice in the chat', () =>
        stub.calls.find((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === from.id),
      );
    });

    test('a voice message whose bytes are not audio is refused with a record and an answer in English', async () => {
      stub.files.set('voice-exe', { path: 'voice/fake.oga', data: EXE });
      const from = customer(6661101, 'en-GB');
      const update = privateMessage(from, {
        voice: {
          file_id: 'voice-exe',
          file_unique_id: 've1',
          duration: 2,
          mime_type: 'audio/ogg',
          file_size: EXE.length,
        },
      });
      assert.equal((await deliver(update)).status, 200);
      const conversation = await conversationOf(from.id);
      const notice = await until('the notice', async () =>
        (await messagesOf(conversation.id)).find((m) => m.authorKind === 'system'),
      );
      assert.match(notice.body, /^Sorry, we could not accept this voice message: only images \(PNG/);
      const record = (await messagesOf(conversation.id)).find((m) => m.authorKind === 'customer');
      assert.equal(record?.body, '[voice message, 2 s — not supported, not kept]');
      const files = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM message_files WHERE org_id = $1 AND conversation_id = $2',
        [org.id, conversation.id],
      );
      assert.equal(files[0]?.n, 0);
    });

    test("an agent's file reaches the chat through the delivery queue: sendPhoto with the bytes and the caption", async () => {
      const conversation = await conversationOf(6660002);
      const agent = await loginAgent(server, org.agents.agent);
      const before = stub.calls.length;
      const sent = await agent.call('POST', `/api/agent/conversations/${conversation.id}/files`, {
        name: 'steps.png',
        data: PNG.toString('base64'),
        caption: '按截图操作即可',
        clientId: 'agent-file-1',
      });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      const photo = await until('the photo in the chat', () =>
        stub.calls.slice(before).find((c) => c.method === 'sendPhoto' && Number(c.params.chat_id) === 6660002),
      );
      assert.equal(photo.params.caption, '按截图操作即可');
      assert.deepEqual(photo.files.photo?.data, PNG);
      assert.equal(
        stub.calls.slice(before).some((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === 6660002),
        false,
        'the caption is not sent again as text',
      );
      const delivered = await until('the delivery recorded', async () => {
        const rows = await db.query<{ status: string; external_id: string }>(
          'SELECT status, external_id FROM channel_deliveries WHERE org_id = $1 AND message_id = $2',
          [org.id, sent.body.message.id],
        );
        return rows[0]?.status === 'delivered' ? rows[0] : undefined;
      });
      assert.match(delivered.external_id, /^6660002:\d+$/);
    });

    test("an agent's attachments go out as sendPhoto and sendDocument uploads, the body as caption", async () => {
      const conversation = await conversationOf(6660001);
      const scope = { db, org: { id: org.id } };
      const png = await storeMessageFile(scope, org.id, {
        conversationId: conversation.id,
        messageId: null,
        name: 'how-to.png',
        data: PNG,
      });
      const pdf = await storeMessageFile(scope, org.id, {
        conversationId: conversation.id,
        messageId: null,
        name: 'terms.pdf',
        data: PDF,
      });
      const inbox = await findInbox(scope, inboxId);
      assert.ok(inbox);
      const sender = createTelegramSender({ telegramApiRoot: stub.url }, db);
      const [customerMessage] = await messagesOf(conversation.id);
      assert.ok(customerMessage);
      const message: Message = {
        ...customerMessage,
        authorKind: 'agent',
        body: '请按图片里的步骤操作',
        attachments: [png, pdf].map(({ id: _id, ...attachment }) => attachment),
      };
      const before = stub.calls.length;
      const sent = await sender.send({ orgId: org.id, conversation, message, inbox });
      const calls = stub.calls.slice(before);
      assert.deepEqual(
        calls.map((c) => c.method),
        ['sendPhoto', 'sendDocument'],
      );
      const [photo, document] = calls as [(typeof calls)[number], (typeof calls)[number]];
      assert.equal(Number(photo.params.chat_id), 6660001);
      assert.equal(photo.params.caption, '请按图片里的步骤操作');
      assert.deepEqual(photo.files.photo?.data, PNG);
      assert.equal(photo.files.photo?.name, 'how-to.png');
      assert.equal(document.params.caption, undefined, 'the caption goes with the first file only');
      assert.deepEqual(document.files.document?.data, PDF);
      assert.equal(document.files.document?.name, 'terms.pdf');
      assert.match(sent.externalId ?? '', /^6660001:\d+$/);

      // Longer than Telegram's 1024-character caption: the text first, then the file without one.
      const long = '请仔细阅读以下说明。'.repeat(120);
      const afterFirst = stub.calls.length;
      await sender.send({ orgId: org.id, conversation, message: { ...message, body: long }, inbox });
      const second = stub.calls.slice(afterFirst);
      assert.deepEqual(
        second.map((c) => c.method),
        ['sendMessage', 'sendPhoto', 'sendDocument'],
      );
      assert.equal(second[0]?.params.text, long);
      assert.equal(second[1]?.params.caption, undefined);
    });
  });
}
