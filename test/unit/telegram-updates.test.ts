import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  brandWords,
  fileRefusedReply,
  imitatesSupport,
  inboundContent,
  isAddressedToBot,
  localeOfLanguageCode,
  offersFreeze,
  parseUpdate,
  refusedLabel,
  sendsAsPhoto,
} from '../../src/server/telegram/telegram.updates.ts';

const member = (username: string | undefined, first_name: string) => ({ id: 1, is_bot: false, first_name, username });

test("the customer's language from Telegram's language_code", () => {
  assert.equal(localeOfLanguageCode('zh-hant'), 'zh-TW');
  assert.equal(localeOfLanguageCode('zh-TW'), 'zh-TW');
  assert.equal(localeOfLanguageCode('zh-hk'), 'zh-TW');
  assert.equal(localeOfLanguageCode('zh-hans'), 'zh-CN');
  assert.equal(localeOfLanguageCode('zh'), 'zh-CN');
  assert.equal(localeOfLanguageCode('en-GB'), 'en');
  assert.equal(localeOfLanguageCode('ru'), 'en');
  assert.equal(localeOfLanguageCode(undefined), 'en');
});

test('a member posing as support carries the brand and a staff word', () => {
  const brands = brandWords({ slug: 'lumen', name: 'Lumen Exchange' });
  assert.deepEqual(brands, ['lumen']);
  assert.equal(imitatesSupport(member('Lumen_Support_Official', 'Mike'), brands), true);
  assert.equal(imitatesSupport(member(undefined, 'Lumen 客服'), brands), true);
  assert.equal(imitatesSupport(member('lumenadmin', 'x'), brands), true);
  assert.equal(imitatesSupport(member('lumen_fan', 'Lumen lover'), brands), false);
  assert.equal(imitatesSupport(member('binance_support', 'Support'), brands), false);
  assert.deepEqual(brandWords({ slug: 'hb', name: '火币 交易所' }), ['火币']);
});

test('a group message addresses the bot by mention or by replying to it', () => {
  const bot = { username: 'lumen_kefu_bot', botId: 42 };
  const base = { message_id: 1, date: 0, chat: { id: -1, type: 'supergroup' as const, title: 'g' } };
  assert.equal(isAddressedToBot({ ...base, text: '@Lumen_Kefu_Bot help' }, bot), true);
  assert.equal(isAddressedToBot({ ...base, text: '@lumen_kefu_bot_fake help' }, bot), false);
  assert.equal(isAddressedToBot({ ...base, text: 'hello' }, bot), false);
  const reply = { ...base, text: 'ok', reply_to_message: { ...base, from: { id: 42, is_bot: true, first_name: 'b' } } };
  assert.equal(isAddressedToBot(reply as never, bot), true);
});

test('what a message becomes, and which updates are ignored', () => {
  const chat = { id: 5, type: 'private' as const, first_name: 'a' };
  assert.deepEqual(inboundContent({ message_id: 1, date: 0, chat, text: 'hi' }), { body: 'hi' });
  assert.equal(inboundContent({ message_id: 1, date: 0, chat, sticker: {} } as never), undefined);
  assert.equal(parseUpdate(null).kind, 'ignored');
  assert.equal(parseUpdate({ update_id: 'x' }).kind, 'ignored');
  assert.equal(parseUpdate({ update_id: 1, channel_post: {} }).kind, 'ignored');
  const fromBot = { update_id: 1, message: { message_id: 1, date: 0, chat, from: { id: 5, is_bot: true } } };
  assert.equal(parseUpdate(fromBot).kind, 'ignored');
  assert.equal(offersFreeze({ body: '确认冻结请回复“冻结”。' }), true);
  assert.equal(offersFreeze({ body: 'Reply "FREEZE" to confirm.' }), true);
  assert.equal(offersFreeze({ body: '请发送您的邮箱' }), false);
});

test("a photo's or document's caption is the body, the largest photo size is the file", () => {
  const chat = { id: 5, type: 'private' as const, first_name: 'a' };
  const sizes = [
    { file_id: 's', file_unique_id: 'us', width: 90, height: 90, file_size: 10 },
    { file_id: 'l', file_unique_id: 'ul', width: 900, height: 900, file_size: 99 },
  ];
  const photo = inboundContent({ message_id: 1, date: 0, chat, caption: ' 截图 ', photo: sizes });
  assert.equal(photo?.body, '截图');
  assert.deepEqual(photo?.file, {
    kind: 'photo',
    fileId: 'l',
    fileUniqueId: 'ul',
    fileName: 'photo-ul.jpg',
    size: 99,
  });
  assert.equal(inboundContent({ message_id: 1, date: 0, chat, photo: sizes })?.body, '[photo]');
  const document = { file_id: 'd', file_unique_id: 'ud', file_name: 'a.pdf', mime_type: 'application/pdf' };
  assert.equal(inboundContent({ message_id: 1, date: 0, chat, document })?.body, '[document: a.pdf]');
  assert.equal(inboundContent({ message_id: 1, date: 0, chat, document, caption: 'bill' })?.body, 'bill');
});

test("a refused file is explained in the customer's language; only JPEG and PNG go as photos", () => {
  assert.match(fileRefusedReply('en', 'x.exe', 'file_type_not_allowed', 10), /could not accept the file "x\.exe"/);
  assert.match(fileRefusedReply('zh-CN', 'x.exe', 'file_too_large', 10), /超过了 10 MB/);
  // zh-TW is derived with Taiwan usage: 檔案, not 文件.
  assert.match(fileRefusedReply('zh-TW', 'x.exe', 'file_unavailable', 10), /檔案「x\.exe」/);
  assert.equal(sendsAsPhoto('image/jpeg'), true);
  assert.equal(sendsAsPhoto('image/png'), true);
  assert.equal(sendsAsPhoto('image/gif'), false);
  assert.equal(sendsAsPhoto('application/pdf'), false);
});

test('voice, audio, video, video notes, animations and stickers: the file, its name, and the label without a caption', () => {
  const chat = { id: 5, type: 'private' as const, first_name: 'a' };
  const f = { file_id: 'f', file_unique_id: 'u', file_size: 7 };
  const cases: [string, Record<string, unknown>, string, Record<string, unknown>][] = [
    [
      'voice',
      { voice: { ...f, duration: 4, mime_type: 'audio/ogg' } },
      '[voice message, 4 s]',
      { kind: 'voice', fileName: 'voice-u.ogg', mimeType: 'audio/ogg' },
    ],
    [
      'audio',
      { audio: { ...f, duration: 9, title: 'Guide', mime_type: 'audio/mp4' } },
      '[audio: Guide]',
      { kind: 'audio', fileName: 'audio-u.m4a' },
    ],
    ['named audio', { audio: { ...f, duration: 9, file_name: 'a.mp3' } }, '[audio: a.mp3]', { fileName: 'a.mp3' }],
    [
      'video',
      { video: { ...f, width: 1, height: 1, duration: 1, mime_type: 'video/mp4' } },
      '[video]',
      { kind: 'video', fileName: 'video-u.mp4' },
    ],
    [
      'video note',
      { video_note: { ...f, length: 240, duration: 6 } },
      '[video message, 6 s]',
      { kind: 'video_note', mimeType: 'video/mp4' },
    ],
    // Telegram sets `document` too on an animation: it is still the animation.
    [
      'animation',
      { animation: { ...f, width: 1, height: 1, duration: 1 }, document: { ...f, file_name: 'x.mp4' } },
      '[animation]',
      { kind: 'animation' },
    ],
    [
      'sticker',
      { sticker: { ...f, type: 'regular', width: 1, height: 1, is_animated: false, is_video: false, emoji: '🙂' } },
      '[sticker 🙂]',
      { kind: 'sticker', fileName: 'sticker-u.webp' },
    ],
    [
      'video sticker',
      { sticker: { ...f, type: 'regular', width: 1, height: 1, is_animated: false, is_video: true } },
      '[sticker]',
      { fileName: 'sticker-u.webm' },
    ],
    [
      'animated sticker',
      { sticker: { ...f, type: 'regular', width: 1, height: 1, is_animated: true, is_video: false } },
      '[sticker]',
      { refused: 'file_type_not_allowed' },
    ],
  ];
  for (const [what, fields, label, file] of cases) {
    const content = inboundContent({ message_id: 1, date: 0, chat, ...fields } as never);
    assert.equal(content?.body, label, what);
    assert.equal(content?.label, label, what);
    for (const [key, value] of Object.entries(file))
      assert.equal((content?.file as never)?.[key], value, `${what}: ${key}`);
    assert.equal(content?.file?.fileId, 'f', what);
    const captioned = inboundContent({ message_id: 1, date: 0, chat, caption: 'look', ...fields } as never);
    assert.equal(captioned?.body, 'look', what);
  }
  assert.equal(inboundContent({ message_id: 1, date: 0, chat, voice: { duration: 1 } } as never), undefined);
  assert.equal(refusedLabel('[sticker 🙂]', 'file_type_not_allowed'), '[sticker 🙂 — not supported, not kept]');
  assert.equal(refusedLabel('[video]', 'file_too_large'), '[video — too large, not kept]');
});

test('a refused voice message or sticker is named by what it is, with what can be sent', () => {
  assert.match(
    fileRefusedReply('en', 'voice-u.ogg', 'file_type_not_allowed', 10, 'voice'),
    /^Sorry, we could not accept this voice message: only images/,
  );
  assert.match(
    fileRefusedReply('zh-CN', 'sticker-u.tgs', 'file_type_not_allowed', 10, 'sticker'),
    /无法接收这个贴纸：只能接收图片/,
  );
  assert.match(
    fileRefusedReply('en', 'big.mp4', 'file_too_large', 10, 'video'),
    /the file "big\.mp4" is over the 10 MB/,
  );
  assert.match(
    fileRefusedReply('zh-TW', 'x', 'file_unavailable', 10, 'video_note'),
    /^抱歉，這條影片訊息沒有成功傳到我們這裡/,
  );
});
