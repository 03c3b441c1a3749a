import { useEffect, useState } from 'react';

/**
 * The admin pages live at `/admin/<page>` beside the inbox's `/conversations/<id>`: a reload or a shared link opens the
 * same page. Navigation goes through history + popstate, so the workspace's own router follows along.
 */
export const ADMIN_PAGES = [
  'official-channels',
  'platform-status',
  'email',
  'telegram',
  'retention',
  'agents',
] as const;
export type AdminPage = (typeof ADMIN_PAGES)[number];

function parseAdminPage(): AdminPage | null {
  const match = /^\/admin\/([^/]+)\/?$/.exec(location.pathname);
  return match && (ADMIN_PAGES as readonly string[]).includes(match[1]) ? (match[1] as AdminPage) : null;
}

export function useAdminPage(): AdminPage | null {
  const [page, setPage] = useState<AdminPage | null>(parseAdminPage);
  useEffect(() => {
    const handlePopState = () => setPage(parseAdminPage());
    window.addEventListener('popstate', handlePopState);
    return () => window.removeEventListener('popstate', handlePopState);
  }, []);
  return page;
}

/** `null` goes back to the inbox. */
export function openAdminPage(page: AdminPage | null): void {
  history.pushState(null, '', page ? `/admin/${page}` : '/');
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** Who sees the admin pages at all; the server still checks every change (channels: admin; status: supervisor too). */
export function canSeeAdminPages(role: string): boolean {
  return role === 'admin' || role === 'supervisor';
}
