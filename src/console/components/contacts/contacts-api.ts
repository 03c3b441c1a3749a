import type { ConversationListResponse } from '../../../contracts/api.ts';
import type {
  ContactMerge,
  ContactMergeResponse,
  ContactMergesResponse,
  RevealContactResponse,
} from '../../../contracts/contacts.ts';
import type { Channel, ContactSummary, Conversation } from '../../../contracts/domain.ts';
import { callApi } from '../../api/client.ts';

export async function mergeContacts(contactId: string, otherContactId: string): Promise<ContactMerge> {
  const path = `/api/agent/contacts/${encodeURIComponent(contactId)}/merge`;
  return (await callApi<ContactMergeResponse>(path, { method: 'POST', body: { otherContactId } })).merge;
}

export async function undoContactMerge(mergeId: string): Promise<ContactMerge> {
  const path = `/api/agent/contact-merges/${encodeURIComponent(mergeId)}/undo`;
  return (await callApi<ContactMergeResponse>(path, { method: 'POST' })).merge;
}

export async function fetchContactMerges(contactId: string): Promise<ContactMerge[]> {
  const path = `/api/agent/contacts/${encodeURIComponent(contactId)}/merges`;
  return (await callApi<ContactMergesResponse>(path)).merges;
}

/** The customer's conversations on every channel, newest first. */
export async function fetchContactConversations(contactId: string): Promise<Conversation[]> {
  const query = new URLSearchParams({ assignee: 'all', limit: '50', contactId });
  return (await callApi<ConversationListResponse>(`/api/agent/conversations?${query}`)).conversations;
}

/** Other customers to merge with, found by the inbox search (one entry per contact). */
export async function searchOtherContacts(q: string, exceptContactId: string): Promise<Conversation[]> {
  const query = new URLSearchParams({ assignee: 'all', limit: '30', q });
  const { conversations } = await callApi<ConversationListResponse>(`/api/agent/conversations?${query}`);
  const seen = new Set<string>([exceptContactId]);
  return conversations.filter((c) => !seen.has(c.contact.id) && seen.add(c.contact.id) !== undefined);
}

/** The channels a reply can be sent on besides the conversation's own: the contact's identities that can receive. */
export function replyChannelsOf(conversation: Conversation): Channel[] {
  const kinds = new Set(conversation.contact.identities.map((identity) => identity.kind));
  if (conversation.contact.email) kinds.add('email');
  return (['email', 'telegram'] as const).filter((channel) => kinds.has(channel));
}

/** The customer in full for an agent who sees them masked: the reason goes into the audit log. */
export async function revealContact(conversationId: string, reason: string): Promise<ContactSummary> {
  const path = `/api/agent/conversations/${encodeURIComponent(conversationId)}/contact/reveal`;
  return (await callApi<RevealContactResponse>(path, { method: 'POST', body: { reason } })).contact;
}
