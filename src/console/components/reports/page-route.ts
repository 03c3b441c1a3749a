import { useEffect, useState } from 'react';
import type { SessionResponse } from '../../../contracts/api.ts';

/**
 * The supervisors' pages live at `/reports`, `/workforce` and `/wallboard`, beside the inbox: a reload or a link opens
 * the same page (history + popstate, as the knowledge base does).
 */
export type InsightsPage = 'reports' | 'workforce' | 'wallboard';
const PAGES: readonly InsightsPage[] = ['reports', 'workforce', 'wallboard'];

function parsePage(): InsightsPage | null {
  const path = location.pathname.replace(/\/+$/, '').slice(1);
  return (PAGES as readonly string[]).includes(path) ? (path as InsightsPage) : null;
}

export function useInsightsPage(): InsightsPage | null {
  const [page, setPage] = useState<InsightsPage | null>(parsePage);
  useEffect(() => {
    const handlePopState = () => setPage(parsePage());
    window.addEventListener('popstate', handlePopState);
    return () => window.removeEventListener('popstate', handlePopState);
  }, []);
  return page;
}

/** `null` goes back to the inbox. */
export function openInsights(page: InsightsPage | null): void {
  history.pushState(null, '', page ? `/${page}` : '/');
  window.dispatchEvent(new PopStateEvent('popstate'));
}

type Agent = SessionResponse['agent'];
const supervising = (agent: Agent) => agent.role === 'admin' || agent.role === 'supervisor';

/** The server checks the same: supervisors, admins and agents with 'reports_read'. */
export function canReadReports(agent: Agent): boolean {
  return supervising(agent) || (agent.permissions ?? []).includes('reports_read');
}

/** Workforce planning and the wallboard: supervisors and admins. */
export function canSupervise(agent: Agent): boolean {
  return supervising(agent);
}

export function canSee(agent: Agent, page: InsightsPage): boolean {
  return page === 'reports' ? canReadReports(agent) : canSupervise(agent);
}
