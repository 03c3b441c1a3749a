import type { Attachment, Conversation, ConversationStatus, Message, Priority } from '../../contracts/domain.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor, Ctx } from '../context.ts';
import type { Queryable } from '../db/db.ts';
import { AppError } from '../errors.ts';
import { findActiveAgent } from '../auth/auth.service.ts';
import { screenFreeText } from '../secrets/secret-guard.ts';
import { takeConversationNumber } from './conversation-numbers.ts';
import {
  type ConversationRow,
  type MessageRow,
  type NewMessage,
  insertConversation,
  selectConversation,
  selectConversationAccess,
  conversationSearch,
  selectConversations,
  selectLatestMessages,
  selectMessageByClientId,
  selectFirstMessageByClientId,
  selectConversationStatus,
  selectMessagesAfter,
  selectMessage,
  type StoredMessage,
  updateConversationFields,
  hasConversationColumn,
} from './conversations.queries.ts';
import { storeMessage } from './message-batch.ts';
import { screenAgentMessage, screenCustomerMessageIn } from './message-policy.ts';
import { toConversationSla } from '../sla/sla-timers.ts';
import { setManualPriority } from '../priorities/manual-priority.ts';
import { conversationFor, messageFor, seesPii } from '../privacy/pii-policy.ts';

export function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    number: row.number,
    inboxId: row.inbox_id,
    status: row.status,
    priority: row.priority,
    contact: {
      id: row.contact_id,
      name: row.contact_name,
      email: row.contact_email,
      exchangeUid: row.contact_exchange_uid,
      locale: row.contact_locale as Conversation['contact']['locale'],
      vipLevel: row.contact_vip_level,
      identities: row.contact_identities ?? [],
    },
    channel: row.channel,
    assignee: row.assignee_id ? { id: row.assignee_id, name: row.assignee_name ?? '' } : null,
    teamId: row.team_id,
    tags: row.tags,
    lastSeq: row.last_seq,
    lastMessage: row.last_message as Conversation['lastMessage'],
    firstReplyAt: row.first_reply_at ? new Date(row.first_reply_at).toISOString() : null,
    resolvedAt: row.resolved_at ? new Date(row.resolved_at).toISOString() : null,
    lastActivityAt: new Date(row.last_activity_at).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    handoffReason: row.handoff_reason,
    snoozedUntil: row.status === 'snoozed' && row.snoozed_until ? new Date(row.snoozed_until).toISOString() : null,
    mergedIntoId: row.merged_into_id,
    attributes: row.attributes ?? {},
    lastIntent: row.last_intent,
    lastLanguage: row.last_language,
    sla: row.sla_started ? toConversationSla(row) : null,
    prioritySource: row.priority_source,
  };
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    authorKind: row.author_kind,
    authorId: row.author_id,
    authorName: row.author_name,
    body: row.body,
    private: row.private,
    attachments: row.attachments as Message['attachments'],
    clientId: row.client_id,
    meta: row.meta,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export type { ConversationRow } from './conversations.queries.ts';

/** What an org-owned read needs: a Ctx is one, so is `{ db, org: { id } }` where no actor is known (the socket). */
type OrgScope = { db: Queryable; org: { id: string } };

/**
 * The stored row with the customer's fields (name, UID, e-mail, VIP, locale), for the domains that need more than the
 * Conversation contract: macros fill their variables from it, the socket checks whose conversation it is. No access
 * check: the caller decides who may see it.
 */
/**
 * Whose the conversation is and its last seq, without the joins of a full row: the gateway asks on every subscribe
 * and typing event.
 */
export async function findConversationAccess(
  scope: OrgScope,
  conversationId: string,
): Promise<{ id: string; contact_id: string; last_seq: number } | undefined> {
  return selectConversationAccess(scope.db, scope.org.id, conversationId);
}

export async function findConversationRow(
  scope: OrgScope,
  conversationId: string,
): Promise<ConversationRow | undefined> {
  return selectConversation(scope.db, scope.org.id, conversationId);
}

/** A contact's most recent conversation, for resuming the widget where the customer left off. */
export async function latestConversationOfContact(
  scope: OrgScope,
  contactId: string,
): Promise<ConversationRow | undefined> {
  const [latest] = await selectConversations(scope.db, scope.org.id, { contactId, limit: 1 });
  return latest;
}

/** One message, for the channels that deliver it (no access check: the caller is the platform). */
export async function findMessage(
  scope: OrgScope,
  conversationId: string,
  messageId: string,
): Promise<Message | undefined> {
  const row = await selectMessage(scope.db, scope.org.id, conversationId, messageId);
  return row ? toMessage(row) : undefined;
}

/** A page of a conversation's messages after a seq, for the socket's gap-fill (private notes only for agents). */
export async function listMessageRowsAfter(
  scope: OrgScope,
  conversationId: string,
  page: { afterSeq: number; limit: number; includePrivate: boolean },
): Promise<MessageRow[]> {
  return selectMessagesAfter(scope.db, scope.org.id, conversationId, page);
}

/** Customers see only their own conversations; anyone else's is "not found", exactly like a missing one. */
async function findAccessibleConversation(ctx: Ctx, conversationId: string): Promise<ConversationRow> {
  const row = await selectConversation(ctx.db, ctx.org.id, conversationId);
  if (!row) throw new AppError('conversation_not_found');
  if (ctx.actor.kind === 'customer' && row.contact_id !== ctx.actor.contactId)
    throw new AppError('conversation_not_found');
  return row;
}

/**
 * The conversation with its contact in full, for the services that act on it (the exchange look-up needs the real UID).
 * What goes back to staff goes through `conversationFor` (privacy/pii-policy.ts), as the functions below do.
 */
export async function getConversation(ctx: Ctx, conversationId: string): Promise<Conversation> {
  return toConversation(await findAccessibleConversation(ctx, conversationId));
}

export type ConversationListFilter = {
  status?: ConversationStatus;
  priority?: Priority;
  assignee: 'mine' | 'unassigned' | 'all';
  teamId?: string;
  tag?: string;
  intent?: string;
  language?: string;
  slaRisk?: string;
  contactId?: string;
  /** The inbox search text (trimmed, 1–200 characters by the contract). */
  q?: string;
  cursor?: string;
  limit: number;
};

export async function listConversations(
  ctx: Ctx,
  filter: ConversationListFilter,
): Promise<{ conversations: Conversation[]; nextCursor: string | null }> {
  const actor = ctx.actor;
  const assigneeId =
    filter.assignee === 'unassigned'
      ? null
      : filter.assignee === 'mine' && actor.kind === 'agent'
        ? actor.id
        : undefined;
  if (filter.slaRisk && !(await hasConversationColumn(ctx.db, 'sla_risk'))) {
    throw new AppError('filter_unavailable', 'SLA risk is not tracked on this server yet.');
  }
  const rows = await selectConversations(ctx.db, ctx.org.id, {
    status: filter.status,
    priority: filter.priority,
    assigneeId,
    teamId: filter.teamId,
    tag: filter.tag,
    intent: filter.intent,
    language: filter.language,
    slaRisk: filter.slaRisk,
    // A customer only ever lists their own; an agent may narrow to one customer.
    contactId: actor.kind === 'customer' ? actor.contactId : filter.contactId,
    // Searching is for agents: it reads every message, private notes included. An agent who sees personal data masked
    // finds a customer by their whole email, UID or Telegram id, never by a piece of it: substring probes would spell
    // out what the mask hides.
    search:
      filter.q && actor.kind === 'agent'
        ? { ...conversationSearch(filter.q), personalDataExact: !seesPii(actor) }
        : undefined,
    after: filter.cursor ? decodeCursor(filter.cursor) : undefined,
    limit: filter.limit + 1,
  });
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return {
    conversations: page.map((row) => conversationFor(actor, toConversation(row))),
    nextCursor: rows.length > filter.limit && last ? encodeCursor(last.activity_key, last.id) : null,
  };
}

function encodeCursor(activityKey: string, id: string): string {
  return Buffer.from(`${activityKey}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { activityKey: string; id: string } {
  const [activityKey, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  // PostgreSQL's own timestamptz text, e.g. "2026-11-23 17:46:37.581234+00"; it goes back to SQL unchanged.
  const timestamp = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;
  if (!activityKey || !id || !uuid.test(id) || !timestamp.test(activityKey)) {
    throw new AppError('validation_failed', 'The cursor is not valid.');
  }
  return { activityKey, id };
}

export async function listMessages(
  ctx: Ctx,
  conversationId: string,
  opts: { afterSeq: number; limit: number },
): Promise<Message[]> {
  await findAccessibleConversation(ctx, conversationId);
  const rows = await selectMessagesAfter(ctx.db, ctx.org.id, conversationId, {
    ...opts,
    includePrivate: ctx.actor.kind === 'agent',
  });
  return rows.map((row) => messageFor(ctx.actor, toMessage(row)));
}

export async function getConversationWithMessages(
  ctx: Ctx,
  conversationId: string,
  limit = 200,
): Promise<{ conversation: Conversation; messages: Message[] }> {
  const row = await findAccessibleConversation(ctx, conversationId);
  const messages = await selectLatestMessages(ctx.db, ctx.org.id, conversationId, {
    limit,
    includePrivate: ctx.actor.kind === 'agent',
  });
  return {
    conversation: conversationFor(ctx.actor, toConversation(row)),
    messages: messages.map((m) => messageFor(ctx.actor, toMessage(m))),
  };
}

type PostInput = {
  body: string;
  clientId: string | null;
  private?: boolean;
  meta?: Record<string, unknown>;
  /** Files already stored by files/ (storeMessageFile), carried by the message from its first event on. */
  attachments?: readonly Attachment[];
};

function authorOf(
  actor: Actor,
  isPrivate: boolean,
): Pick<NewMessage, 'authorKind' | 'authorId' | 'authorName' | 'private'> {
  switch (actor.kind) {
    case 'customer':
      return { authorKind: 'customer', authorId: actor.contactId, authorName: actor.name, private: false };
    case 'agent':
      return { authorKind: 'agent', authorId: actor.id, authorName: actor.name, private: isPrivate };
    case 'bot':
      return { authorKind: 'bot', authorId: null, authorName: actor.name, private: isPrivate };
    case 'system':
      return { authorKind: 'system', authorId: null, authorName: null, private: isPrivate };
  }
}

/**
 * Stores one message with the next seq of its conversation and publishes it. Idempotent by clientId: a retried
 * send returns the message stored the first time (and publishes nothing new).
 */
export async function postMessage(ctx: Ctx, conversationId: string, input: PostInput): Promise<Message> {
  const author = authorOf(ctx.actor, input.private ?? false);
  let body = input.body;
  let meta = input.meta ?? {};
  if (author.authorKind === 'customer') {
    // A one-time code an emergency freeze is waiting for is kept only as a digest (see message-policy.ts).
    const screened = await screenCustomerMessageIn(ctx.db, ctx.org.id, conversationId, body);
    body = screened.body;
    if (screened.meta) meta = { ...meta, ...screened.meta };
  } else if (ctx.actor.kind === 'agent') {
    const screened = screenAgentMessage(body, { agentLocale: ctx.actor.locale, private: author.private });
    body = screened.body;
    if (screened.meta) meta = { ...meta, ...screened.meta };
  }
  const message: NewMessage = {
    ...author,
    body,
    clientId: input.clientId,
    meta,
    ...(input.attachments?.length ? { attachments: input.attachments } : {}),
  };
  // A customer may only write to their own conversations; the check rides along in the insert's WHERE clause.
  const onlyContactId = ctx.actor.kind === 'customer' ? ctx.actor.contactId : null;
  // Batched with the other sends of the moment (group commit, see message-batch.ts); resolved after the commit.
  const outcome = await storeMessage(ctx.db, ctx.org.id, { conversationId, message, onlyContactId });
  if (outcome.kind === 'existing') {
    // A retried clientId: the first message, no new seq, nothing published.
    const existing = await selectMessageByClientId(ctx.db, ctx.org.id, conversationId, outcome.clientId);
    if (existing) return toMessage(existing);
  }
  const stored: StoredMessage | undefined = outcome.kind === 'stored' ? outcome.row : undefined;
  if (!stored) {
    const status = await selectConversationStatus(ctx.db, ctx.org.id, conversationId, onlyContactId);
    if (status === 'closed') throw new AppError('conflict', 'This conversation is closed; start a new one.');
    throw new AppError('conversation_not_found');
  }
  const published = toMessage(stored);
  ctx.events.publish({
    type: 'message.created',
    orgId: ctx.org.id,
    conversationId,
    contactId: stored.contact_id,
    inboxId: stored.inbox_id,
    message: published,
    ...(stored.prev_status === 'resolved' && stored.status === 'open' ? { reopened: true } : {}),
  });
  const changes: string[] = [];
  if (stored.status !== stored.prev_status) changes.push('status');
  if (!stored.prev_first_reply_at && stored.first_reply_at) changes.push('firstReplyAt');
  if (changes.length > 0) await publishConversationUpdated(ctx, conversationId, changes);
  return published;
}

export async function publishConversationUpdated(
  ctx: Ctx,
  conversationId: string,
  changes: string[],
): Promise<Conversation> {
  const row = await selectConversation(ctx.db, ctx.org.id, conversationId);
  if (!row) throw new AppError('conversation_not_found');
  const conversation = toConversation(row);
  ctx.events.publish({ type: 'conversation.updated', orgId: ctx.org.id, conversation, changes });
  return conversation;
}

/** A customer's new conversation, optionally with its first message, in the given inbox. */
export async function startConversation(
  ctx: Ctx,
  input: {
    inboxId: string;
    contactId: string;
    firstMessage?: { body: string; clientId: string | null; meta?: Record<string, unknown> };
  },
): Promise<{ conversation: Conversation; message: Message | null }> {
  if (input.firstMessage?.clientId) {
    // A retried "start with this message" finds the conversation the first attempt created.
    const existing = await findConversationByFirstClientId(ctx, input.contactId, input.firstMessage.clientId);
    if (existing) return existing;
  }
  const id = await insertConversation(ctx.db, ctx.org.id, {
    number: await takeConversationNumber(ctx.db, ctx.org.id),
    inboxId: input.inboxId,
    contactId: input.contactId,
    priority: 'normal',
  });
  const row = await selectConversation(ctx.db, ctx.org.id, id);
  if (!row) throw new AppError('conversation_not_found');
  ctx.events.publish({ type: 'conversation.created', orgId: ctx.org.id, conversation: toConversation(row) });
  const message = input.firstMessage ? await postMessage(ctx, row.id, input.firstMessage) : null;
  // Without a first message the row just read is the conversation (a surge opens thousands this way).
  return { conversation: message ? await getConversation(ctx, id) : toConversation(row), message };
}

/** The conversation a "start with this message" created, if that first message was stored (a retried start). */
export async function findConversationByFirstClientId(
  ctx: Ctx,
  contactId: string,
  clientId: string,
): Promise<{ conversation: Conversation; message: Message } | undefined> {
  const first = await selectFirstMessageByClientId(ctx.db, ctx.org.id, contactId, clientId);
  if (!first) return undefined;
  return { conversation: await getConversation(ctx, first.conversation_id), message: toMessage(first) };
}

export async function updateConversation(
  ctx: Ctx,
  conversationId: string,
  changes: { status?: ConversationStatus; priority?: Priority; reason?: string },
): Promise<Conversation> {
  const { reason: typedReason, ...fields } = changes;
  // The reason is stored with the priority and in the audit log: screened like everything else a person types.
  const reason = typedReason === undefined ? undefined : screenFreeText(typedReason);
  await ctx.db.transaction(async (tx) => {
    // A priority set by hand wins over the rules from now on; overriding a rule's or an escalation's needs a reason.
    if (fields.priority) await setManualPriority(ctx, tx, conversationId, fields.priority, reason);
    const prev = await updateConversationFields(tx, ctx.org.id, conversationId, fields);
    if (!prev) throw new AppError('conversation_not_found');
    await recordAudit(ctx, tx, {
      action: 'conversation.update',
      targetType: 'conversation',
      targetId: conversationId,
      details: {
        ...(fields.status ? { status: { from: prev.prev_status, to: fields.status } } : {}),
        ...(fields.priority ? { priority: { from: prev.prev_priority, to: fields.priority } } : {}),
        ...(fields.priority && reason ? { reason } : {}),
      },
    });
  });
  return conversationFor(ctx.actor, await publishConversationUpdated(ctx, conversationId, Object.keys(fields)));
}

export async function assignConversation(
  ctx: Ctx,
  conversationId: string,
  agentId: string | null,
): Promise<Conversation> {
  if (agentId) {
    if (!(await findActiveAgent(ctx, agentId))) throw new AppError('agent_not_found');
  }
  await ctx.db.transaction(async (tx) => {
    const prev = await updateConversationFields(tx, ctx.org.id, conversationId, { assigneeId: agentId });
    if (!prev) throw new AppError('conversation_not_found');
    await recordAudit(ctx, tx, {
      action: agentId ? 'conversation.assign' : 'conversation.unassign',
      targetType: 'conversation',
      targetId: conversationId,
      details: { from: prev.prev_assignee_id, to: agentId },
    });
  });
  return conversationFor(ctx.actor, await publishConversationUpdated(ctx, conversationId, ['assignee']));
}
