import type { Conversation, Message, WidgetSessionResponse } from '../contracts/api.ts';
import type { Locale } from '../contracts/domain.ts';
import type { ServerEvent } from '../contracts/realtime.ts';
import {
  createConversation,
  createSession,
  fetchAvailability,
  fetchConfig,
  fetchMessages,
  isAuthError,
  isRateLimited,
  isRetryable,
  type RequestError,
  sendMessage,
  toRequestError,
} from './api.ts';
import { detectLocale, getStrings, isLocale, normalizeLocale } from './i18n.ts';
import { queueNotice } from './queue.ts';
import { createFeedbackView, isRatingRequest, submitRating, submitReport } from './rating.ts';
import { computeBackoff, createSocket } from './realtime.ts';
import {
  loadLocale,
  loadOutbox,
  loadVisitor,
  type OutboxItem,
  type StoredVisitor,
  saveLocale,
  saveOutbox,
  saveVisitor,
} from './storage.ts';
import { type Connection, createView } from './view.ts';

/**
 * Entry point of the embeddable chat widget (built to one IIFE, dist/widget/widget.js).
 *
 * Delivery model: every message the customer sends goes into a persisted outbox first, keyed by a random clientId,
 * and is removed only once the server's copy (same clientId) is seen. The server is idempotent by clientId, so an
 * ambiguous failure is simply retried, and the outbox survives reloads and offline periods.
 */

type KefuSettings = { org?: string; identityToken?: string; locale?: string };
type KefuApi = {
  open: () => void;
  close: () => void;
  setLocale: (locale: string) => void;
  /** Binds the visitor to an exchange account after an in-page login. */
  identify: (identityToken: string) => void;
  /** Forgets this browser's visitor (call on logout, so the next person at this computer starts fresh). */
  reset: () => void;
};
type KefuWindow = Window & { Kefu?: KefuApi; KefuSettings?: KefuSettings };

type Setup = { org: string; apiOrigin: string; wsOrigin: string; identityToken?: string; locale: Locale | null };
type Source = 'history' | 'stream' | 'post';

const TYPING_RESEND_MS = 3_000;
const TYPING_IDLE_MS = 4_000;
const AGENT_TYPING_TIMEOUT_MS = 8_000;
const LOCALE_SYNC_DELAY_MS = 800;
const AVAILABILITY_REFRESH_MS = 60_000;
/** After this many WebSocket attempts that never opened (a proxy that blocks WebSockets?), send over HTTP anyway. */
const WS_FAILURES_BEFORE_HTTP_ONLY = 3;
/**
 * An open tab renews its visitor token this long before it expires (tokens last a day), so its requests and its next
 * socket never carry an expired one. A tab that slept through it renews on the first refusal instead: the server
 * still renews an expired token into the same visitor and conversation for weeks.
 */
const RENEW_BEFORE_EXPIRY_MS = 60 * 60 * 1000;
const MIN_RENEW_DELAY_MS = 60_000;
/** setTimeout's delay is a signed 32-bit count of milliseconds. */
const MAX_TIMER_MS = 2_000_000_000;

/** When to try a refused request again: the server's Retry-After, plus up to a second so a crowd spreads out. */
function retryDelay(failure: RequestError, attempt: number): number {
  if (failure.retryAfterSeconds === undefined) return computeBackoff(attempt);
  return failure.retryAfterSeconds * 1000 + Math.random() * 1000;
}

function findScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.src) return current;
  // Loaders that evaluate the file without a current script (rare): find our tag instead.
  return document.querySelector<HTMLScriptElement>('script[data-org][src*="widget"]');
}

function readSetup(): Setup | null {
  const script = findScript();
  const settings = (window as KefuWindow).KefuSettings ?? {};
  // Page settings win over the tag: they are set by code that may know more (e.g. the logged-in user).
  const org = settings.org || script?.dataset.org;
  if (!org) {
    console.warn('[kefu] missing data-org on the widget script tag');
    return null;
  }
  const apiOrigin = script?.src ? new URL(script.src, window.location.href).origin : window.location.origin;
  return {
    org,
    apiOrigin,
    wsOrigin: apiOrigin.replace(/^http/, 'ws'),
    identityToken: settings.identityToken || script?.dataset.identityToken || undefined,
    locale: normalizeLocale(settings.locale) ?? normalizeLocale(script?.dataset.locale),
  };
}

function createClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID needs a secure context; plain-http pages still get a v4 UUID.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function isBrowserOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

function startWidget(setup: Setup): KefuApi {
  const { org, apiOrigin, wsOrigin } = setup;
  let identityToken = setup.identityToken;
  // An explicit choice made in the widget beats the page's default, which beats the browser language.
  let locale: Locale = loadLocale() ?? setup.locale ?? detectLocale();

  let token: string | null = null;
  let sessionReady = false;
  let sessionTask: Promise<boolean> | null = null;
  let sessionFailed = false;
  let sessionAttempt = 0;
  let sessionRetryTimer: ReturnType<typeof setTimeout> | undefined;
  let renewTimer: ReturnType<typeof setTimeout> | undefined;
  let availabilityTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  let conversation: Conversation | null = null;
  let historyLoaded = false;
  /** Highest seq received in order (history or the socket): what we resubscribe from. */
  let lastSeq = 0;
  const messages = new Map<number, Message>();
  let subscribedTo: string | null = null;

  let outbox: OutboxItem[] = loadOutbox(org);
  let flushing = false;
  let flushAgain = false;
  let flushAttempt = 0;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** A create-conversation request failed without a clear answer: it may have created the conversation. */
  let createAmbiguous = false;

  let isOpen = false;
  let unread = 0;
  let typingActive = false;
  let typingSentAt = 0;
  let typingIdleTimer: ReturnType<typeof setTimeout> | undefined;
  let agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
  let localeSyncTimer: ReturnType<typeof setTimeout> | undefined;

  const view = createView(
    locale,
    {
      onToggle: (next) => setOpen(next),
      onSend: (body) => send(body),
      onLocale: (next) => changeLocale(next),
      onTyping: () => noteTyping(),
    },
    { linkOrigin: apiOrigin },
  );

  const feedback = createFeedbackView(locale, {
    onRate: (rating, comment) =>
      token && conversation
        ? submitRating(apiOrigin, token, conversation.id, rating, comment)
        : Promise.resolve('error'),
    onReport: (reason) =>
      token && conversation ? submitReport(apiOrigin, token, conversation.id, reason) : Promise.resolve(false),
  });
  view.mountFeedback(feedback.el);

  const socket = createSocket({
    getUrl: () => (token ? `${wsOrigin}/api/widget/ws?token=${encodeURIComponent(token)}` : null),
    onOpen: () => {
      subscribedTo = null;
      subscribe();
      updateConnection();
      void flush();
    },
    onEvent: (event) => handleEvent(event),
    onStateChange: (state) => {
      if (state !== 'open') {
        subscribedTo = null;
        typingActive = false;
      }
      updateConnection();
    },
    onAuthRejected: () => {
      sessionReady = false;
      void refreshSession();
    },
  });

  for (const item of outbox) view.addPending(item, 'sending');

  // ---------- connection state ----------

  function computeConnection(): Connection {
    if (isBrowserOffline()) return 'offline';
    const state = socket.getState();
    if (sessionReady && state === 'open') return 'online';
    if (sessionTask) return 'connecting';
    if (sessionFailed) return 'offline';
    if (state === 'closed' && socket.getFailures() > 0) return 'offline';
    return 'connecting';
  }

  function updateConnection(): void {
    view.setConnection(computeConnection());
  }

  // ---------- session ----------

  function refreshSession(): Promise<boolean> {
    if (stopped) return Promise.resolve(false);
    if (!sessionTask) {
      sessionTask = runSession().finally(() => {
        sessionTask = null;
        updateConnection();
      });
    }
    updateConnection();
    return sessionTask;
  }

  async function requestSession(visitor: StoredVisitor | null): Promise<WidgetSessionResponse> {
    try {
      return await createSession(apiOrigin, { org, locale, visitorToken: visitor?.token, identityToken });
    } catch (error) {
      const failure = toRequestError(error);
      if (visitor && (failure.code === 'visitor_token_invalid' || failure.status === 401)) {
        saveVisitor(org, null);
        return requestSession(null);
      }
      if (identityToken && failure.code === 'identity_token_invalid') {
        // An expired or mis-signed token should cost the customer the account link, not the chat.
        console.warn('[kefu] identity token rejected; continuing as an anonymous visitor');
        identityToken = undefined;
        return requestSession(visitor?.verified ? null : visitor);
      }
      throw failure;
    }
  }

  async function runSession(): Promise<boolean> {
    clearTimeout(sessionRetryTimer);
    let stored = loadVisitor(org);
    // A visitor bound to an exchange account must not be resumed by whoever next uses this browser logged out.
    if (stored?.verified && !identityToken) stored = null;
    let session: WidgetSessionResponse;
    try {
      session = await requestSession(stored);
    } catch (error) {
      const failure = toRequestError(error);
      sessionFailed = true;
      if (failure.code === 'org_not_found') {
        console.warn(`[kefu] unknown organization "${org}"`);
      } else if (isRateLimited(failure)) {
        // The server is there, only busy with this address: "connecting", not "offline".
        sessionFailed = false;
        sessionRetryTimer = setTimeout(() => void refreshSession(), retryDelay(failure, sessionAttempt++));
      } else if (isRetryable(failure) || isAuthError(failure)) {
        sessionRetryTimer = setTimeout(() => void refreshSession(), computeBackoff(sessionAttempt++));
      } else {
        console.warn('[kefu] could not start a chat session:', failure.code, failure.message);
      }
      return false;
    }
    if (stopped) return false;
    sessionFailed = false;
    sessionAttempt = 0;
    const tokenChanged = token !== null && token !== session.visitorToken;
    token = session.visitorToken;
    saveVisitor(org, {
      token,
      verified: session.contact?.verified === true,
      expiresAt: session.visitorTokenExpiresAt,
    });
    scheduleRenewal(session.visitorTokenExpiresAt);
    sessionReady = true;
    setConversation(session.conversation ?? null);
    socket.start();
    // The open socket is authenticated as the previous visitor.
    if (tokenChanged) socket.reconnectNow(true);
    updateConnection();
    await loadHistory();
    void flush();
    return true;
  }

  /** A new session before the token expires: same visitor, same conversation, a fresh token. */
  function scheduleRenewal(expiresAt: string | undefined): void {
    clearTimeout(renewTimer);
    const at = Date.parse(expiresAt ?? '');
    if (!Number.isFinite(at)) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(MIN_RENEW_DELAY_MS, at - Date.now() - RENEW_BEFORE_EXPIRY_MS));
    renewTimer = setTimeout(() => {
      if (sessionReady) void refreshSession();
    }, delay);
  }

  // ---------- conversation and messages ----------

  function setConversation(next: Conversation | null): void {
    if (next && conversation && next.id === conversation.id) {
      conversation = next;
      return;
    }
    if (!next && !conversation) return;
    if (conversation && subscribedTo === conversation.id) {
      socket.send({ type: 'unsubscribe', conversationId: conversation.id });
    }
    subscribedTo = null;
    conversation = next;
    feedback.setConversation(next?.id ?? null);
    // Seqs are per conversation: a different conversation starts a fresh timeline.
    messages.clear();
    lastSeq = 0;
    historyLoaded = false;
    view.clearMessages();
    view.setTyping(null);
  }

  async function loadHistory(): Promise<void> {
    if (!conversation || !token) return;
    const conversationId = conversation.id;
    view.setBusy(true);
    try {
      const history = await fetchMessages(apiOrigin, token, conversationId, lastSeq);
      if (conversation?.id !== conversationId) return;
      for (const message of history) receive(message, 'history');
    } catch (error) {
      const failure = toRequestError(error);
      if (failure.code === 'conversation_not_found') {
        setConversation(null);
        return;
      }
      // Otherwise fall through: subscribing from lastSeq replays whatever the fetch missed.
    } finally {
      view.setBusy(false);
    }
    if (conversation?.id !== conversationId) return;
    historyLoaded = true;
    subscribe();
  }

  function subscribe(): void {
    if (!conversation || !historyLoaded || socket.getState() !== 'open' || subscribedTo === conversation.id) return;
    if (socket.send({ type: 'subscribe', conversationId: conversation.id, afterSeq: lastSeq })) {
      subscribedTo = conversation.id;
    }
  }

  function receive(message: Message, source: Source): void {
    if (!message || typeof message.seq !== 'number') return;
    if (conversation && message.conversationId && message.conversationId !== conversation.id) return;
    const known = messages.has(message.seq) || (source === 'stream' && message.seq <= lastSeq);
    // A POST answer can overtake the socket: only in-order sources move the resubscribe point.
    if (source !== 'post' && message.seq > lastSeq) lastSeq = message.seq;
    // Internal notes must never reach a customer even if a server bug sent one.
    if (known || message.private) return;
    messages.set(message.seq, message);
    if (message.authorKind === 'system' && isRatingRequest(message.meta)) feedback.askRating(message.conversationId);
    if (message.clientId) settle(message.clientId);
    const live = source !== 'history';
    view.addMessage(message, live);
    if (message.authorKind === 'agent' || message.authorKind === 'bot') {
      showAgentTyping(null);
      if (live && !isOpen) {
        unread++;
        view.setUnread(unread);
      }
    }
  }

  function handleEvent(event: ServerEvent): void {
    switch (event.type) {
      case 'message.created':
        if (conversation && event.conversationId === conversation.id && event.message) {
          receive(event.message, 'stream');
        }
        break;
      case 'conversation.updated':
        if (conversation && event.conversation?.id === conversation.id) conversation = event.conversation;
        break;
      case 'csat.requested':
        if (conversation && event.conversationId === conversation.id) feedback.askRating(conversation.id);
        break;
      case 'queue.position':
        if (conversation && event.conversationId === conversation.id) {
          view.setQueue(queueNotice(locale, event.position, event.estimatedWaitSeconds));
        }
        break;
      case 'typing':
        if (conversation && event.conversationId === conversation.id && event.author?.kind === 'agent') {
          showAgentTyping(event.typing ? event.author.name || getStrings(locale).agent : null);
        }
        break;
      case 'error':
        if (
          event.code === 'unauthenticated' ||
          event.code === 'visitor_token_invalid' ||
          event.code === 'session_expired'
        ) {
          sessionReady = false;
          void refreshSession();
        }
        break;
      default:
        // hello, subscribed, pong, ack, presence: nothing to do.
        break;
    }
  }

  function showAgentTyping(name: string | null): void {
    clearTimeout(agentTypingTimer);
    view.setTyping(name);
    // A lost "typing: false" must not leave the indicator up forever.
    if (name) agentTypingTimer = setTimeout(() => view.setTyping(null), AGENT_TYPING_TIMEOUT_MS);
  }

  // ---------- sending ----------

  function persistOutbox(): void {
    saveOutbox(org, outbox);
  }

  function dropFromOutbox(clientId: string): void {
    const next = outbox.filter((item) => item.clientId !== clientId);
    if (next.length === outbox.length) return;
    outbox = next;
    persistOutbox();
  }

  /** The server's copy arrived: the queued one is done and its bubble gives way. */
  function settle(clientId: string): void {
    dropFromOutbox(clientId);
    view.removePending(clientId);
  }

  function send(body: string): void {
    const item: OutboxItem = { clientId: createClientId(), body, createdAt: new Date().toISOString() };
    outbox.push(item);
    persistOutbox();
    view.addPending(item, 'sending');
    stopTyping();
    if (!sessionReady) void refreshSession();
    void flush();
  }

  function canSend(): boolean {
    if (isBrowserOffline() || !sessionReady || !token) return false;
    return socket.getState() === 'open' || socket.getFailures() >= WS_FAILURES_BEFORE_HTTP_ONLY;
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
      while (outbox.length > 0 && canSend()) {
        const item = outbox[0];
        try {
          await deliver(item);
          flushAttempt = 0;
        } catch (error) {
          const failure = toRequestError(error);
          if (isAuthError(failure) && authRetries++ < 1) {
            sessionReady = false;
            if (await refreshSession()) continue;
          }
          if (
            conversation &&
            conversationResets++ < 1 &&
            (failure.code === 'conversation_not_found' || failure.code === 'conflict')
          ) {
            // Closed or gone? The session names the conversation to use now, or none (this message starts one).
            const before = conversation.id;
            await refreshSession();
            if (conversation?.id !== before) continue;
          }
          if (isRateLimited(failure)) {
            // Too fast: say so on the message, and send it once the server will take it.
            view.setPendingStatus(item.clientId, 'rateLimited');
            clearTimeout(flushTimer);
            flushTimer = setTimeout(() => void flush(), retryDelay(failure, flushAttempt++));
            break;
          }
          if (isRetryable(failure) || isAuthError(failure) || failure.code === 'conflict') {
            view.setPendingStatus(item.clientId, 'retrying');
            scheduleFlushRetry();
            break;
          }
          // The server understood and refused; sending the same thing again would fail the same way.
          dropFromOutbox(item.clientId);
          view.setPendingStatus(item.clientId, failure.code === 'message_blocked' ? 'blocked' : 'notSent');
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
    if (!conversation && createAmbiguous) {
      // The earlier create may have gone through; the session (and its history) tells us, and settles the item.
      await refreshSession();
      if (!outbox.some((queued) => queued.clientId === item.clientId)) return;
    }
    if (!token) throw toRequestError(new Error('no session'));
    const payload = { body: item.body, clientId: item.clientId };
    if (!conversation) {
      let created: Awaited<ReturnType<typeof createConversation>>;
      try {
        created = await createConversation(apiOrigin, token, payload);
      } catch (error) {
        const failure = toRequestError(error);
        // A refusal for speed created nothing; any other unclear failure may have.
        if (isRetryable(failure) && !isRateLimited(failure)) createAmbiguous = true;
        throw error;
      }
      createAmbiguous = false;
      if (created.conversation) setConversation(created.conversation);
      for (const message of created.messages) receive(message, 'post');
      dropFromOutbox(item.clientId);
      if (conversation) void loadHistory();
      else void refreshSession();
      return;
    }
    const message = await sendMessage(apiOrigin, token, conversation.id, payload);
    if (message) receive(message, 'post');
    dropFromOutbox(item.clientId);
  }

  // ---------- typing ----------

  function noteTyping(): void {
    if (!conversation || socket.getState() !== 'open') return;
    const now = Date.now();
    if (!typingActive || now - typingSentAt > TYPING_RESEND_MS) {
      typingActive = socket.send({ type: 'typing', conversationId: conversation.id, typing: true });
      typingSentAt = now;
    }
    clearTimeout(typingIdleTimer);
    typingIdleTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  function stopTyping(): void {
    clearTimeout(typingIdleTimer);
    if (typingActive && conversation) socket.send({ type: 'typing', conversationId: conversation.id, typing: false });
    typingActive = false;
  }

  // ---------- panel, locale, config ----------

  function setOpen(next: boolean): void {
    if (stopped) return;
    isOpen = next;
    view.setOpen(next);
    if (!next) {
      stopTyping();
      return;
    }
    unread = 0;
    view.setUnread(0);
    void refreshAvailability();
    // Sessions start on first open (or at load for a returning visitor), so plain page views create no visitor.
    if (!sessionReady) void refreshSession();
  }

  function changeLocale(next: Locale): void {
    if (!isLocale(next)) return;
    saveLocale(next);
    if (next === locale) return;
    locale = next;
    view.setLocale(next);
    feedback.setLocale(next);
    // Let the server know too, so bot replies and the agent's view follow the customer's language.
    if (sessionReady) {
      clearTimeout(localeSyncTimer);
      localeSyncTimer = setTimeout(() => void refreshSession(), LOCALE_SYNC_DELAY_MS);
    }
  }

  /** Asked on load, on every open and every minute while open: agents come and go, and the header must follow. */
  async function refreshAvailability(): Promise<void> {
    clearTimeout(availabilityTimer);
    try {
      const { availability } = await fetchAvailability(apiOrigin, org);
      view.setAvailability(availability);
    } catch {
      view.setAvailability(null);
    }
    if (isOpen && !stopped) availabilityTimer = setTimeout(() => void refreshAvailability(), AVAILABILITY_REFRESH_MS);
  }

  async function loadConfig(): Promise<void> {
    try {
      const config = await fetchConfig(apiOrigin, org);
      view.setTitle(config?.org?.name ?? null);
      view.setGreeting(config?.greeting ?? null);
    } catch (error) {
      const failure = toRequestError(error);
      if (failure.code === 'org_not_found') {
        console.warn(`[kefu] unknown organization "${org}"; the widget is disabled`);
        teardown();
      }
      // Anything else: keep the built-in title and greeting.
    }
  }

  function teardown(): void {
    stopped = true;
    socket.stop();
    clearTimeout(sessionRetryTimer);
    clearTimeout(flushTimer);
    clearTimeout(renewTimer);
    clearTimeout(availabilityTimer);
    view.destroy();
  }

  function forgetVisitor(): void {
    stopTyping();
    socket.stop();
    for (const item of outbox) view.removePending(item.clientId);
    outbox = [];
    persistOutbox();
    saveVisitor(org, null);
    clearTimeout(renewTimer);
    token = null;
    sessionReady = false;
    createAmbiguous = false;
    setConversation(null);
    updateConnection();
  }

  window.addEventListener('online', () => {
    updateConnection();
    if (!sessionReady) void refreshSession();
    void flush();
  });
  window.addEventListener('offline', updateConnection);

  updateConnection();
  void loadConfig();
  void refreshAvailability();
  const stored = loadVisitor(org);
  // A returning visitor reconnects at once, so replies that arrive before the panel is opened raise the badge.
  if (outbox.length > 0 || (stored && (!stored.verified || identityToken))) void refreshSession();

  return {
    open: () => setOpen(true),
    close: () => setOpen(false),
    setLocale: (next) => {
      const normalized = normalizeLocale(next);
      if (normalized) changeLocale(normalized);
    },
    identify: (nextToken) => {
      identityToken = nextToken || undefined;
      if (sessionReady || sessionTask || isOpen) void refreshSession();
    },
    reset: () => {
      forgetVisitor();
      if (isOpen) void refreshSession();
    },
  };
}

function boot(): void {
  const win = window as KefuWindow;
  // Included twice (SPA route changes, tag managers): the first copy stays in charge.
  if (win.Kefu) return;
  const setup = readSetup();
  if (!setup) return;
  win.Kefu = startWidget(setup);
}

boot();
