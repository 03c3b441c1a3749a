import type { Message } from '../contracts/api.ts';
import { linkify } from '../contracts/linkify.ts';
import type { Locale } from '../contracts/domain.ts';
import type { SupportAvailability } from '../contracts/routing.ts';
import { getStrings, LOCALE_NAMES, type Strings, WIDGET_LOCALES } from './i18n.ts';
import type { OutboxItem } from './storage.ts';
import { WIDGET_CSS } from './styles.ts';

/**
 * The widget's DOM, inside an open shadow root. Message bodies only ever become text nodes (and links built as DOM
 * nodes, http(s) and help-centre only): they come from customers, agents and a bot, and must never become markup in
 * an exchange's page.
 */

export const MESSAGE_MAX_LENGTH = 10_000;
/** Show the counter only when it matters. */
const COUNTER_FROM = 9_000;

export type Connection = 'online' | 'connecting' | 'offline';
export type PendingStatus = 'sending' | 'retrying' | 'rateLimited' | 'notSent' | 'blocked';

export type ViewCallbacks = {
  onToggle: (open: boolean) => void;
  onSend: (body: string) => void;
  onLocale: (locale: Locale) => void;
  onTyping: () => void;
  /** The composer's text changed (typed, cleared or sent): for article suggestions before a conversation starts. */
  onDraft: (text: string) => void;
  /** A file the customer picked, pasted or dropped. */
  onFile: (file: File) => void;
  /** A short-lived URL that opens an attachment (an <img> or <a> cannot send the visitor token). */
  fileLink: (url: string) => Promise<string | null>;
};

/** What the server takes as an image (src/server/files/): shown as a thumbnail, anything else as a link. */
const IMAGE_TYPES = /^image\/(png|jpeg|gif|webp)$/;

/** A knowledge-base article offered while the customer types; `href` is absolute, on the kefu server. */
export type Suggestion = { title: string; snippet: string; href: string };

export type View = {
  setOpen: (open: boolean) => void;
  setLocale: (locale: Locale) => void;
  setTitle: (name: string | null) => void;
  setGreeting: (greeting: Partial<Record<Locale, string>> | null) => void;
  setConnection: (state: Connection) => void;
  /** Who can answer (from routing); shown while connected, so the header never claims a person who is not there. */
  setAvailability: (availability: SupportAvailability | null) => void;
  addMessage: (message: Message, live: boolean) => void;
  addPending: (item: OutboxItem, status: PendingStatus) => void;
  setPendingStatus: (clientId: string, status: PendingStatus) => void;
  removePending: (clientId: string) => void;
  clearMessages: () => void;
  setBusy: (busy: boolean) => void;
  setTyping: (name: string | null) => void;
  /** The customer's place in the queue for a human ('' hides it). */
  setQueue: (text: string) => void;
  setUnread: (count: number) => void;
  /** Articles shown above the composer ([] hides them). */
  setSuggestions: (suggestions: Suggestion[]) => void;
  /** A one-line platform-status banner under the header ('' hides it). */
  setAnnouncement: (text: string) => void;
  /** Places the feedback area (rating card, report) above the reply box (src/widget/rating.ts). */
  mountFeedback: (el: HTMLElement) => void;
  /** A line above the reply box about files ('' hides it). */
  setFileNote: (key: FileNote) => void;
  destroy: () => void;
};

export type FileNote = 'attachWarn' | 'uploading' | 'fileRefused' | 'notSent' | '';

const CHAT_ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 3C6.5 3 2 6.9 2 11.7c0 2.5 1.2 4.7 3.2 6.3L4.5 22l4.3-2.3c1 .3 2.1.4 3.2.4 5.5 0 10-3.9 10-8.7S17.5 3 12 3z"/></svg>';
const CLIP_ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5H9v9a3 3 0 0 0 6 0V5a4.5 4.5 0 0 0-9 0v11.5a6 6 0 0 0 12 0v-10z"/></svg>';
const CLOSE_ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6L19 6.4 17.6 5 12 10.6z"/></svg>';

const AVAILABILITY_TEXT = { online: 'supportOnline', busy: 'supportBusy', away: 'supportAway' } as const;

type Rendered = { message: Message; el: HTMLElement };
type PendingRendered = { item: OutboxItem; status: PendingStatus; el: HTMLElement };

function createElement<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * A message bubble: text nodes, with http(s) URLs and help-centre paths as links (src/contracts/linkify.ts). A
 * `/help/...` path points at the kefu server (`linkOrigin`), not at the exchange's page the widget is embedded in.
 */
function createBubble(body: string, linkOrigin: string): HTMLDivElement {
  const bubble = createElement('div', { class: 'bubble' });
  for (const part of linkify(body)) {
    if (!('href' in part)) {
      bubble.append(document.createTextNode(part.text));
      continue;
    }
    let href: string;
    try {
      href = new URL(part.href, linkOrigin).href;
    } catch {
      bubble.append(document.createTextNode(part.text));
      continue;
    }
    bubble.append(createElement('a', { href, target: '_blank', rel: 'noopener noreferrer' }, part.text));
  }
  return bubble;
}

/** Links read on every bubble colour (the customer's bubble is blue). */
const LINK_CSS = '.bubble a{color:#1f4fd8;text-decoration:underline}.customer .bubble a{color:inherit}';

const timeFormats = new Map<string, Intl.DateTimeFormat>();

function formatTime(iso: string, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const today = date.toDateString() === new Date().toDateString();
  const key = locale + (today ? ':t' : ':d');
  let format = timeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(
      locale,
      today
        ? { hour: '2-digit', minute: '2-digit' }
        : { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' },
    );
    timeFormats.set(key, format);
  }
  return format.format(date);
}

export function createView(
  initialLocale: Locale,
  callbacks: ViewCallbacks,
  options: { /** Where `/help/...` links point: the kefu server. */ linkOrigin?: string } = {},
): View {
  const linkOrigin = options.linkOrigin ?? window.location.origin;
  let locale = initialLocale;
  let t: Strings = getStrings(locale);
  let title: string | null = null;
  let greetings: Partial<Record<Locale, string>> | null = null;
  let connection: Connection = 'connecting';
  let availability: SupportAvailability | null = null;
  let unread = 0;
  let typingName: string | null = null;
  let open = false;
  const server = new Map<number, Rendered>();
  const pending = new Map<string, PendingRendered>();

  const host = createElement('div', { id: 'kefu-widget-host' });
  const shadow = host.attachShadow({ mode: 'open' });
  const style = createElement('style');
  style.textContent = WIDGET_CSS + LINK_CSS;

  const root = createElement('div', { class: 'root' });
  const launcher = createElement('button', {
    type: 'button',
    class: 'launcher',
    'data-testid': 'kefu-launcher',
    'aria-expanded': 'false',
    'aria-controls': 'kefu-panel',
  });
  const launcherIcon = createElement('span', { 'aria-hidden': 'true' });
  launcherIcon.innerHTML = CHAT_ICON; // static markup, no user data
  const badge = createElement('span', { class: 'badge', 'aria-hidden': 'true', hidden: '' });
  launcher.append(launcherIcon, badge);

  const panel = createElement('section', {
    id: 'kefu-panel',
    class: 'panel',
    'data-testid': 'kefu-panel',
    role: 'dialog',
    'aria-modal': 'false',
    'aria-labelledby': 'kefu-title',
    hidden: '',
  });
  const head = createElement('header', { class: 'head' });
  const headMain = createElement('div', { class: 'head-main' });
  const titleEl = createElement('h2', { id: 'kefu-title', class: 'title' });
  const conn = createElement('div', { class: 'conn', 'data-testid': 'kefu-connection', role: 'status' });
  const connText = createElement('span');
  conn.append(createElement('span', { class: 'dot', 'aria-hidden': 'true' }), connText);
  headMain.append(titleEl, conn);
  const localeSelect = createElement('select', { class: 'locale', 'data-testid': 'kefu-locale' });
  for (const value of WIDGET_LOCALES) {
    localeSelect.append(createElement('option', { value, lang: value }, LOCALE_NAMES[value]));
  }
  const closeButton = createElement('button', { type: 'button', class: 'close' });
  closeButton.innerHTML = CLOSE_ICON.replace('<svg', '<svg width="20" height="20" fill="currentColor"');
  head.append(headMain, localeSelect, closeButton);

  const safety = createElement('p', { class: 'safety' });
  const announcement = createElement('p', {
    class: 'announce',
    'data-testid': 'kefu-announcement',
    role: 'status',
    hidden: '',
  });
  const list = createElement('div', {
    class: 'messages',
    'data-testid': 'kefu-messages',
    role: 'log',
    'aria-live': 'polite',
    'aria-relevant': 'additions',
    tabindex: '0',
  });
  const greetingEl = createElement('div', { class: 'msg bot greeting', 'data-testid': 'kefu-greeting' });
  list.append(greetingEl);
  const typing = createElement('div', { class: 'typing', 'aria-live': 'polite' });
  const queue = createElement('div', {
    class: 'typing',
    'data-testid': 'kefu-queue',
    'aria-live': 'polite',
    hidden: '',
  });

  const composer = createElement('form', { class: 'composer', novalidate: '' });
  const inputLabel = createElement('label', { class: 'sr', for: 'kefu-input' });
  const input = createElement('textarea', {
    id: 'kefu-input',
    class: 'input',
    'data-testid': 'kefu-input',
    rows: '1',
    'aria-describedby': 'kefu-counter',
  });
  const sendButton = createElement('button', { type: 'submit', class: 'send', 'data-testid': 'kefu-send' });
  const counter = createElement('div', { id: 'kefu-counter', class: 'counter', 'aria-live': 'polite', hidden: '' });
  const attachButton = createElement('button', { type: 'button', class: 'attach', 'data-testid': 'kefu-attach' });
  const fileInput = createElement('input', {
    type: 'file',
    hidden: '',
    accept: 'image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain',
    'data-testid': 'kefu-file',
  });
  attachButton.innerHTML = CLIP_ICON; // static markup, no user data
  const attachNote = createElement('div', {
    class: 'note',
    'data-testid': 'kefu-attach-note',
    role: 'status',
    hidden: '',
  });
  composer.append(attachNote, inputLabel, attachButton, fileInput, input, sendButton, counter);

  // Article titles and snippets come from the knowledge base's editors: text nodes only, like message bodies.
  const suggestions = createElement('nav', { class: 'kb', 'data-testid': 'kefu-suggestions', hidden: '' });
  const suggestionsTitle = createElement('div', { class: 'kb-title' });

  panel.append(head, safety, announcement, list, queue, typing, suggestions, composer);
  root.append(launcher, panel);
  shadow.append(style, root);

  function renderStrings(): void {
    root.setAttribute('lang', locale);
    localeSelect.value = locale;
    localeSelect.setAttribute('aria-label', t.language);
    closeButton.setAttribute('aria-label', t.close);
    titleEl.textContent = title || t.title;
    safety.textContent = t.safety;
    suggestionsTitle.textContent = t.suggestions;
    suggestions.setAttribute('aria-label', t.suggestions);
    inputLabel.textContent = t.placeholder;
    attachButton.title = t.attach;
    attachButton.setAttribute('aria-label', t.attach);
    if (fileNote) attachNote.textContent = t[fileNote];
    input.setAttribute('placeholder', t.placeholder);
    sendButton.textContent = t.send;
    renderLauncher();
    renderConnection();
    renderGreeting();
    renderTyping();
    renderComposer();
    for (const entry of server.values()) renderServer(entry);
    for (const entry of pending.values()) renderPending(entry);
  }

  function renderLauncher(): void {
    launcher.setAttribute('aria-expanded', String(open));
    const label = open ? t.close : t.open;
    launcher.setAttribute('aria-label', unread > 0 && !open ? `${label} (${unread} ${t.unread})` : label);
    launcherIcon.innerHTML = open ? CLOSE_ICON : CHAT_ICON;
    badge.textContent = unread > 99 ? '99+' : String(unread);
    badge.hidden = unread === 0 || open;
  }

  function renderConnection(): void {
    conn.setAttribute('data-state', connection);
    conn.setAttribute('data-availability', availability ?? '');
    connText.textContent = connection === 'online' && availability ? t[AVAILABILITY_TEXT[availability]] : t[connection];
  }

  function renderGreeting(): void {
    greetingEl.replaceChildren(
      createElement('div', { class: 'author' }, title || t.bot),
      createElement('div', { class: 'bubble' }, greetings?.[locale] || t.greeting),
    );
  }

  function renderTyping(): void {
    typing.textContent = typingName ? `${typingName} ${t.typing}` : '';
  }

  function renderComposer(): void {
    const length = input.value.trim().length;
    const over = length > MESSAGE_MAX_LENGTH;
    counter.hidden = input.value.length < COUNTER_FROM;
    counter.classList.toggle('over', over);
    counter.textContent = over
      ? `${t.tooLong} · ${length.toLocaleString()} / ${MESSAGE_MAX_LENGTH.toLocaleString()}`
      : `${length.toLocaleString()} / ${MESSAGE_MAX_LENGTH.toLocaleString()}`;
    input.setAttribute('aria-invalid', String(over));
    sendButton.disabled = length === 0 || over;
  }

  function authorName(message: Message): string {
    if (message.authorName) return message.authorName;
    return message.authorKind === 'bot' ? t.bot : t.agent;
  }

  function renderServer(entry: Rendered): void {
    const { message, el } = entry;
    const kind = message.authorKind;
    el.className = `msg ${kind}`;
    el.setAttribute('data-testid', 'kefu-message');
    el.setAttribute('data-author-kind', kind);
    el.setAttribute('data-seq', String(message.seq));
    el.removeAttribute('data-pending');
    if (message.clientId) el.setAttribute('data-client-id', message.clientId);
    const parts: HTMLElement[] = [];
    if (kind === 'agent' || kind === 'bot') parts.push(createElement('div', { class: 'author' }, authorName(message)));
    const bubble = createBubble(message.body, linkOrigin);
    for (const file of message.attachments ?? []) bubble.append(renderFile(file));
    parts.push(bubble);
    const meta = createElement('div', { class: 'meta' });
    meta.append(createElement('time', { datetime: message.createdAt }, formatTime(message.createdAt, locale)));
    parts.push(meta);
    el.replaceChildren(...parts);
  }

  /** An attachment: a thumbnail for an image, else its name, both opening a link fetched when shown. */
  function renderFile(file: Message['attachments'][number]): HTMLElement {
    const link = createElement('a', { class: 'file', download: '', 'data-testid': 'kefu-file-link' });
    const image = IMAGE_TYPES.test(file.contentType)
      ? createElement('img', { class: 'thumb', alt: file.name, 'data-testid': 'kefu-thumb' })
      : null;
    link.append(image ?? file.name);
    let at = 0;
    const load = () =>
      callbacks.fileLink(file.url).then((href) => {
        if (!href) return false;
        at = Date.now();
        link.href = href;
        if (image) image.src = href;
        return true;
      });
    void load();
    // Links last five minutes: one clicked later is fetched again first.
    link.addEventListener('click', (event) => {
      if (Date.now() - at < 240_000) return;
      event.preventDefault();
      void load().then((ok) => ok && link.click());
    });
    return link;
  }

  function renderPending(entry: PendingRendered): void {
    const { item, status, el } = entry;
    const failed = status === 'notSent' || status === 'blocked';
    el.className = failed ? 'msg customer failed' : 'msg customer';
    el.setAttribute('data-testid', 'kefu-message');
    el.setAttribute('data-author-kind', 'customer');
    el.setAttribute('data-client-id', item.clientId);
    // A message the server refused is no longer queued.
    if (failed) el.removeAttribute('data-pending');
    else el.setAttribute('data-pending', 'true');
    el.setAttribute('data-status', status);
    const statusText = {
      sending: t.sending,
      retrying: t.retrying,
      rateLimited: t.rateLimited,
      notSent: t.notSent,
      blocked: t.blocked,
    }[status];
    el.replaceChildren(createBubble(item.body, linkOrigin), createElement('div', { class: 'meta' }, statusText));
  }

  function isNearBottom(): boolean {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  }

  function scrollToBottom(): void {
    list.scrollTop = list.scrollHeight;
  }

  /** Server messages are kept in seq order; queued ones always sit after them. */
  function insertServerElement(el: HTMLElement, seq: number): void {
    let before: Element | null = null;
    for (let node = list.lastElementChild; node && node !== greetingEl; node = node.previousElementSibling) {
      const nodeSeq = node.getAttribute('data-seq');
      if (nodeSeq === null || Number(nodeSeq) > seq) before = node;
      else break;
    }
    list.insertBefore(el, before);
  }

  function autoGrow(): void {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight + 2, 132)}px`;
  }

  function submit(): void {
    const body = input.value.trim();
    if (!body || body.length > MESSAGE_MAX_LENGTH) {
      renderComposer();
      return;
    }
    callbacks.onSend(body);
    input.value = '';
    autoGrow();
    renderComposer();
    callbacks.onDraft('');
    input.focus();
  }

  let fileNote: FileNote = '';
  let attachNoteTimer: ReturnType<typeof setTimeout> | undefined;
  function setFileNote(key: FileNote): void {
    fileNote = key;
    attachNote.textContent = key ? t[key] : '';
    attachNote.hidden = !key;
    clearTimeout(attachNoteTimer);
    // The warning stays while a file goes; a result line stays long enough to read.
    if (key && key !== 'uploading') attachNoteTimer = setTimeout(() => setFileNote(''), 12_000);
  }
  function takeFile(file: File | null | undefined): void {
    if (file) callbacks.onFile(file);
  }
  const carriesFiles = (data: DataTransfer | null) => !!data && Array.from(data.types).includes('Files');
  // The warning first, where the customer picks the file: a seed phrase photographed is a seed phrase sent.
  attachButton.addEventListener('click', () => {
    setFileNote('attachWarn');
    fileInput.click();
  });
  fileInput.addEventListener('change', () => {
    takeFile(fileInput.files?.[0]);
    fileInput.value = '';
  });
  input.addEventListener('paste', (event) => {
    // Text copied from an office app often carries a picture of itself too: pasted text stays text.
    const file = event.clipboardData?.files[0];
    if (!file || event.clipboardData?.types.includes('text/plain')) return;
    event.preventDefault();
    takeFile(file);
  });
  // A file dropped on the panel would otherwise make the browser leave the exchange's page to open it.
  panel.addEventListener('dragover', (event) => {
    if (carriesFiles(event.dataTransfer)) event.preventDefault();
  });
  panel.addEventListener('drop', (event) => {
    if (!carriesFiles(event.dataTransfer)) return;
    event.preventDefault();
    takeFile(event.dataTransfer?.files[0]);
  });

  launcher.addEventListener('click', () => callbacks.onToggle(!open));
  closeButton.addEventListener('click', () => {
    callbacks.onToggle(false);
    launcher.focus();
  });
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      callbacks.onToggle(false);
      launcher.focus();
    }
  });
  localeSelect.addEventListener('change', () => callbacks.onLocale(localeSelect.value as Locale));
  composer.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener('keydown', (event) => {
    // While an IME is composing (pinyin, zhuyin, cangjie…) Enter picks a candidate; it must not send.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    submit();
  });
  input.addEventListener('input', () => {
    autoGrow();
    renderComposer();
    if (input.value) callbacks.onTyping();
    callbacks.onDraft(input.value);
  });

  renderStrings();

  function mount(): void {
    if (!host.isConnected) document.body.appendChild(host);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });

  return {
    setOpen(next) {
      if (next === open) return;
      open = next;
      panel.hidden = !open;
      root.classList.toggle('open', open);
      renderLauncher();
      if (open) {
        scrollToBottom();
        // Wait a frame so the panel is laid out before moving focus into it.
        requestAnimationFrame(() => input.focus());
      }
    },
    setLocale(next) {
      locale = next;
      t = getStrings(next);
      renderStrings();
    },
    setTitle(name) {
      title = name;
      titleEl.textContent = title || t.title;
      renderGreeting();
    },
    setGreeting(next) {
      greetings = next;
      renderGreeting();
    },
    setConnection(state) {
      connection = state;
      renderConnection();
    },
    setAvailability(next) {
      availability = next;
      renderConnection();
    },
    addMessage(message, live) {
      if (server.has(message.seq)) return;
      const follow = isNearBottom() || message.authorKind === 'customer' || !live;
      const entry: Rendered = { message, el: createElement('div') };
      renderServer(entry);
      server.set(message.seq, entry);
      insertServerElement(entry.el, message.seq);
      if (follow) scrollToBottom();
    },
    addPending(item, status) {
      if (pending.has(item.clientId)) return;
      const entry: PendingRendered = { item, status, el: createElement('div') };
      renderPending(entry);
      pending.set(item.clientId, entry);
      list.appendChild(entry.el);
      scrollToBottom();
    },
    setPendingStatus(clientId, status) {
      const entry = pending.get(clientId);
      if (!entry || entry.status === status) return;
      entry.status = status;
      renderPending(entry);
    },
    removePending(clientId) {
      const entry = pending.get(clientId);
      if (!entry) return;
      entry.el.remove();
      pending.delete(clientId);
    },
    clearMessages() {
      for (const entry of server.values()) entry.el.remove();
      server.clear();
    },
    setBusy(busy) {
      // aria-busy holds back screen-reader announcements while a whole history is inserted at once.
      if (busy) list.setAttribute('aria-busy', 'true');
      else list.removeAttribute('aria-busy');
    },
    setTyping(name) {
      typingName = name;
      renderTyping();
    },
    setQueue(text) {
      queue.textContent = text;
      queue.hidden = text === '';
    },
    setUnread(count) {
      unread = count;
      renderLauncher();
    },
    setSuggestions(next) {
      suggestions.replaceChildren(
        suggestionsTitle,
        ...next.map((item) => {
          const link = createElement('a', {
            class: 'kb-link',
            'data-testid': 'kefu-suggestion',
            href: item.href,
            target: '_blank',
            rel: 'noopener noreferrer',
          });
          link.append(
            createElement('span', { class: 'kb-name' }, item.title),
            createElement('span', { class: 'kb-snippet' }, item.snippet),
          );
          return link;
        }),
      );
      suggestions.hidden = next.length === 0;
    },
    setAnnouncement(text) {
      announcement.textContent = text;
      announcement.title = text;
      announcement.hidden = text === '';
    },
    setFileNote,
    mountFeedback(el) {
      panel.insertBefore(el, composer);
    },
    destroy() {
      host.remove();
    },
  };
}
