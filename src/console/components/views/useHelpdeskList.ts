import { useEffect, useRef } from 'react';
import type { Conversation } from '../../../contracts/domain.ts';
import { helpdeskFilterKey, matchesHelpdeskFilters, readHelpdeskFilters } from './filters.ts';

type List = { items: Conversation[]; reload: (options: { keepItems: boolean }) => void };

/**
 * The list hook reloads on status/assignee/priority only and its live updates know nothing of tags or teams. This
 * reads the helpdesk filters from the URL (the route writes it before the list renders), reloads when they change
 * and keeps live updates that do not match out of the list.
 */
export function useHelpdeskList<T extends List>(list: T): T {
  const filters = readHelpdeskFilters(new URLSearchParams(location.search));
  const key = helpdeskFilterKey(filters);
  const previousKey = useRef(key);
  const { reload } = list;

  useEffect(() => {
    // The first render's load is the list hook's own; reload only on a change.
    if (previousKey.current === key) return;
    previousKey.current = key;
    reload({ keepItems: false });
  }, [key, reload]);

  if (key === helpdeskFilterKey({})) return list;
  return { ...list, items: list.items.filter((item) => matchesHelpdeskFilters(item, filters)) };
}
