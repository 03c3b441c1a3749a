import type {
  ApiContact,
  ApiConversation,
  ApiMessage,
  OpenConversationBody,
  PostApiMessageBody,
  UpsertContactBody,
} from '../../contracts/public-api.ts';
import {
  addContactIdentity,
  type ContactRow,
  createContact,
  findContact,
  findContactByIdentity,
  updateContact,
} from '../contacts/contacts.service.ts';
import type { Ctx } from '../context.ts';
import {
  findMessage,
  getConversation,
  getConversationWithMessages,
  listConversations,
  postMessage,
  startConversation,
} from '../conversations/conversations.service.ts';
import { AppError } from '../errors.ts';
import { type FileContent, readConversationFile } from '../files/files.service.ts';
import { type ApiKeyPrincipal, requireScope } from './api-keys.service.ts';
import { ensureApiInbox } from './public-api.queries.ts';
import { publicMessages, toApiConversation, toApiMessage } from './public-view.ts';

/**
 * /api/v1 for the exchange's backend: contacts by exchange UID, conversations the exchange opens (in the
 * organization's API inbox, posted as the exchange: author `system`, meta.source `exchange`) and what it may read of
 * them (public messages only). Every call names the key it came with; a key without the scope is `forbidden`. The
 * customer sees these conversations in the widget (it lists all of theirs) once they sign in with their exchange
 * identity, and answers there.
 */

const EXCHANGE_UID = 'exchange_uid';

function toApiContact(row: ContactRow, exchangeUid: string): ApiContact {
  return {
    id: row.id,
    exchangeUid: row.exchange_uid ?? exchangeUid,
    name: row.name,
    email: row.email,
    locale: row.locale,
    vipLevel: row.vip_level,
  };
}

/** Creates the customer with this exchange UID, or fills in what changed (a field left out or null stays as it is). */
export async function upsertContact(
  ctx: Ctx,
  key: ApiKeyPrincipal,
  exchangeUid: string,
  profile: UpsertContactBody,
): Promise<{ contact: ApiContact; created: boolean }> {
  requireScope(key, 'contacts:write');
  const fields = {
    name: profile.name ?? null,
    email: profile.email ?? null,
    locale: profile.locale ?? null,
    vipLevel: profile.vipLevel ?? null,
  };
  const existing = await findContactByIdentity(ctx, EXCHANGE_UID, exchangeUid);
  if (existing) {
    await updateContact(ctx, existing.id, fields);
    const row = (await findContact(ctx, existing.id)) as ContactRow;
    return { contact: toApiContact(row, exchangeUid), created: false };
  }
  const made = await createContact(ctx, {
    exchangeUid,
    name: fields.name,
    email: fields.email,
    locale: fields.locale,
    vipLevel: fields.vipLevel ?? 0,
  });
  await addContactIdentity(ctx, made.id, { kind: EXCHANGE_UID, value: exchangeUid });
  // Two first upserts at once: the identity went to one of them, and that contact is the customer.
  const owner = (await findContactByIdentity(ctx, EXCHANGE_UID, exchangeUid)) ?? made;
  if (owner.id !== made.id) await updateContact(ctx, owner.id, fields);
  const row = (await findContact(ctx, owner.id)) as ContactRow;
  return { contact: toApiContact(row, exchangeUid), created: owner.id === made.id };
}

async function requireContact(ctx: Ctx, exchangeUid: string): Promise<ContactRow> {
  const contact = await findContactByIdentity(ctx, EXCHANGE_UID, exchangeUid);
  if (!contact) throw new AppError('contact_not_found');
  return contact;
}

function exchangeMeta(key: ApiKeyPrincipal, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { source: 'exchange', apiKeyId: key.id, ...extra };
}

/** A new conversation with the customer, opened by the exchange with its first message. */
export async function openConversation(
  ctx: Ctx,
  key: ApiKeyPrincipal,
  input: OpenConversationBody,
): Promise<{ conversation: ApiConversation; messages: ApiMessage[] }> {
  requireScope(key, 'conversations:write');
  const contact = await requireContact(ctx, input.exchangeUid);
  const inboxId = await ensureApiInbox(ctx.db, ctx.org.id);
  const { conversation } = await startConversation(ctx, {
    inboxId,
    contactId: contact.id,
    firstMessage: {
      body: input.body,
      clientId: input.clientId ? `api:${input.clientId}` : null,
      meta: exchangeMeta(key, input.subject ? { subject: input.subject } : {}),
    },
  });
  return getApiConversation(ctx, key, conversation.id, 'conversations:write');
}

/** The exchange writes in a conversation of its organization (it reaches the customer like an agent's reply). */
export async function postApiMessage(
  ctx: Ctx,
  key: ApiKeyPrincipal,
  conversationId: string,
  input: PostApiMessageBody,
): Promise<ApiMessage> {
  requireScope(key, 'conversations:write');
  const message = await postMessage(ctx, conversationId, {
    body: input.body,
    clientId: input.clientId ? `api:${input.clientId}` : null,
    meta: exchangeMeta(key),
  });
  return toApiMessage(message) as ApiMessage;
}

/** The customer's conversations, most recent activity first. */
export async function listApiConversations(
  ctx: Ctx,
  key: ApiKeyPrincipal,
  filter: { exchangeUid: string; limit: number },
): Promise<ApiConversation[]> {
  requireScope(key, 'conversations:read');
  const contact = await findContactByIdentity(ctx, EXCHANGE_UID, filter.exchangeUid);
  if (!contact) return [];
  const { conversations } = await listConversations(ctx, {
    assignee: 'all',
    contactId: contact.id,
    limit: filter.limit,
  });
  return conversations.map(toApiConversation);
}

/** One conversation with its latest public messages (never private notes: the actor is not an agent). */
export async function getApiConversation(
  ctx: Ctx,
  key: ApiKeyPrincipal,
  conversationId: string,
  scope: 'conversations:read' | 'conversations:write' = 'conversations:read',
): Promise<{ conversation: ApiConversation; messages: ApiMessage[] }> {
  requireScope(key, scope);
  if (ctx.actor.kind === 'agent') throw new AppError('forbidden');
  const { conversation, messages } = await getConversationWithMessages(ctx, conversationId);
  return { conversation: toApiConversation(conversation), messages: publicMessages(messages) };
}

/**
 * A file of a public message of one of the organization's conversations, for the exchange's backend (the URL in a
 * v1 message's attachments). Another organization's conversation or file, a private note's file and one of no
 * message yet are all not found, exactly like a missing one.
 */
export async function readApiFile(
  ctx: Ctx,
  key: ApiKeyPrincipal,
  conversationId: string,
  fileId: string,
): Promise<FileContent> {
  requireScope(key, 'conversations:read');
  await getConversation(ctx, conversationId);
  const file = await readConversationFile(ctx, conversationId, fileId);
  const message = file.messageId ? await findMessage(ctx, conversationId, file.messageId) : undefined;
  if (!message || message.private) throw new AppError('file_not_found');
  return file;
}
