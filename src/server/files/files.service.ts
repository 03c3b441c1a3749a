import crypto from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import type { Attachment, Message } from '../../contracts/domain.ts';
import { type Ctx, requireAgentRole } from '../context.ts';
import { findMessage, getConversation, postMessage } from '../conversations/conversations.service.ts';
import type { Queryable } from '../db/db.ts';
import { AppError } from '../errors.ts';
import { redactSecrets, type SecretKind, screenFreeText } from '../secrets/secret-guard.ts';
import { signToken, verifyToken } from '../visitors/tokens.ts';
import { ALLOWED_SNIFFED_TYPES } from './file-types.ts';
import {
  deleteUnlinkedMessageFile,
  insertMessageFile,
  selectMessageFile,
  updateMessageFileMessage,
} from './files.queries.ts';

/**
 * Files that come with messages, from any channel (widget, console, email, Telegram): one allow-list, one size limit,
 * one way to name and serve them. What a file is comes from its bytes, never from its name or the sender's label.
 */

export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_FILE_NAME_CHARS = 120;

/** Names a plain-text file may have (anything else that is text, e.g. page.html or evil.png, is refused). */
const TEXT_EXTENSIONS = new Set(['txt', 'log', 'csv', 'md']);

export type FileDeps = { db: Queryable; config?: { maxFileBytes?: number } };

export type StoredFile = Attachment & { id: string };

/** The agent's download path; the widget gets a signed short-lived link instead (files.routes.ts). */
export function agentFileUrl(conversationId: string, fileId: string): string {
  return `/api/agent/conversations/${conversationId}/files/${fileId}`;
}

export function maxFileBytes(deps: Pick<FileDeps, 'config'>): number {
  return deps.config?.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
}

/**
 * A name safe to store, show and put in Content-Disposition: no folders, no control or bidi-override characters
 * (U+202E turns "gpj.exe" into what looks like "exe.jpg"), no quotes or backslashes, length-capped keeping the
 * extension.
 */
export function safeFileName(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? '';
  let name = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/["<>:|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  if (!name) name = 'file';
  const chars = [...name];
  if (chars.length <= MAX_FILE_NAME_CHARS) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
  return [...name.slice(0, name.length - ext.length)].slice(0, MAX_FILE_NAME_CHARS - ext.length).join('') + ext;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isPlainText(data: Buffer): boolean {
  if (data.includes(0)) return false;
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    return false;
  }
  // Markup is refused even as .txt: it is only text until something renders it.
  return !/^\s*<[!?a-z]/i.test(text);
}

/** What the bytes are, when they are something kefu accepts; otherwise `file_type_not_allowed`. */
export async function allowedContentType(data: Buffer, name: string, declaredType?: string): Promise<string> {
  // A malformed container can make a parser throw: bytes nobody can read are not a file kefu keeps.
  const sniffed = await fileTypeFromBuffer(data).catch(() => {
    throw new AppError('file_type_not_allowed');
  });
  if (sniffed) {
    if (ALLOWED_SNIFFED_TYPES.has(sniffed.mime)) return sniffed.mime;
    throw new AppError('file_type_not_allowed');
  }
  const ext = extensionOf(name);
  const textByName = ext ? TEXT_EXTENSIONS.has(ext) : !declaredType || declaredType.startsWith('text/plain');
  if (textByName && data.length > 0 && isPlainText(data)) return 'text/plain; charset=utf-8';
  throw new AppError('file_type_not_allowed');
}

/**
 * Stores a file of a conversation (the caller has checked who may add to it) and returns the attachment a message
 * carries. Refused: over the size limit (`file_too_large`), a type outside the allow-list (`file_type_not_allowed`).
 */
export async function storeMessageFile(
  deps: FileDeps,
  orgId: string,
  f: { conversationId: string; messageId: string | null; name: string; data: Buffer; declaredType?: string },
): Promise<StoredFile> {
  return (await storeScreenedFile(deps, orgId, f)).file;
}

/**
 * storeMessageFile, also saying which secrets were removed: a name and a text file pass the same secret screen as a
 * message (a seed phrase saved as words.txt is still a seed phrase), so nothing stores the secret; an image cannot be
 * read, which is why the widget warns before a file is picked.
 */
async function storeScreenedFile(
  deps: FileDeps,
  orgId: string,
  f: { conversationId: string; messageId: string | null; name: string; data: Buffer; declaredType?: string },
): Promise<{ file: StoredFile; redactions: SecretKind[] }> {
  const limit = maxFileBytes(deps);
  if (f.data.length > limit)
    throw new AppError('file_too_large', `Files can be at most ${Math.floor(limit / 1024 / 1024)} MB.`);
  const name = screenFreeText(safeFileName(f.name), 'value');
  const contentType = await allowedContentType(f.data, name, f.declaredType);
  let data = f.data;
  let redactions: SecretKind[] = [];
  if (contentType.startsWith('text/plain')) {
    const screened = redactSecrets(data.toString('utf8'));
    if (screened.findings.length > 0) {
      data = Buffer.from(screened.text, 'utf8');
      redactions = [...new Set(screened.findings.map((finding) => finding.kind))];
    }
  }
  const id = await insertMessageFile(deps.db, orgId, {
    conversationId: f.conversationId,
    messageId: f.messageId,
    name,
    contentType,
    data,
  });
  return { file: { id, name, url: agentFileUrl(f.conversationId, id), contentType, size: data.length }, redactions };
}

/** A file that came with a message, before it is stored: the sender's name and label are claims, the bytes decide. */
export type IncomingFile = { name: string; data: Buffer; declaredType?: string };

/** What a message carries of a stored file (the row id stays in files/, the URL names it). */
export function toAttachment(file: StoredFile): Attachment {
  return { name: file.name, url: file.url, contentType: file.contentType, size: file.size };
}

/**
 * Stores the files a message will carry before the message exists (no message id yet), so the message is posted with
 * its attachments and its very first event (message.created, which open consoles and widgets receive) has them. The
 * caller posts the message with `attachments` and then calls linkFilesToMessage. All or nothing: one file refused
 * (`file_too_large`, `file_type_not_allowed`) drops those already stored. The secrets removed from names and text
 * files are returned for the message's meta.redactions.
 */
export async function storeFilesForMessage(
  deps: FileDeps,
  orgId: string,
  conversationId: string,
  files: readonly IncomingFile[],
): Promise<{ files: StoredFile[]; redactions: SecretKind[] }> {
  const stored: StoredFile[] = [];
  const redactions = new Set<SecretKind>();
  try {
    for (const file of files) {
      const screened = await storeScreenedFile(deps, orgId, { conversationId, messageId: null, ...file });
      stored.push(screened.file);
      for (const kind of screened.redactions) redactions.add(kind);
    }
  } catch (error) {
    await dropUnlinkedFiles(deps, orgId, stored);
    throw error;
  }
  return { files: stored, redactions: [...redactions] };
}

/**
 * After the message was posted: the files it carries become its own; any it does not carry (a retried clientId
 * answered with the first message, which has its own copies) are deleted.
 */
export async function linkFilesToMessage(
  deps: Pick<FileDeps, 'db'>,
  orgId: string,
  message: Pick<Message, 'id' | 'attachments'>,
  files: readonly StoredFile[],
): Promise<void> {
  for (const file of files) {
    if (message.attachments.some((a) => a.url === file.url))
      await updateMessageFileMessage(deps.db, orgId, file.id, message.id);
    else await deleteUnlinkedMessageFile(deps.db, orgId, file.id);
  }
}

/** Files stored for a message that was never posted (closed conversation, another failure). */
export async function dropUnlinkedFiles(
  deps: Pick<FileDeps, 'db'>,
  orgId: string,
  files: readonly StoredFile[],
): Promise<void> {
  for (const file of files) await deleteUnlinkedMessageFile(deps.db, orgId, file.id);
}

export type FileContent = { name: string; contentType: string; data: Buffer; messageId: string | null };

/**
 * A stored file of a conversation the caller may open: an agent any of the org's, a customer only their own
 * conversation's (anyone else's, or another conversation's file, is not found).
 */
export async function readMessageFile(ctx: Ctx, conversationId: string, fileId: string): Promise<FileContent> {
  if (ctx.actor.kind !== 'customer') requireAgentRole(ctx);
  await getConversation(ctx, conversationId);
  const file = await readConversationFile(ctx, conversationId, fileId);
  if (ctx.actor.kind === 'customer') {
    // A customer sees only the files of messages they see: never a private note's, nor one still being posted.
    const message = file.messageId ? await findMessage(ctx, conversationId, file.messageId) : undefined;
    if (!message || message.private) throw new AppError('file_not_found');
  }
  return file;
}

/** No access check: for a caller that proved access another way (a signed link naming conversation and file). */
export async function readConversationFile(
  scope: { db: Queryable; org: { id: string } },
  conversationId: string,
  fileId: string,
): Promise<FileContent> {
  const file = await selectMessageFile(scope.db, scope.org.id, fileId);
  if (!file || file.conversation_id !== conversationId) throw new AppError('file_not_found');
  return { name: file.name, contentType: file.content_type, data: Buffer.from(file.data), messageId: file.message_id };
}

/**
 * A file sent as a message by a customer (widget) or an agent (console): the caller's access is checked first (a
 * customer's only to their own conversation, another organization's is not found), then the file is stored and the
 * message posted through postMessage (seq, events, group commit, clientId idempotency, the secret screen on the
 * caption). A retried clientId answers with the first message and drops the file stored for the retry.
 */
export async function sendFileMessage(
  ctx: Ctx,
  deps: Pick<FileDeps, 'config'>,
  conversationId: string,
  input: { name: string; data: Buffer; caption?: string; clientId: string; private?: boolean },
): Promise<Message> {
  if (ctx.actor.kind === 'agent') requireAgentRole(ctx);
  else if (ctx.actor.kind !== 'customer') throw new AppError('forbidden');
  await getConversation(ctx, conversationId);
  const fileDeps = { db: ctx.db, config: deps.config };
  const { files, redactions } = await storeFilesForMessage(fileDeps, ctx.org.id, conversationId, [
    { name: input.name, data: input.data },
  ]);
  let message: Message;
  try {
    message = await postMessage(ctx, conversationId, {
      body: input.caption ?? '',
      clientId: input.clientId,
      private: ctx.actor.kind === 'agent' ? (input.private ?? false) : false,
      attachments: files.map(toAttachment),
      // The bot warns the customer about what was removed, as for a message (a caption's own finding wins).
      ...(redactions.length > 0 ? { meta: { redactions } } : {}),
    });
  } catch (error) {
    await dropUnlinkedFiles(fileDeps, ctx.org.id, files);
    throw error;
  }
  await linkFilesToMessage(fileDeps, ctx.org.id, message, files);
  return message;
}

/** The id of a file from its attachment URL (…/files/<id>), for clients that hold only the message. */
export function fileIdOfUrl(url: string): string | undefined {
  return /\/files\/([0-9a-f-]{36})$/i.exec(url)?.[1];
}

const FILE_LINK_TTL_SECONDS = 5 * 60;

function fileLinkKey(visitorKey: string): string {
  // Its own key, derived from the visitor key: a file link can never be read as a visitor token, nor one as the other.
  return crypto.createHmac('sha256', visitorKey).update('kefu file link v1').digest('base64url');
}

/**
 * A short-lived link to one file of one conversation, for the widget: an <img> or <a> cannot send the visitor token
 * as a header, and the token (a day-long bearer credential) must not go into a URL that proxies and browsers log.
 * The link opens only this file in this conversation, for five minutes.
 */
export async function createFileLink(
  ctx: Ctx,
  visitorKey: string,
  conversationId: string,
  fileId: string,
  now = Date.now(),
): Promise<{ url: string; expiresAt: string }> {
  await readMessageFile(ctx, conversationId, fileId);
  const exp = Math.floor(now / 1000) + FILE_LINK_TTL_SECONDS;
  const token = signToken(fileLinkKey(visitorKey), { o: ctx.org.id, c: conversationId, f: fileId, exp });
  return {
    url: `/api/widget/conversations/${conversationId}/files/${fileId}?token=${encodeURIComponent(token)}`,
    expiresAt: new Date(exp * 1000).toISOString(),
  };
}

/** The file a link opens: the link must be ours, unexpired and name this very conversation and file. */
export async function readFileByLink(
  deps: { db: Queryable; visitorKey: string },
  link: { conversationId: string; fileId: string; token: string },
  now = Date.now(),
): Promise<FileContent> {
  const claims = verifyToken(fileLinkKey(deps.visitorKey), link.token);
  const valid =
    claims &&
    typeof claims.o === 'string' &&
    claims.c === link.conversationId &&
    claims.f === link.fileId &&
    typeof claims.exp === 'number' &&
    claims.exp * 1000 > now;
  if (!valid) throw new AppError('file_not_found');
  return readConversationFile({ db: deps.db, org: { id: claims.o as string } }, link.conversationId, link.fileId);
}
