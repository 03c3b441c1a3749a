import type { Locale } from '../contracts/domain.ts';
import type { KbSearchHit } from '../contracts/kb.ts';
import { type PlatformStatusEntry, searchKb } from './api.ts';
import { getStrings } from './i18n.ts';
import type { Suggestion } from './view.ts';

/**
 * The knowledge base in the widget: articles suggested while a new customer types their first message (before any
 * conversation exists, so a question the help centre answers may not need one), and the platform-status line.
 */

const SUGGEST_DELAY_MS = 300;
const SUGGEST_MIN_LENGTH = 2;
const SUGGEST_LIMIT = 3;

export type SuggestionHooks = {
  apiOrigin: string;
  org: string;
  getLocale: () => Locale;
  /** Only the new-conversation composer suggests: no conversation yet and nothing queued to start one. */
  enabled: () => boolean;
  show: (suggestions: Suggestion[]) => void;
};

export type Suggester = {
  /** The composer's text now. */
  draft: (text: string) => void;
  /** Hides the suggestions and forgets any search under way (a conversation started). */
  hide: () => void;
  /** Searches the current draft again (the language changed). */
  refresh: () => void;
};

/** An article's `url` is a path on the kefu server; anything else (another host, a scheme) is not linked. */
export function articleHref(apiOrigin: string, url: string): string | null {
  if (!url.startsWith('/') || url.startsWith('//')) return null;
  return apiOrigin + url;
}

export function toSuggestions(apiOrigin: string, hits: readonly KbSearchHit[]): Suggestion[] {
  const out: Suggestion[] = [];
  for (const hit of hits) {
    const href = typeof hit?.url === 'string' ? articleHref(apiOrigin, hit.url) : null;
    if (!href || typeof hit.title !== 'string') continue;
    out.push({ title: hit.title, snippet: typeof hit.snippet === 'string' ? hit.snippet : '', href });
    if (out.length === SUGGEST_LIMIT) break;
  }
  return out;
}

export function createSuggester(hooks: SuggestionHooks): Suggester {
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every change, so an answer to an older text (or after a hide) is dropped. */
  let generation = 0;
  let current = '';
  let shown = false;

  function hide(): void {
    clearTimeout(timer);
    generation++;
    if (shown) hooks.show([]);
    shown = false;
  }

  async function search(q: string, at: number): Promise<void> {
    let suggestions: Suggestion[] = [];
    try {
      const { results } = await searchKb(hooks.apiOrigin, hooks.org, q, hooks.getLocale(), SUGGEST_LIMIT);
      suggestions = toSuggestions(hooks.apiOrigin, Array.isArray(results) ? results : []);
    } catch {
      // Rate-limited, offline, no knowledge base: the customer simply gets no suggestions.
    }
    if (at !== generation || !hooks.enabled()) return;
    shown = suggestions.length > 0;
    hooks.show(suggestions);
  }

  function draft(text: string): void {
    const q = text.trim();
    if (q === current && (timer !== undefined || shown)) return;
    current = q;
    if (q.length < SUGGEST_MIN_LENGTH || !hooks.enabled()) {
      hide();
      return;
    }
    clearTimeout(timer);
    const at = ++generation;
    timer = setTimeout(() => {
      timer = undefined;
      void search(q, at);
    }, SUGGEST_DELAY_MS);
  }

  return {
    draft,
    hide: () => {
      current = '';
      hide();
    },
    refresh: () => {
      const text = current;
      current = '';
      draft(text);
    },
  };
}

const STATE_TEXT = {
  deposits: { suspended: 'depositsSuspended', congested: 'depositsCongested' },
  withdrawals: { suspended: 'withdrawalsSuspended', congested: 'withdrawalsCongested' },
} as const;

/** One line for every coin and network not running normally, e.g. "USDT (TRC20) 充值暂停：节点升级中". */
export function announcementText(entries: readonly PlatformStatusEntry[], locale: Locale): string {
  const t = getStrings(locale);
  const zh = locale !== 'en';
  const lines: string[] = [];
  for (const entry of entries) {
    if (!entry || typeof entry.coin !== 'string') continue;
    const states: string[] = [];
    for (const side of ['deposits', 'withdrawals'] as const) {
      const state = entry[side];
      if (state === 'suspended' || state === 'congested') states.push(t[STATE_TEXT[side][state]]);
    }
    if (states.length === 0) continue;
    const note = entry.note?.[locale] || (zh ? entry.note?.['zh-CN'] : '') || '';
    const what = `${entry.coin} (${entry.network}) ${states.join(zh ? '、' : ', ')}`;
    lines.push(note ? `${what}${zh ? '：' : ': '}${note}` : what);
  }
  return lines.join(' · ');
}
