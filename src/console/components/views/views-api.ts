import type { ConversationListResponse } from '../../../contracts/api.ts';
import type { Conversation } from '../../../contracts/domain.ts';
import type { SavedView, TagsResponse, ViewFilters, ViewsResponse } from '../../../contracts/tools.ts';
import { callApi } from '../../api/client.ts';

export async function fetchViews(): Promise<SavedView[]> {
  return (await callApi<ViewsResponse>('/api/agent/views')).views;
}

export async function saveView(input: { name: string; filters: ViewFilters; shared: boolean }): Promise<SavedView> {
  return (await callApi<{ view: SavedView }>('/api/agent/views', { method: 'POST', body: input })).view;
}

export async function removeView(viewId: string): Promise<void> {
  await callApi<void>(`/api/agent/views/${encodeURIComponent(viewId)}`, { method: 'DELETE' });
}

export async function fetchTags(): Promise<string[]> {
  return (await callApi<TagsResponse>('/api/agent/tags')).tags.map((entry) => entry.tag);
}

export async function mergeConversation(conversationId: string, intoConversationId: string): Promise<Conversation> {
  const path = `/api/agent/conversations/${encodeURIComponent(conversationId)}/merge`;
  return (await callApi<{ conversation: Conversation }>(path, { method: 'POST', body: { intoConversationId } }))
    .conversation;
}

export async function fetchConversation(conversationId: string): Promise<Conversation> {
  const path = `/api/agent/conversations/${encodeURIComponent(conversationId)}`;
  return (await callApi<{ conversation: Conversation }>(path)).conversation;
}

const CUSTOMER_SCAN_PAGES = 5;

/**
 * The customer's other conversations that can take a merge (not merged away, not closed). The list API has no
 * contact filter yet, so this scans the newest pages of the whole inbox and keeps the customer's; a customer whose
 * other conversation is older than that scan will not see it offered.
 */
export async function findMergeTargets(conversation: Conversation): Promise<Conversation[]> {
  const found: Conversation[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < CUSTOMER_SCAN_PAGES; page++) {
    // The server narrows to this customer, so every page holds only candidates.
    const query = new URLSearchParams({ assignee: 'all', limit: '100', contactId: conversation.contact.id });
    if (cursor) query.set('cursor', cursor);
    const response: ConversationListResponse = await callApi<ConversationListResponse>(
      `/api/agent/conversations?${query}`,
    );
    for (const candidate of response.conversations) {
      if (candidate.id === conversation.id || candidate.contact.id !== conversation.contact.id) continue;
      if (candidate.mergedIntoId || candidate.status === 'closed') continue;
      found.push(candidate);
    }
    cursor = response.nextCursor;
    if (!cursor) break;
  }
  return found;
}
