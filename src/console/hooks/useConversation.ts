import { useCallback, useEffect, useRef, useState } from 'react';
import type { Conversation, Message } from '../../contracts/domain.ts';
import { ApiError, errorCodeOf, getConversation, listMessages, sendMessage } from '../api/client.ts';
import { createClientId } from '../../contracts/client-id.ts';
import { isEditing } from '../lib/local-edits.ts';
import { useRealtime, useRealtimeEvent, useReconnect } from '../realtime/context.tsx';

export type PendingMessage = {
  clientId: string;
  body: string;
  private: boolean;
  state: 'sending' | 'failed';
  createdAt: string;
};

export type SendFailure = { code: string; message: string; body: string; private: boolean };

type DetailState = {
  conversationId: string | null;
  conversation: Conversation | null;
  messages: Message[];
  pending: PendingMessage[];
  status: 'loading' | 'ready' | 'error';
  errorCode: string | null;
  loadingOlder: boolean;
};

const OLDER_PAGE_SIZE = 100;
const TYPING_TIMEOUT_MS = 8_000;

function emptyState(conversationId: string | null): DetailState {
  return {
    conversationId,
    conversation: null,
    messages: [],
    pending: [],
    status: 'loading',
    errorCode: null,
    loadingOlder: false,
  };
}

/** Merges by seq (the server's order and identity within a conversation): replays and echoes never duplicate. */
export function mergeMessages(current: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return current;
  const bySeq = new Map<number, Message>();
  for (const message of current) bySeq.set(message.seq, message);
  for (const message of incoming) bySeq.set(message.seq, message);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function withoutReconciled(pending: PendingMessage[], messages: Message[]): PendingMessage[] {
  if (pending.length === 0) return pending;
  const delivered = new Set(messages.map((message) => message.clientId).filter(Boolean));
  return pending.filter((item) => !delivered.has(item.clientId));
}

/** One open conversation: its messages (live, deduplicated), optimistic sends, and the customer's typing state. */
export function useConversation(conversationId: string | null) {
  const realtime = useRealtime();
  const [state, setState] = useState<DetailState>(() => emptyState(conversationId));
  const [customerTyping, setCustomerTyping] = useState<string | null>(null);
  const typingTimerRef = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const lastSeqRef = useRef(0);
  lastSeqRef.current = state.messages.length > 0 ? state.messages[state.messages.length - 1].seq : 0;

  // Reset synchronously when the id changes so the previous conversation never flashes under the new header.
  if (state.conversationId !== conversationId) setState(emptyState(conversationId));

  useEffect(() => {
    setCustomerTyping(null);
    if (!conversationId) return;
    const controller = new AbortController();
    let unwatch: (() => void) | null = null;
    getConversation(conversationId, controller.signal)
      .then(({ conversation, messages }) => {
        setState((current) => {
          if (current.conversationId !== conversationId) return current;
          const merged = mergeMessages(current.messages, messages);
          return {
            ...current,
            conversation,
            messages: merged,
            pending: withoutReconciled(current.pending, merged),
            status: 'ready',
            errorCode: null,
          };
        });
        // Subscribe only once we know what we have, so the server replays just what came after it.
        const lastSeq = messages.length > 0 ? Math.max(...messages.map((message) => message.seq)) : 0;
        lastSeqRef.current = Math.max(lastSeqRef.current, lastSeq);
        unwatch = realtime.watch(conversationId, () => lastSeqRef.current);
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setState((current) =>
          current.conversationId === conversationId
            ? { ...current, status: 'error', errorCode: errorCodeOf(error) }
            : current,
        );
      });
    return () => {
      controller.abort();
      unwatch?.();
    };
  }, [conversationId, realtime]);

  useEffect(() => () => clearTimeout(typingTimerRef.current), []);

  // Messages missed while offline are replayed by the re-subscribe; the conversation's own fields are refetched.
  useReconnect(() => {
    if (!conversationId) return;
    getConversation(conversationId)
      .then(({ conversation }) => {
        if (!isEditing(conversationId)) setConversation(conversation);
      })
      .catch(() => {
        // Keep what we show; the next event or reconnect corrects it.
      });
  });

  /** A live event skipped ahead of what we hold (a frame lost in flight): fetch exactly the missing range. */
  const fillGap = useCallback((targetId: string, afterSeq: number, beforeSeq: number) => {
    listMessages(targetId, afterSeq, Math.min(500, beforeSeq - afterSeq - 1))
      .then(({ messages }) =>
        setState((current) =>
          current.conversationId === targetId
            ? { ...current, messages: mergeMessages(current.messages, messages) }
            : current,
        ),
      )
      .catch(() => {
        // The next reconnect re-subscribes from our last seq and closes the gap.
      });
  }, []);

  useRealtimeEvent((event) => {
    if (!conversationId) return;
    if (event.type === 'message.created' && event.conversationId === conversationId) {
      const known = lastSeqRef.current;
      if (!event.replay && known > 0 && event.seq > known + 1) fillGap(conversationId, known, event.seq);
      setState((current) => {
        if (current.conversationId !== conversationId) return current;
        const messages = mergeMessages(current.messages, [event.message]);
        return { ...current, messages, pending: withoutReconciled(current.pending, [event.message]) };
      });
      if (event.message.authorKind === 'customer') setCustomerTyping(null);
    } else if (
      event.type === 'conversation.updated' &&
      event.conversation.id === conversationId &&
      !isEditing(conversationId)
    ) {
      setState((current) =>
        current.conversationId === conversationId ? { ...current, conversation: event.conversation } : current,
      );
    } else if (event.type === 'typing' && event.conversationId === conversationId && event.author.kind === 'customer') {
      clearTimeout(typingTimerRef.current);
      if (event.typing) {
        setCustomerTyping(event.author.name ?? '');
        // A lost "stopped typing" frame must not leave the indicator on forever.
        typingTimerRef.current = setTimeout(() => setCustomerTyping(null), TYPING_TIMEOUT_MS);
      } else {
        setCustomerTyping(null);
      }
    }
  });

  const loadOlder = useCallback(async () => {
    const first = state.messages[0];
    if (!conversationId || !first || first.seq <= 1 || state.loadingOlder) return;
    setState((current) => ({ ...current, loadingOlder: true }));
    // The API pages forward from a seq, so step back one page from the oldest message we hold.
    const afterSeq = Math.max(0, first.seq - 1 - OLDER_PAGE_SIZE);
    const limit = first.seq - 1 - afterSeq;
    try {
      const { messages } = await listMessages(conversationId, afterSeq, limit);
      setState((current) =>
        current.conversationId === conversationId
          ? { ...current, messages: mergeMessages(current.messages, messages), loadingOlder: false }
          : current,
      );
    } catch {
      setState((current) => ({ ...current, loadingOlder: false }));
    }
  }, [conversationId, state.messages, state.loadingOlder]);

  /** Sends (or re-sends, with the same clientId so the server stores it once). Resolves with a failure to show. */
  const deliver = useCallback(
    async (item: PendingMessage): Promise<SendFailure | null> => {
      if (!conversationId) return null;
      const targetId = conversationId;
      setState((current) => ({
        ...current,
        pending: [
          ...current.pending.filter((candidate) => candidate.clientId !== item.clientId),
          { ...item, state: 'sending' },
        ],
      }));
      try {
        const message = await sendMessage(targetId, {
          body: item.body,
          clientId: item.clientId,
          private: item.private,
        });
        if (message) {
          setState((current) => {
            if (current.conversationId !== targetId) return current;
            const messages = mergeMessages(current.messages, [message]);
            return { ...current, messages, pending: withoutReconciled(current.pending, [message]) };
          });
        } else {
          // No body in the answer: pick the stored message up from the API (the socket may also deliver it first).
          const { messages } = await listMessages(targetId, lastSeqRef.current, 50);
          setState((current) => {
            if (current.conversationId !== targetId) return current;
            const merged = mergeMessages(current.messages, messages);
            return { ...current, messages: merged, pending: withoutReconciled(current.pending, merged) };
          });
        }
        return null;
      } catch (error) {
        const code = errorCodeOf(error);
        const blocked = code === 'message_blocked' || code === 'validation_failed';
        setState((current) => {
          if (current.conversationId !== targetId) return current;
          // A refused message will never be stored: drop the bubble (the text goes back to the composer).
          // A network failure may be retried as is, so that bubble stays with a retry button.
          const pending = blocked
            ? current.pending.filter((candidate) => candidate.clientId !== item.clientId)
            : current.pending.map((candidate) =>
                candidate.clientId === item.clientId ? { ...candidate, state: 'failed' as const } : candidate,
              );
          return { ...current, pending };
        });
        return {
          code,
          message: error instanceof ApiError ? error.message : '',
          body: blocked ? item.body : '',
          private: item.private,
        };
      }
    },
    [conversationId],
  );

  const send = useCallback(
    (body: string, isPrivate: boolean) =>
      deliver({
        clientId: createClientId(),
        body,
        private: isPrivate,
        state: 'sending',
        createdAt: new Date().toISOString(),
      }),
    [deliver],
  );

  const discard = useCallback((clientId: string) => {
    setState((current) => ({ ...current, pending: current.pending.filter((item) => item.clientId !== clientId) }));
  }, []);

  const setConversation = useCallback((conversation: Conversation) => {
    setState((current) => (current.conversationId === conversation.id ? { ...current, conversation } : current));
  }, []);

  return { ...state, customerTyping, loadOlder, send, retry: deliver, discard, setConversation };
}
