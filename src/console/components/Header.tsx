import { useState } from 'react';
import type { SessionResponse } from '../../contracts/api.ts';
import { logOut } from '../api/client.ts';
import { useI18n } from '../i18n/locale.tsx';
import { initialsOf } from '../lib/format.ts';
import { useConnectionState } from '../realtime/context.tsx';
import { AdminLink } from './admin/AdminLink.tsx';
import { AdminMenu } from './admin-helpdesk/AdminHelpdesk.tsx';
import { LogoutIcon } from './icons.tsx';
import { KbLink } from './kb/KbLink.tsx';
import { InsightsLinks } from './reports/InsightsLinks.tsx';
import { IntegrationsLink } from './integrations/Integrations.tsx';
import { LocaleSwitch } from './LocaleSwitch.tsx';
import { RoutingControls } from './routing/RoutingControls.tsx';
import { SupervisorPanel } from './feedback/SupervisorPanel.tsx';
import { SurgeControls } from './surge/SurgeControls.tsx';

type Props = { session: SessionResponse; onLoggedOut: () => void };

export function Header({ session, onLoggedOut }: Props) {
  const { t } = useI18n();
  const connection = useConnectionState();
  const [busy, setBusy] = useState(false);

  async function handleLogout() {
    setBusy(true);
    try {
      await logOut();
    } catch {
      // Even if the server did not answer, leave: the cookie expires on its own.
    }
    onLoggedOut();
  }

  return (
    <header className="topbar">
      <div className="topbar__brand">
        <span className="brand-mark" aria-hidden="true">
          客
        </span>
        <span className="topbar__product">{t('app.name')}</span>
        <span className="topbar__divider" aria-hidden="true" />
        <span className="topbar__org" title={session.org.slug}>
          {session.org.name}
        </span>
      </div>
      <div className="topbar__actions">
        <span
          className={`connection connection--${connection}`}
          data-testid="connection-state"
          data-state={connection}
          role="status"
          aria-live="polite"
        >
          <span className="connection__dot" aria-hidden="true" />
          {t(`conn.${connection}`)}
        </span>
        <RoutingControls agentId={session.agent.id} />
        <SurgeControls role={session.agent.role} />
        <SupervisorPanel role={session.agent.role} />
        <AdminMenu session={session} />
        <AdminLink role={session.agent.role} />
        <IntegrationsLink role={session.agent.role} />
        <KbLink />
        <InsightsLinks agent={session.agent} />
        <LocaleSwitch />
        <span className="agent-chip" title={session.agent.email}>
          <span className="avatar avatar--small avatar--agent" aria-hidden="true">
            {initialsOf(session.agent.name) || '?'}
          </span>
          <span className="agent-chip__name">{session.agent.name}</span>
        </span>
        <button
          type="button"
          className="button button--ghost button--small"
          data-testid="logout"
          onClick={handleLogout}
          disabled={busy}
          title={t('header.logout')}
        >
          <LogoutIcon />
          <span>{t('header.logout')}</span>
        </button>
      </div>
    </header>
  );
}
