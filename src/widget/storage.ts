import type { Locale } from '../contracts/domain.ts';
import { isLocale } from './i18n.ts';

/**
 * Everything the widget keeps in the host page's localStorage. Storage can be unavailable (Safari private mode,
 * blocked third-party storage, quota): every access falls back to memory so the widget keeps working for the tab.
 */

/** `expiresAt` (ISO) is when `token` stops opening the API; the widget renews the session before then. */
export type StoredVisitor = { token: string; verified: boolean; expiresAt?: string };
/** `readArticle`: the help-centre article the customer came from, sent with the message that starts a conversation. */
export type OutboxItem = { clientId: string; body: string; createdAt: string; readArticle?: string };

/** A knowledge-base slug (src/contracts/kb.ts kbSlugSchema), so nothing else rides along as article context. */
export function isKbSlug(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 120 && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(value);
}

const PREFIX = 'kefu:v1:';
const memory = new Map<string, string | null>();

function readRaw(key: string): string | null {
  // A memory entry exists only when the last write to localStorage failed, so it is the newer value.
  if (memory.has(key)) return memory.get(key) ?? null;
  try {
    return window.localStorage.getItem(PREFIX + key);
  } catch {
    return null;
  }
}

function writeRaw(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(PREFIX + key);
    else window.localStorage.setItem(PREFIX + key, value);
    memory.delete(key);
  } catch {
    // Unavailable or full: keep a copy for this tab only.
    memory.set(key, value);
  }
}

function readJson(key: string): unknown {
  const raw = readRaw(key);
  if (raw === null) return null;
  try {
    return JSON.parse(raw);
  } catch {
    return null;
  }
}

export function loadVisitor(org: string): StoredVisitor | null {
  const value = readJson(`${org}:visitor`) as Partial<StoredVisitor> | null;
  if (!value || typeof value.token !== 'string' || !value.token) return null;
  return {
    token: value.token,
    verified: value.verified === true,
    ...(typeof value.expiresAt === 'string' ? { expiresAt: value.expiresAt } : {}),
  };
}

export function saveVisitor(org: string, visitor: StoredVisitor | null): void {
  writeRaw(`${org}:visitor`, visitor ? JSON.stringify(visitor) : null);
}

export function loadOutbox(org: string): OutboxItem[] {
  const value = readJson(`${org}:outbox`);
  if (!Array.isArray(value)) return [];
  return value
    .filter(
      (item): item is OutboxItem =>
        !!item &&
        typeof item.clientId === 'string' &&
        typeof item.body === 'string' &&
        typeof item.createdAt === 'string',
    )
    .map(({ clientId, body, createdAt, readArticle }) => ({
      clientId,
      body,
      createdAt,
      ...(isKbSlug(readArticle) ? { readArticle } : {}),
    }));
}

export function saveOutbox(org: string, items: OutboxItem[]): void {
  writeRaw(`${org}:outbox`, items.length ? JSON.stringify(items) : null);
}

export function loadLocale(): Locale | null {
  const value = readRaw('locale');
  return isLocale(value) ? value : null;
}

export function saveLocale(locale: Locale): void {
  writeRaw('locale', locale);
}
