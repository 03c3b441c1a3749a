import type { Conversation, Message } from '../../contracts/domain.ts';
import type { ApiAttachment, ApiConversation, ApiMessage } from '../../contracts/public-api.ts';

/** Where the exchange downloads a message's file with its API key (public-api.routes.ts). */
export function apiFileUrl(conversationId: string, fileId: string): string {
  return `/api/v1/conversations/${conversationId}/files/${fileId}`;
}

/**
 * A message's files with /api/v1 links: the agents' URLs (…/files/<id>) open only with a console session, so the
 * exchange gets its own, which its API key opens.
 */
function apiAttachments(message: Message): ApiAttachment[] {
  return message.attachments.flatMap((attachment) => {
    const fileId = /\/files\/([0-9a-f-]{36})(?:\?.*)?$/i.exec(attachment.url)?.[1];
    if (!fileId) return [];
    const { name, contentType, size } = attachment;
    return [{ name, url: apiFileUrl(message.conversationId, fileId), contentType, size }];
  });
}

/**
 * What the exchange's backend may see of a conversation and its messages, through /api/v1 and in webhooks: the
 * public part only. A private note is never a message here, and a list preview that is a note is left out; bodies
 * are as stored (secrets already redacted by the secret guard before anything stored them).
 */
export function toApiConversation(conversation: Conversation): ApiConversation {
  const last = conversation.lastMessage;
  return {
    id: conversation.id,
    number: conversation.number,
    status: conversation.status,
    priority: conversation.priority,
    channel: conversation.channel,
    exchangeUid: conversation.contact.exchangeUid,
    contactId: conversation.contact.id,
    assignee: conversation.assignee,
    tags: conversation.tags,
    lastMessage: last && !last.private ? { body: last.body, authorKind: last.authorKind } : null,
    createdAt: conversation.createdAt,
    updatedAt: conversation.updatedAt,
    lastActivityAt: conversation.lastActivityAt,
    resolvedAt: conversation.resolvedAt,
  };
}

/** A public message as the exchange sees it; undefined for a private note (callers drop it). */
export function toApiMessage(message: Message): ApiMessage | undefined {
  if (message.private) return undefined;
  const source = typeof message.meta?.source === 'string' ? message.meta.source : null;
  return {
    id: message.id,
    conversationId: message.conversationId,
    seq: message.seq,
    authorKind: message.authorKind,
    authorName: message.authorName,
    body: message.body,
    source,
    attachments: apiAttachments(message),
    createdAt: message.createdAt,
  };
}

export function publicMessages(messages: Message[]): ApiMessage[] {
  return messages.flatMap((message) => toApiMessage(message) ?? []);
}
