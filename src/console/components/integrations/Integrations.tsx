import { lazy, Suspense } from 'react';
import { createPortal } from 'react-dom';
import { useI18n } from '../../i18n/locale.tsx';
import { openIntegrations, useIntegrationsOpen } from './integrations-route.ts';
import { integrationsText } from './strings.ts';

// Its own chunk: only admins open it, and rarely.
const IntegrationsPage = lazy(() => import('./IntegrationsPage.tsx'));

/** The header's way into the integrations page (admins only); the page itself covers the workspace below the top bar. */
export function IntegrationsLink({ role }: { role: string }) {
  const { locale } = useI18n();
  const open = useIntegrationsOpen();
  if (role !== 'admin') return null;
  return (
    <>
      <button
        type="button"
        className="button button--ghost button--small"
        data-testid="integrations-link"
        aria-pressed={open}
        onClick={() => openIntegrations(!open)}
      >
        {open ? integrationsText(locale, 'back') : integrationsText(locale, 'integrations')}
      </button>
      {open &&
        createPortal(
          <Suspense fallback={null}>
            <IntegrationsPage />
          </Suspense>,
          document.body,
        )}
    </>
  );
}
