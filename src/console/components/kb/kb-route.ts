import { useEffect, useState } from 'react';
import type { SessionResponse } from '../../../contracts/api.ts';

/**
 * The knowledge base lives at `/kb` (the list), `/kb/new`, `/kb/articles/<id>` and `/kb/synonyms`, beside the inbox's
 * `/conversations/<id>`: a reload or a shared link opens the same page. Navigation goes through history + popstate,
 * so the workspace's own router follows along (as the admin pages do).
 */
export type KbRoute =
  | { view: 'list' }
  | { view: 'new' }
  | { view: 'article'; id: string }
  | { view: 'synonyms' }
  | { view: 'categories' };

function parseKbRoute(): KbRoute | null {
  const path = location.pathname.replace(/\/+$/, '');
  if (path === '/kb') return { view: 'list' };
  if (path === '/kb/new') return { view: 'new' };
  if (path === '/kb/synonyms') return { view: 'synonyms' };
  if (path === '/kb/categories') return { view: 'categories' };
  const match = /^\/kb\/articles\/([^/]+)$/.exec(path);
  return match ? { view: 'article', id: decodeURIComponent(match[1]) } : null;
}

export function useKbRoute(): KbRoute | null {
  const [route, setRoute] = useState<KbRoute | null>(parseKbRoute);
  useEffect(() => {
    const handlePopState = () => setRoute(parseKbRoute());
    window.addEventListener('popstate', handlePopState);
    return () => window.removeEventListener('popstate', handlePopState);
  }, []);
  return route;
}

function formatKbRoute(route: KbRoute): string {
  if (route.view === 'article') return `/kb/articles/${encodeURIComponent(route.id)}`;
  return route.view === 'list' ? '/kb' : `/kb/${route.view}`;
}

/** `null` goes back to the inbox. */
export function openKb(route: KbRoute | null, options: { replace?: boolean } = {}): void {
  const url = route ? formatKbRoute(route) : '/';
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** Who may change articles (the server checks every change the same way): admins and agents with `kb_editor`. */
export function canEditKb(agent: SessionResponse['agent']): boolean {
  return agent.role === 'admin' || (agent.permissions ?? []).includes('kb_editor');
}
