import { useCallback, useEffect, useState } from 'react';
import type { ConversationFilters } from '../api/client.ts';
import { readHelpdeskFilters, writeHelpdeskFilters } from '../components/views/filters.ts';
import { CONVERSATION_STATUSES, PRIORITIES } from './constants.ts';

/**
 * The console's whole navigation state lives in the URL: `/conversations/<id>?status=…&assignee=…&priority=…`,
 * so a reload, a bookmark or a link pasted to a colleague opens the same view.
 */
export type Route = { conversationId: string | null; filters: ConversationFilters };

const ASSIGNEES = ['mine', 'unassigned', 'all'] as const;

export const DEFAULT_FILTERS: ConversationFilters = { status: 'open', assignee: 'all', priority: 'any' };

function pickOne<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function parseRoute(): Route {
  const match = /^\/conversations\/([^/]+)\/?$/.exec(location.pathname);
  const query = new URLSearchParams(location.search);
  return {
    conversationId: match ? decodeURIComponent(match[1]) : null,
    filters: {
      status: pickOne(query.get('status'), [...CONVERSATION_STATUSES, 'any'] as const, DEFAULT_FILTERS.status),
      assignee: pickOne(query.get('assignee'), ASSIGNEES, DEFAULT_FILTERS.assignee),
      priority: pickOne(query.get('priority'), [...PRIORITIES, 'any'] as const, DEFAULT_FILTERS.priority),
      ...readHelpdeskFilters(query),
    },
  };
}

export function formatRoute(route: Route): string {
  const path = route.conversationId ? `/conversations/${encodeURIComponent(route.conversationId)}` : '/';
  const query = new URLSearchParams();
  // Always spell out the filters so the URL says exactly what the list shows.
  query.set('status', route.filters.status);
  query.set('assignee', route.filters.assignee);
  query.set('priority', route.filters.priority);
  writeHelpdeskFilters(query, route.filters);
  return `${path}?${query}`;
}

export function useRoute(): [Route, (next: Route, options?: { replace?: boolean }) => void] {
  const [route, setRoute] = useState<Route>(parseRoute);

  useEffect(() => {
    const handlePopState = () => setRoute(parseRoute());
    window.addEventListener('popstate', handlePopState);
    return () => window.removeEventListener('popstate', handlePopState);
  }, []);

  const navigate = useCallback((next: Route, options: { replace?: boolean } = {}) => {
    const url = formatRoute(next);
    if (url !== location.pathname + location.search) {
      if (options.replace) history.replaceState(null, '', url);
      else history.pushState(null, '', url);
    }
    setRoute(next);
  }, []);

  return [route, navigate];
}
