import './admin.css';
import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import type { SessionResponse } from '../../../contracts/api.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { FeedbackSettingsAdmin } from './FeedbackSettingsAdmin.tsx';
import { MacrosAdmin } from './MacrosAdmin.tsx';
import { SlaPolicyAdmin } from './SlaPolicyAdmin.tsx';
import { adminText } from './strings.ts';
import { TeamsAdmin } from './TeamsAdmin.tsx';

const PAGES = ['macros', 'teams', 'sla', 'feedback'] as const;
type AdminPage = (typeof PAGES)[number];

/** The header's admin entries (admins only) and the page they open over the workspace. */
export function AdminMenu({ session }: { session: SessionResponse }) {
  const { locale } = useI18n();
  const [page, setPage] = useState<AdminPage | null>(null);

  useEffect(() => {
    if (!page) return;
    const closeOnEscape = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setPage(null);
    };
    window.addEventListener('keydown', closeOnEscape);
    return () => window.removeEventListener('keydown', closeOnEscape);
  }, [page]);

  if (session.agent.role !== 'admin') return null;
  return (
    <>
      {PAGES.map((name) => (
        <button
          key={name}
          type="button"
          className={`button button--ghost button--small${page === name ? ' admin-tab--active' : ''}`}
          data-testid={`admin-${name}`}
          aria-pressed={page === name}
          onClick={() => setPage(page === name ? null : name)}
        >
          {adminText(locale, name)}
        </button>
      ))}
      {page &&
        // Outside the header: the page must not inherit the dark top bar's colours.
        createPortal(
          <div className="admin-page" role="dialog" aria-label={adminText(locale, page)} data-testid="admin-page">
            <div className="admin-page__head">
              <h2>{adminText(locale, page)}</h2>
              <button
                type="button"
                className="button button--small"
                data-testid="admin-close"
                onClick={() => setPage(null)}
              >
                {adminText(locale, 'close')}
              </button>
            </div>
            <div className="admin-page__body">
              {page === 'macros' && <MacrosAdmin />}
              {page === 'teams' && <TeamsAdmin />}
              {page === 'sla' && <SlaPolicyAdmin />}
              {page === 'feedback' && <FeedbackSettingsAdmin />}
            </div>
          </div>,
          document.body,
        )}
    </>
  );
}
