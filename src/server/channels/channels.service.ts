import crypto from 'node:crypto';
import type { Channel, ContactIdentityKind, Conversation, Message } from '../../contracts/domain.ts';
import type { Ctx } from '../context.ts';
import { AppError } from '../errors.ts';
import {
  dropUnlinkedFiles,
  type FileDeps,
  type IncomingFile,
  linkFilesToMessage,
  storeFilesForMessage,
  toAttachment,
} from '../files/files.service.ts';
import {
  addContactIdentity,
  type ContactProfile,
  createContact,
  findContactByIdentity,
  updateContact,
} from '../contacts/contacts.service.ts';
import {
  findConversationByFirstClientId,
  findConversationRow,
  latestConversationOfContact,
  postMessage,
  startConversation,
  toConversation,
} from '../conversations/conversations.service.ts';
import {
  ensureReplyToken,
  insertMessageRef,
  selectConversationIdByReplyToken,
  selectMessageRefs,
} from './channels.queries.ts';

/**
 * What every channel does with a customer's message: find (or make) the contact by their identity on that channel,
 * find the conversation it belongs to (the thread it answers, or the contact's ongoing one), and post it through the
 * one message path — so the secret guard, the bot, priorities, SLAs and routing treat an email or a Telegram message
 * exactly like a chat. A message already received (same channel id) is not stored again.
 */

export type InboundMessage = {
  inboxId: string;
  channel: Channel;
  identity: { kind: ContactIdentityKind; value: string };
  profile?: ContactProfile;
  /** The message's id in its channel (an email's Message-ID, a Telegram chat and message id). */
  externalId: string;
  /** Channel ids of the messages this one answers (In-Reply-To, References). */
  inReplyTo?: string[];
  /** The conversation a reply address named; honoured only if it is this contact's. */
  conversationId?: string;
  /** Continue the contact's latest conversation in this inbox (a chat app's one ongoing thread) when nothing else does. */
  continueLatest?: boolean;
  body: string;
  meta?: Record<string, unknown>;
  /**
   * Files that came with the message, already judged acceptable by the channel (type, size): stored before the
   * message is posted, so it carries them from its first event on (an open console shows them live).
   */
  files?: IncomingFile[];
  /** The size limit the files are stored under (the channel's; default: files/'s). */
  fileConfig?: FileDeps['config'];
};

export type InboundResult = {
  conversation: Conversation;
  message: Message | null;
  duplicate: boolean;
  created: boolean;
};

type Deps = Pick<Ctx, 'db' | 'log' | 'events'>;

export async function receiveInbound(deps: Deps, orgId: string, input: InboundMessage): Promise<InboundResult> {
  const scope = { db: deps.db, org: { id: orgId } };
  const [seen] = await selectMessageRefs(deps.db, orgId, input.channel, [input.externalId]);
  if (seen) {
    const row = await findConversationRow(scope, seen.conversation_id);
    if (row) return { conversation: toConversation(row), message: null, duplicate: true, created: false };
  }

  let contact = await findContactByIdentity(scope, input.identity.kind, input.identity.value);
  if (!contact) {
    contact = await createContact(scope, {
      name: input.profile?.name ?? null,
      email: input.profile?.email ?? null,
      locale: input.profile?.locale ?? null,
    });
    await addContactIdentity(scope, contact.id, input.identity);
  } else if (input.profile && (!contact.name || !contact.locale)) {
    await updateContact(scope, contact.id, {
      name: contact.name ? null : (input.profile.name ?? null),
      locale: contact.locale ? null : (input.profile.locale ?? null),
    });
  }

  const target = await findThread(deps, orgId, contact.id, input);
  const ctx: Ctx = {
    ...deps,
    org: { id: orgId },
    actor: { kind: 'customer', contactId: contact.id, name: contact.name ?? input.profile?.name ?? null },
  };
  const clientId = `${input.channel}:${input.externalId}`.slice(0, 200);
  const files = input.files ?? [];
  let conversation: Conversation;
  let message: Message | null;
  let created = false;
  if (!target && files.length === 0) {
    const started = await startConversation(ctx, {
      inboxId: input.inboxId,
      contactId: contact.id,
      firstMessage: { body: input.body, clientId, meta: input.meta ?? {} },
    });
    conversation = started.conversation;
    message = started.message;
    created = true;
  } else {
    // Files need their conversation before the message that carries them: a new one is started empty first (unless
    // a first attempt already started it with this very message; like startConversation's own retry, that still
    // counts as the start, so what follows a start — the email acknowledgement — is not skipped).
    let conversationId = target;
    if (!conversationId) {
      const existing = await findConversationByFirstClientId(ctx, contact.id, clientId);
      conversationId =
        existing?.conversation.id ??
        (await startConversation(ctx, { inboxId: input.inboxId, contactId: contact.id })).conversation.id;
      created = true;
    }
    message = await postWithFiles(deps, ctx, conversationId, input, clientId, files);
    conversation = toConversation(
      (await findConversationRow(scope, conversationId)) as NonNullable<
        Awaited<ReturnType<typeof findConversationRow>>
      >,
    );
  }
  await insertMessageRef(deps.db, orgId, {
    channel: input.channel,
    externalId: input.externalId,
    conversationId: conversation.id,
    messageId: message?.id ?? null,
  });
  return { conversation, message, duplicate: false, created };
}

/** Stores the message's files, posts it carrying them, then links them to it (or drops them if it was a retry). */
async function postWithFiles(
  deps: Deps,
  ctx: Ctx,
  conversationId: string,
  input: InboundMessage,
  clientId: string,
  incoming: IncomingFile[],
): Promise<Message> {
  const fileDeps = { db: deps.db, ...(input.fileConfig ? { config: input.fileConfig } : {}) };
  const orgId = ctx.org.id;
  const { files, redactions } =
    incoming.length > 0
      ? await storeFilesForMessage(fileDeps, orgId, conversationId, incoming)
      : { files: [], redactions: [] };
  let message: Message;
  try {
    message = await postMessage(ctx, conversationId, {
      body: input.body,
      clientId,
      // A secret removed from a text file or a file's name makes the bot warn, as one in the message would.
      meta: { ...(input.meta ?? {}), ...(redactions.length > 0 ? { redactions } : {}) },
      ...(files.length > 0 ? { attachments: files.map(toAttachment) } : {}),
    });
  } catch (error) {
    await dropUnlinkedFiles(fileDeps, orgId, files);
    throw error;
  }
  await linkFilesToMessage(fileDeps, orgId, message, files);
  return message;
}

/**
 * The conversation an inbound message continues, if any: the one its reply address names, the one whose messages it
 * answers, or the contact's ongoing one; only ever one of this contact's conversations in this organization (a
 * thread id or reply address from someone else's mail starts a new conversation instead of joining theirs).
 */
async function findThread(
  deps: Deps,
  orgId: string,
  contactId: string,
  input: InboundMessage,
): Promise<string | undefined> {
  const scope = { db: deps.db, org: { id: orgId } };
  const ownOpen = async (conversationId: string | undefined) => {
    if (!conversationId) return undefined;
    const row = await findConversationRow(scope, conversationId);
    if (!row || row.contact_id !== contactId || row.status === 'closed' || row.merged_into_id) return undefined;
    return row.id;
  };
  const candidates: (string | undefined)[] = [input.conversationId];
  if (input.inReplyTo?.length) {
    for (const ref of await selectMessageRefs(deps.db, orgId, input.channel, input.inReplyTo))
      candidates.push(ref.conversation_id);
  }
  for (const candidate of candidates) {
    const found = await ownOpen(candidate);
    if (found) return found;
  }
  if (input.continueLatest) {
    const latest = await latestConversationOfContact(scope, contactId);
    if (latest && latest.inbox_id === input.inboxId) return ownOpen(latest.id);
  }
  return undefined;
}

/** The conversation's own reply-address token, made on first use (support+<token>@…). */
export async function replyTokenFor(
  scope: { db: Ctx['db']; org: { id: string } },
  conversationId: string,
): Promise<string> {
  return ensureReplyToken(scope.db, scope.org.id, conversationId, crypto.randomBytes(12).toString('hex'));
}

/** The conversation a reply address's token names (support+<token>@…), if any. */
export async function conversationOfReplyToken(
  scope: { db: Ctx['db']; org: { id: string } },
  token: string,
): Promise<string | undefined> {
  return selectConversationIdByReplyToken(scope.db, scope.org.id, token);
}

/** The identity a reply on a channel goes to: only these channels can reach a customer outside their conversation. */
const REPLY_IDENTITY: Partial<Record<Channel, ContactIdentityKind>> = { email: 'email', telegram: 'telegram' };

/**
 * An agent's reply sent on another of the customer's channels (issue 13): `message.meta.deliverVia`, which the
 * delivery (channels.listener.ts) uses instead of the inbox's channel. Only a channel the contact has an identity on;
 * the conversation's own channel needs nothing.
 */
export async function replyChannelMeta(
  ctx: Ctx,
  conversationId: string,
  channel: Channel,
): Promise<Record<string, unknown> | undefined> {
  const row = await findConversationRow(ctx, conversationId);
  if (!row) throw new AppError('conversation_not_found');
  const conversation = toConversation(row);
  if (channel === conversation.channel) return undefined;
  const kind = REPLY_IDENTITY[channel];
  const reachable =
    kind !== undefined &&
    (conversation.contact.identities.some((identity) => identity.kind === kind) ||
      (kind === 'email' && conversation.contact.email !== null));
  if (!reachable) throw new AppError('bad_request', `This customer cannot be reached by ${channel}.`);
  return { deliverVia: channel };
}
