import { useCallback, useEffect, useRef, useState } from 'react';
import type { Conversation, Message } from '../../contracts/domain.ts';
import { type ConversationFilters, errorCodeOf, getConversation, listConversations } from '../api/client.ts';
import { helpdeskFilterKey, matchesHelpdeskFilters } from '../components/views/filters.ts';
import { isEditing } from '../lib/local-edits.ts';
import { useRealtimeEvent, useReconnect } from '../realtime/context.tsx';

export type ConversationListState = {
  items: Conversation[];
  nextCursor: string | null;
  status: 'loading' | 'ready' | 'error';
  errorCode: string | null;
  loadingMore: boolean;
};

export function matchesFilters(conversation: Conversation, filters: ConversationFilters, meId: string): boolean {
  if (filters.status !== 'any' && conversation.status !== filters.status) return false;
  if (filters.priority !== 'any' && conversation.priority !== filters.priority) return false;
  if (filters.assignee === 'mine' && conversation.assignee?.id !== meId) return false;
  if (filters.assignee === 'unassigned' && conversation.assignee !== null) return false;
  return matchesHelpdeskFilters(conversation, filters);
}

function moveToTop(items: Conversation[], conversation: Conversation): Conversation[] {
  return [conversation, ...items.filter((item) => item.id !== conversation.id)];
}

function appendUnique(items: Conversation[], more: Conversation[]): Conversation[] {
  const seen = new Set(items.map((item) => item.id));
  return [...items, ...more.filter((item) => !seen.has(item.id))];
}

/** Events can arrive out of order (socket vs. HTTP answer): never let an older snapshot overwrite a newer one. */
function isStale(incoming: Conversation, current: Conversation | undefined): boolean {
  if (!current) return false;
  return incoming.lastSeq < current.lastSeq;
}

function laterOf(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** What a list row takes from a new message: a full one (a followed conversation) or the list delta (the others). */
type Activity = { seq: number; lastMessage: NonNullable<Conversation['lastMessage']>; lastActivityAt: string };

function activityOf(message: Message): Activity {
  return {
    seq: message.seq,
    lastMessage: { body: message.body, authorKind: message.authorKind, private: message.private },
    lastActivityAt: message.createdAt,
  };
}

function applyActivity(conversation: Conversation, activity: Activity): Conversation {
  if (activity.seq <= conversation.lastSeq && conversation.lastMessage) return conversation;
  return {
    ...conversation,
    lastSeq: Math.max(conversation.lastSeq, activity.seq),
    lastMessage: activity.lastMessage,
    lastActivityAt: laterOf(activity.lastActivityAt, conversation.lastActivityAt),
  };
}

/**
 * The inbox list for the active filters, kept live from the socket: updated items change in place, items with new
 * messages move to the top, new matching conversations appear, items that stop matching the filters leave.
 *
 * With a search (`search`, already debounced by the caller) only the server can tell what matches (message text,
 * notes, identities): the found items stay live, but a conversation not in the results is not added from an event.
 */
export function useConversationList(filters: ConversationFilters, meId: string, search = '') {
  const [state, setState] = useState<ConversationListState>({
    items: [],
    nextCursor: null,
    status: 'loading',
    errorCode: null,
    loadingMore: false,
  });
  const query = search.trim();
  const filtersRef = useRef<ConversationFilters & { q?: string }>(filters);
  filtersRef.current = query ? { ...filters, q: query } : filters;
  const generationRef = useRef(0);
  // Conversations we already looked up after a message for an unknown id: one lookup each, not one per message.
  const lookedUpRef = useRef(new Set<string>());

  const reload = useCallback((options: { keepItems: boolean }) => {
    const generation = ++generationRef.current;
    lookedUpRef.current.clear();
    setState((current) => ({
      ...current,
      items: options.keepItems ? current.items : [],
      status: options.keepItems && current.status === 'ready' ? 'ready' : 'loading',
      errorCode: null,
    }));
    listConversations(filtersRef.current, null)
      .then((response) => {
        if (generation !== generationRef.current) return;
        setState({
          items: response.conversations,
          nextCursor: response.nextCursor,
          status: 'ready',
          errorCode: null,
          loadingMore: false,
        });
      })
      .catch((error: unknown) => {
        if (generation !== generationRef.current) return;
        setState((current) => ({ ...current, status: 'error', errorCode: errorCodeOf(error), loadingMore: false }));
      });
  }, []);

  const { status, assignee, priority } = filters;
  const helpdeskKey = helpdeskFilterKey(filters);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload reads the filters through a ref; these trigger it.
  useEffect(() => {
    reload({ keepItems: false });
  }, [reload, status, assignee, priority, helpdeskKey, query]);

  // After a reconnect we may have missed events: refetch the first page.
  useReconnect(() => reload({ keepItems: true }));

  const stateRef = useRef(state);
  stateRef.current = state;

  const loadMore = useCallback(() => {
    const generation = generationRef.current;
    const { nextCursor: cursor, loadingMore } = stateRef.current;
    if (!cursor || loadingMore) return;
    setState((current) => ({ ...current, loadingMore: true }));
    listConversations(filtersRef.current, cursor)
      .then((response) => {
        if (generation !== generationRef.current) return;
        setState((current) => ({
          ...current,
          items: appendUnique(current.items, response.conversations),
          nextCursor: response.nextCursor,
          loadingMore: false,
        }));
      })
      .catch((error: unknown) => {
        if (generation !== generationRef.current) return;
        setState((current) => ({ ...current, loadingMore: false, errorCode: errorCodeOf(error) }));
      });
  }, []);

  /** Applies a full conversation snapshot (from the socket or from our own PATCH/assign answer). */
  const upsert = useCallback(
    (conversation: Conversation, options: { toTop?: boolean } = {}) => {
      setState((current) => {
        const index = current.items.findIndex((item) => item.id === conversation.id);
        const existing = index >= 0 ? current.items[index] : undefined;
        if (isStale(conversation, existing)) return current;
        if (!matchesFilters(conversation, filtersRef.current, meId)) {
          return existing
            ? { ...current, items: current.items.filter((item) => item.id !== conversation.id) }
            : current;
        }
        // Searching: whether an unlisted conversation matches is the server's call.
        if (!existing && filtersRef.current.q) return current;
        if (!existing || options.toTop) return { ...current, items: moveToTop(current.items, conversation) };
        const items = current.items.slice();
        items[index] = conversation;
        return { ...current, items };
      });
    },
    [meId],
  );

  const lookUp = useCallback(
    (conversationId: string) => {
      if (lookedUpRef.current.has(conversationId)) return;
      lookedUpRef.current.add(conversationId);
      const generation = generationRef.current;
      getConversation(conversationId)
        .then(({ conversation }) => {
          if (generation === generationRef.current) upsert(conversation, { toTop: true });
        })
        .catch(() => {
          // Gone or forbidden: nothing to show.
        });
    },
    [upsert],
  );

  useRealtimeEvent((event) => {
    if (event.type === 'conversation.updated') {
      if (isEditing(event.conversation.id)) return;
      const known = state.items.some((item) => item.id === event.conversation.id);
      // A newer lastSeq means new activity: move it up, as for a message.
      const existing = state.items.find((item) => item.id === event.conversation.id);
      upsert(event.conversation, {
        toTop: !known || (existing ? event.conversation.lastSeq > existing.lastSeq : false),
      });
      return;
    }
    if (event.type === 'message.created' || event.type === 'conversation.activity') {
      const existing = state.items.find((item) => item.id === event.conversationId);
      if (!existing) {
        if (!filtersRef.current.q) lookUp(event.conversationId);
        return;
      }
      if (event.seq <= existing.lastSeq) return;
      const activity = event.type === 'message.created' ? activityOf(event.message) : event;
      setState((current) => {
        const item = current.items.find((candidate) => candidate.id === event.conversationId);
        if (!item) return current;
        return { ...current, items: moveToTop(current.items, applyActivity(item, activity)) };
      });
    }
  });

  return { ...state, query, reload, loadMore, upsert };
}
