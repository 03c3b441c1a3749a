import type { Conversation, Message } from '../contracts/api.ts';
import type { Locale } from '../contracts/domain.ts';
import type { ServerEvent } from '../contracts/realtime.ts';
import { createClientId } from '../contracts/client-id.ts';
import {
  createConversation,
  fetchAvailability,
  fetchConfig,
  fetchFileLink,
  fetchMessages,
  fetchPlatformStatus,
  fetchSurge,
  type PlatformStatusEntry,
  toRequestError,
  uploadFile,
} from './api.ts';
import { detectLocale, getStrings, isLocale, normalizeLocale } from './i18n.ts';
import { announcementText, createSuggester } from './kb.ts';
import { queueNotice } from './queue.ts';
import { createCallbackForm } from './callback.ts';
import { createFeedbackView, isRatingRequest, submitRating, submitReport } from './rating.ts';
import { createOutbox } from './outbox.ts';
import { createSocket } from './realtime.ts';
import { createVisitorSession } from './session.ts';
import { isKbSlug, loadLocale, loadVisitor, type OutboxItem, saveLocale } from './storage.ts';
import { type Connection, createView } from './view.ts';

/**
 * Entry point of the embeddable chat widget (built to one IIFE, dist/widget/widget.js). It wires the parts: the
 * visitor session (session.ts), the outbox that delivers what the customer sends (outbox.ts), the Shadow DOM view
 * (view.ts, rating.ts), the socket (realtime.ts); it keeps the open conversation's timeline and the typing state.
 */

/** `article`: the help-centre article (slug) the customer read before asking: opens the chat and goes with it. */
type KefuSettings = { org?: string; identityToken?: string; locale?: string; article?: string };
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

type Setup = {
  org: string;
  apiOrigin: string;
  wsOrigin: string;
  identityToken?: string;
  locale: Locale | null;
  article?: string;
};
type Source = 'history' | 'stream' | 'post';

const TYPING_RESEND_MS = 3_000;
const TYPING_IDLE_MS = 4_000;
const AGENT_TYPING_TIMEOUT_MS = 8_000;
const LOCALE_SYNC_DELAY_MS = 800;
const AVAILABILITY_REFRESH_MS = 60_000;
/** After this many WebSocket attempts that never opened (a proxy that blocks WebSockets?), send over HTTP anyway. */
const WS_FAILURES_BEFORE_HTTP_ONLY = 3;
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
    article: [settings.article, script?.dataset.article].find(isKbSlug),
  };
}

function isBrowserOffline(): boolean {
  return typeof navigator !== 'undefined' && navigator.onLine === false;
}

function startWidget(setup: Setup): KefuApi {
  const { org, apiOrigin, wsOrigin } = setup;
  // An explicit choice made in the widget beats the page's default, which beats the browser language.
  let locale: Locale = loadLocale() ?? setup.locale ?? detectLocale();
  let availabilityTimer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  let conversation: Conversation | null = null;
  let historyLoaded = false;
  /** Highest seq received in order (history or the socket): what we resubscribe from. */
  let lastSeq = 0;
  const messages = new Map<number, Message>();
  let subscribedTo: string | null = null;

  let isOpen = false;
  let unread = 0;
  let typingActive = false;
  let typingSentAt = 0;
  let typingIdleTimer: ReturnType<typeof setTimeout> | undefined;
  let agentTypingTimer: ReturnType<typeof setTimeout> | undefined;
  let localeSyncTimer: ReturnType<typeof setTimeout> | undefined;
  /** The article the customer came from, until the message that starts a conversation carries it. */
  let readArticle = setup.article ?? null;
  let platformStatus: PlatformStatusEntry[] = [];
  /** Surge mode is on in this organization (told by the `surge.changed` event). */
  let surgeActive = false;

  const session = createVisitorSession(org, apiOrigin, setup.identityToken, {
    getLocale: () => locale,
    isStopped: () => stopped,
    onChange: () => updateConnection(),
    onReady: async (granted, tokenChanged) => {
      setConversation(granted.conversation ?? null);
      socket.start();
      // The open socket is authenticated as the previous visitor.
      if (tokenChanged) socket.reconnectNow(true);
      updateConnection();
      await loadHistory();
      void outbox.flush();
    },
  });

  const outbox = createOutbox(org, apiOrigin, {
    session,
    canSend,
    getConversation: () => conversation,
    setConversation: (next) => setConversation(next),
    receive: (message) => receive(message, 'post'),
    loadHistory: () => loadHistory(),
    setPendingStatus: (clientId, status) => view.setPendingStatus(clientId, status),
  });

  const view = createView(
    locale,
    {
      onToggle: (next) => setOpen(next),
      onSend: (body) => send(body),
      onLocale: (next) => changeLocale(next),
      onTyping: () => noteTyping(),
      onDraft: (text) => suggester.draft(text),
      onFile: (file) => void sendFile(file),
      fileLink: (url) => fileLink(url),
    },
    { linkOrigin: apiOrigin },
  );

  const suggester = createSuggester({
    apiOrigin,
    org,
    getLocale: () => locale,
    enabled: () => !conversation && outbox.items().length === 0,
    show: (suggestions) => view.setSuggestions(suggestions),
  });

  const feedback = createFeedbackView(locale, {
    onRate: (rating, comment) => {
      const token = session.token();
      return token && conversation
        ? submitRating(apiOrigin, token, conversation.id, rating, comment)
        : Promise.resolve('error');
    },
    onReport: (reason) => {
      const token = session.token();
      return token && conversation ? submitReport(apiOrigin, token, conversation.id, reason) : Promise.resolve(false);
    },
  });
  view.mountFeedback(feedback.el);
  const callbackForm = createCallbackForm(locale, {
    apiOrigin,
    token: async () => {
      if (!session.ready()) await session.refresh();
      return session.token();
    },
    onCreated: (next) => {
      // The request opened a phone conversation: show it, with its first message.
      setConversation(next);
      void loadHistory();
    },
  });
  view.mountFeedback(callbackForm.el);

  const socket = createSocket({
    getUrl: () => {
      const token = session.token();
      return token ? `${wsOrigin}/api/widget/ws?token=${encodeURIComponent(token)}` : null;
    },
    onOpen: () => {
      subscribedTo = null;
      subscribe();
      updateConnection();
      void outbox.flush();
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
      session.invalidate();
      void session.refresh();
    },
  });

  for (const item of outbox.items()) view.addPending(item, 'sending');

  // ---------- connection state ----------

  function computeConnection(): Connection {
    if (isBrowserOffline()) return 'offline';
    const state = socket.getState();
    if (session.ready() && state === 'open') return 'online';
    if (session.pending()) return 'connecting';
    if (session.failed()) return 'offline';
    if (state === 'closed' && socket.getFailures() > 0) return 'offline';
    return 'connecting';
  }

  function updateConnection(): void {
    view.setConnection(computeConnection());
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
    if (next) suggester.hide();
    feedback.setConversation(next?.id ?? null);
    // Seqs are per conversation: a different conversation starts a fresh timeline.
    messages.clear();
    lastSeq = 0;
    historyLoaded = false;
    view.clearMessages();
    view.setTyping(null);
  }

  async function loadHistory(): Promise<void> {
    const token = session.token();
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
      case 'surge.changed':
        surgeActive = event.active;
        showAnnouncement();
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
          session.invalidate();
          void session.refresh();
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

  /** The server's copy arrived: the queued one is done and its bubble gives way. */
  function settle(clientId: string): void {
    outbox.drop(clientId);
    view.removePending(clientId);
  }

  function send(body: string): void {
    const item: OutboxItem = { clientId: createClientId(), body, createdAt: new Date().toISOString() };
    // Only the message that starts the conversation carries the article (stored as its meta.readArticle).
    if (readArticle && !conversation && outbox.items().length === 0) {
      item.readArticle = readArticle;
      readArticle = null;
    }
    outbox.add(item);
    suggester.hide();
    view.addPending(item, 'sending');
    stopTyping();
    if (!session.ready()) void session.refresh();
    void outbox.flush();
  }

  /** A file goes at once (it is not queued across reloads like text): into the conversation, started if need be. */
  async function sendFile(file: File): Promise<void> {
    // The server's default limit: refused here at once rather than after uploading 10 MB.
    if (file.size > 10 * 1024 * 1024) return view.setFileNote('fileRefused');
    view.setFileNote('uploading');
    try {
      if (!session.ready()) await session.refresh();
      const token = session.token();
      if (!token) throw toRequestError(new Error('no session'));
      if (!conversation) {
        const created = await createConversation(apiOrigin, token, {});
        if (created.conversation) setConversation(created.conversation);
        subscribe();
      }
      if (!conversation) throw toRequestError(new Error('no conversation'));
      const message = await uploadFile(apiOrigin, token, conversation.id, file, createClientId());
      if (message) receive(message, 'post');
      view.setFileNote('');
    } catch (error) {
      const code = toRequestError(error).code;
      view.setFileNote(code === 'file_too_large' || code === 'file_type_not_allowed' ? 'fileRefused' : 'notSent');
    }
  }

  const fileLinks = new Map<string, { at: number; link: Promise<string | null> }>();
  /** Links last five minutes: one is reused for four, so a re-render does not ask again. */
  function fileLink(url: string): Promise<string | null> {
    const known = fileLinks.get(url);
    if (known && Date.now() - known.at < 240_000) return known.link;
    const token = session.token();
    const link = (token ? fetchFileLink(apiOrigin, token, url).catch(() => null) : Promise.resolve(null)).then(
      (href) => {
        // A failure is asked again next time, not remembered.
        if (!href) fileLinks.delete(url);
        return href;
      },
    );
    fileLinks.set(url, { at: Date.now(), link });
    return link;
  }

  function canSend(): boolean {
    if (isBrowserOffline() || !session.ready() || !session.token()) return false;
    return socket.getState() === 'open' || socket.getFailures() >= WS_FAILURES_BEFORE_HTTP_ONLY;
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
    if (!session.ready()) void session.refresh();
  }

  function changeLocale(next: Locale): void {
    if (!isLocale(next)) return;
    saveLocale(next);
    if (next === locale) return;
    locale = next;
    view.setLocale(next);
    feedback.setLocale(next);
    callbackForm.setLocale(next);
    showAnnouncement();
    suggester.refresh();
    // Let the server know too, so bot replies and the agent's view follow the customer's language.
    if (session.ready()) {
      clearTimeout(localeSyncTimer);
      localeSyncTimer = setTimeout(() => void session.refresh(), LOCALE_SYNC_DELAY_MS);
    }
  }

  /** Asked on load, on every open and every minute while open: agents come and go, and the header must follow. */
  async function refreshAvailability(): Promise<void> {
    clearTimeout(availabilityTimer);
    // The status banner sits in the panel: asked only while it is open.
    if (isOpen) void refreshPlatformStatus();
    try {
      const { availability } = await fetchAvailability(apiOrigin, org);
      view.setAvailability(availability);
    } catch {
      view.setAvailability(null);
    }
    if (isOpen && !stopped) availabilityTimer = setTimeout(() => void refreshAvailability(), AVAILABILITY_REFRESH_MS);
  }

  async function refreshPlatformStatus(): Promise<void> {
    const surge = fetchSurge(apiOrigin, org).catch(() => undefined);
    try {
      const { entries } = await fetchPlatformStatus(apiOrigin, org);
      platformStatus = Array.isArray(entries) ? entries : [];
    } catch {
      // Keep the last known line: a failed refresh says nothing about the incidents.
    }
    const known = await surge;
    if (known && typeof known.active === 'boolean') surgeActive = known.active;
    showAnnouncement();
  }

  /** The banner: surge mode's line first while it is on, then the platform-status incidents. */
  function showAnnouncement(): void {
    const status = announcementText(platformStatus, locale);
    view.setAnnouncement(surgeActive ? [getStrings(locale).surge, status].filter(Boolean).join(' · ') : status);
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
    session.stop();
    outbox.stop();
    clearTimeout(availabilityTimer);
    view.destroy();
  }

  function forgetVisitor(): void {
    stopTyping();
    socket.stop();
    for (const item of outbox.clear()) view.removePending(item.clientId);
    session.forget();
    setConversation(null);
    updateConnection();
  }

  window.addEventListener('online', () => {
    updateConnection();
    if (!session.ready()) void session.refresh();
    void outbox.flush();
  });
  window.addEventListener('offline', updateConnection);

  updateConnection();
  void loadConfig();
  void refreshAvailability();
  const stored = loadVisitor(org);
  // A returning visitor reconnects at once, so replies that arrive before the panel is opened raise the badge.
  if (outbox.items().length > 0 || (stored && (!stored.verified || session.hasIdentity()))) void session.refresh();
  // Came from a help-centre article ("Still need help?"): the chat is what the customer asked for.
  if (setup.article) setOpen(true);

  return {
    open: () => setOpen(true),
    close: () => setOpen(false),
    setLocale: (next) => {
      const normalized = normalizeLocale(next);
      if (normalized) changeLocale(normalized);
    },
    identify: (nextToken) => {
      session.identify(nextToken || undefined);
      if (session.ready() || session.pending() || isOpen) void session.refresh();
    },
    reset: () => {
      forgetVisitor();
      if (isOpen) void session.refresh();
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
