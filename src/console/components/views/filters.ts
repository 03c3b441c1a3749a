import { BUILTIN_INTENTS } from '../../../contracts/intents.ts';
import type { Conversation } from '../../../contracts/domain.ts';
import { type ViewFilters, viewFiltersSchema } from '../../../contracts/tools.ts';
import { type ConversationFilters, HELPDESK_FILTER_KEYS, type HelpdeskFilters } from '../../api/client.ts';

/**
 * The helpdesk list filters (tag, intent, language, team, SLA risk): how they live in the URL, how they become a saved
 * view and back, and how a live update is checked against them. Pure functions, shared by the route and the list.
 */

/** The bot's intent ids, for the intent filter: the same contract the server classifies into. */
export const INTENT_OPTIONS = BUILTIN_INTENTS;

/** Keeps only values the server would accept: a hand-edited URL must not turn the list into a 400. */
export function readHelpdeskFilters(query: URLSearchParams): HelpdeskFilters {
  const filters: HelpdeskFilters = {};
  for (const key of HELPDESK_FILTER_KEYS) {
    const raw = query.get(key);
    if (raw === null || raw === '') continue;
    const parsed = viewFiltersSchema.shape[key].safeParse(raw);
    if (parsed.success && parsed.data !== undefined) Object.assign(filters, { [key]: parsed.data });
  }
  return filters;
}

/** Only the filters that are set go into the URL, so a plain inbox link stays short. */
export function writeHelpdeskFilters(query: URLSearchParams, filters: HelpdeskFilters): void {
  for (const key of HELPDESK_FILTER_KEYS) {
    const value = filters[key];
    if (value) query.set(key, value);
  }
}

/** A stable key of the helpdesk filters: the list reloads when it changes. */
export function helpdeskFilterKey(filters: HelpdeskFilters): string {
  return HELPDESK_FILTER_KEYS.map((key) => filters[key] ?? '').join('|');
}

/** "any" is the absence of a filter in a saved view. */
export function toViewFilters(filters: ConversationFilters): ViewFilters {
  const view: ViewFilters = { assignee: filters.assignee };
  if (filters.status !== 'any') view.status = filters.status;
  if (filters.priority !== 'any') view.priority = filters.priority;
  for (const key of HELPDESK_FILTER_KEYS) {
    const value = filters[key];
    if (value) Object.assign(view, { [key]: value });
  }
  return view;
}

export function fromViewFilters(view: ViewFilters): ConversationFilters {
  const filters: ConversationFilters = {
    status: view.status ?? 'any',
    assignee: view.assignee ?? 'all',
    priority: view.priority ?? 'any',
  };
  for (const key of HELPDESK_FILTER_KEYS) {
    const value = view[key];
    if (value) Object.assign(filters, { [key]: value });
  }
  return filters;
}

/** Whether a view's filters are exactly the ones on screen (the dropdown then shows the view as selected). */
export function sameFilters(a: ConversationFilters, b: ConversationFilters): boolean {
  return (
    a.status === b.status &&
    a.assignee === b.assignee &&
    a.priority === b.priority &&
    helpdeskFilterKey(a) === helpdeskFilterKey(b)
  );
}

/**
 * The list's live updates only know status/assignee/priority: a conversation that changed elsewhere must not slip
 * into a list filtered by tag or team. SLA risk is the server's call (its clocks), so only a clear miss is dropped.
 */
export function matchesHelpdeskFilters(conversation: Conversation, filters: HelpdeskFilters): boolean {
  if (filters.tag && !conversation.tags.includes(filters.tag)) return false;
  if (filters.intent && conversation.lastIntent !== filters.intent) return false;
  if (filters.language && conversation.lastLanguage !== filters.language) return false;
  if (filters.teamId && conversation.teamId !== filters.teamId) return false;
  if (filters.slaRisk === 'breached' && !conversation.sla?.breached.length) return false;
  if (filters.slaRisk === 'at_risk' && (!conversation.sla?.warned.length || conversation.sla.breached.length > 0)) {
    return false;
  }
  return true;
}
