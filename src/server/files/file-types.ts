/**
 * Which files kefu keeps, as data with no imports: files.service.ts judges bytes against it, and the channels' pure
 * rules (telegram.updates.ts) tell customers in words what it accepts.
 */

/**
 * Types a customer or agent may send: what support needs (screenshots, PDFs, and the voice messages and screen
 * recordings chat apps send). Audio and video are safe to keep because every download is an inert attachment (never
 * rendered as one of kefu's pages: Content-Disposition attachment, nosniff, a sandbox CSP). Archives (Telegram's
 * animated .tgs stickers are gzip) and anything executable stay out.
 */
export const ALLOWED_SNIFFED_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'audio/ogg',
  // file-type's name for an OGG Opus stream: Telegram's voice messages.
  'audio/ogg; codecs=opus',
  'audio/mpeg',
  'audio/mp4',
  'video/mp4',
  'video/webm',
]);

/** What the allow-list accepts, in words for a customer who sent something else (zh-CN and en). */
export const ACCEPTED_FILES_TEXT = {
  'zh-CN': '图片（PNG、JPEG、GIF、WebP）、PDF、纯文本文件、音频（OGG、MP3、M4A）和视频（MP4、WebM）',
  en: 'images (PNG, JPEG, GIF, WebP), PDF, plain text files, audio (OGG, MP3, M4A) and video (MP4, WebM)',
} as const;
