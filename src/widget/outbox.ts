import type { Conversation, Message } from '../contracts/api.ts';
import { createConversation, isAuthError, isRateLimited, isRetryable, sendMessage, toRequestError } from './api.ts';
import { computeBackoff } from './realtime.ts';
import type { Session } from './session.ts';
import { retryDelay } from './session.ts';
import { loadOutbox, type OutboxItem, saveOutbox } from './storage.ts';
import type { PendingStatus } from './view.ts';

/**
 * Every message the customer sends goes into a persisted outbox first, keyed by a random clientId, and is removed
 * only once the server's copy (same clientId) is seen. The server is idempotent by clientId, so an ambiguous failure
 * is simply retried, and the outbox survives reloads and offline periods. Messages go out one at a time, in order.
 */

export type OutboxHooks = {
  session: Session;
  /** Whether a message may go out now (online, a session, a socket or HTTP-only mode). */
  canSend: () => boolean;
  getConversation: () => Conversation | null;
  setConversation: (next: Conversation | null) => void;
  /** The server's copy of a message (from a POST answer). */
  receive: (message: Message) => void;
  loadHistory: () => Promise<void>;
  setPendingStatus: (clientId: string, status: PendingStatus) => void;
};

export type Outbox = {
  items: () => readonly OutboxItem[];
  /** Queues a new message and returns it (persisted before anything is sent). */
  add: (item: OutboxItem) => void;
  /** The server's copy arrived (or the server refused it for good): the item is done. */
  drop: (clientId: string) => void;
  /** Sends what is queued, in order, while sending is possible. */
  flush: () => Promise<void>;
  /** Forgets every queued message and returns them. */
  clear: () => OutboxItem[];
  stop: () => void;
};

export function createOutbox(org: string, apiOrigin: string, hooks: OutboxHooks): Outbox {
  const { session } = hooks;
  let outbox: OutboxItem[] = loadOutbox(org);
  let flushing = false;
  let flushAgain = false;
  let flushAttempt = 0;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** A create-conversation request failed without a clear answer: it may have created the conversation. */
  let createAmbiguous = false;

  function persistOutbox(): void {
    saveOutbox(org, outbox);
  }

  function dropFromOutbox(clientId: string): void {
    const next = outbox.filter((item) => item.clientId !== clientId);
    if (next.length === outbox.length) return;
    outbox = next;
    persistOutbox();
  }

  function scheduleFlushRetry(): void {
    clearTimeout(flushTimer);
    flushTimer = setTimeout(() => void flush(), computeBackoff(flushAttempt++));
  }

  async function flush(): Promise<void> {
    if (flushing) {
      flushAgain = true;
      return;
    }
    flushing = true;
    clearTimeout(flushTimer);
    let authRetries = 0;
    let conversationResets = 0;
    try {
      while (outbox.length > 0 && hooks.canSend()) {
        const item = outbox[0];
        try {
          await deliver(item);
          flushAttempt = 0;
        } catch (error) {
          const failure = toRequestError(error);
          if (isAuthError(failure) && authRetries++ < 1) {
            session.invalidate();
            if (await session.refresh()) continue;
          }
          const conversation = hooks.getConversation();
          if (
            conversation &&
            conversationResets++ < 1 &&
            (failure.code === 'conversation_not_found' || failure.code === 'conflict')
          ) {
            // Closed or gone? The session names the conversation to use now, or none (this message starts one).
            const before = conversation.id;
            await session.refresh();
            if (hooks.getConversation()?.id !== before) continue;
          }
          if (isRateLimited(failure)) {
            // Too fast: say so on the message, and send it once the server will take it.
            hooks.setPendingStatus(item.clientId, 'rateLimited');
            clearTimeout(flushTimer);
            flushTimer = setTimeout(() => void flush(), retryDelay(failure, flushAttempt++));
            break;
          }
          if (isRetryable(failure) || isAuthError(failure) || failure.code === 'conflict') {
            hooks.setPendingStatus(item.clientId, 'retrying');
            scheduleFlushRetry();
            break;
          }
          // The server understood and refused; sending the same thing again would fail the same way.
          dropFromOutbox(item.clientId);
          hooks.setPendingStatus(item.clientId, failure.code === 'message_blocked' ? 'blocked' : 'notSent');
        }
      }
    } finally {
      flushing = false;
      if (flushAgain) {
        flushAgain = false;
        void flush();
      }
    }
  }

  async function deliver(item: OutboxItem): Promise<void> {
    if (!hooks.getConversation() && createAmbiguous) {
      // The earlier create may have gone through; the session (and its history) tells us, and settles the item.
      await session.refresh();
      if (!outbox.some((queued) => queued.clientId === item.clientId)) return;
    }
    const token = session.token();
    if (!token) throw toRequestError(new Error('no session'));
    const payload = { body: item.body, clientId: item.clientId };
    const conversation = hooks.getConversation();
    if (!conversation) {
      let created: Awaited<ReturnType<typeof createConversation>>;
      try {
        created = await createConversation(
          apiOrigin,
          token,
          item.readArticle ? { ...payload, readArticle: item.readArticle } : payload,
        );
      } catch (error) {
        const failure = toRequestError(error);
        // A refusal for speed created nothing; any other unclear failure may have.
        if (isRetryable(failure) && !isRateLimited(failure)) createAmbiguous = true;
        throw error;
      }
      createAmbiguous = false;
      if (created.conversation) hooks.setConversation(created.conversation);
      for (const message of created.messages) hooks.receive(message);
      dropFromOutbox(item.clientId);
      if (hooks.getConversation()) void hooks.loadHistory();
      else void session.refresh();
      return;
    }
    const message = await sendMessage(apiOrigin, token, conversation.id, payload);
    if (message) hooks.receive(message);
    dropFromOutbox(item.clientId);
  }

  return {
    items: () => outbox,
    add: (item) => {
      outbox.push(item);
      persistOutbox();
    },
    drop: dropFromOutbox,
    flush,
    clear: () => {
      const dropped = outbox;
      outbox = [];
      persistOutbox();
      createAmbiguous = false;
      return dropped;
    },
    stop: () => clearTimeout(flushTimer),
  };
}
