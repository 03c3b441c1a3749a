import './admin.css';
import { useI18n } from '../../i18n/locale.tsx';
import { AgentsAdmin } from './AgentsAdmin.tsx';
import { ADMIN_PAGES, type AdminPage, openAdminPage } from './admin-route.ts';
import { EmailInboxes } from './EmailInboxes.tsx';
import { OfficialChannels } from './OfficialChannels.tsx';
import { PlatformStatus } from './PlatformStatus.tsx';
import { Retention } from './Retention.tsx';
import { adminText } from './strings.ts';
import { TelegramInboxes } from './TelegramInboxes.tsx';

const TITLES = {
  'official-channels': 'channels',
  'platform-status': 'status',
  email: 'email',
  telegram: 'telegram',
  retention: 'retention',
  agents: 'agents',
} as const;

/** Replaces the three panes while an admin page is open; the inbox keeps its state underneath. */
export function AdminPages({ page, role }: { page: AdminPage; role: string }) {
  const { locale } = useI18n();
  return (
    <div className="admin">
      <nav className="admin__nav" aria-label={adminText(locale, 'admin')}>
        <button type="button" className="button button--ghost button--small" onClick={() => openAdminPage(null)}>
          ← {adminText(locale, 'back')}
        </button>
        {ADMIN_PAGES.map((p) => (
          <button
            key={p}
            type="button"
            className={`admin__tab${p === page ? ' admin__tab--active' : ''}`}
            aria-current={p === page ? 'page' : undefined}
            data-testid={`admin-tab-${p}`}
            onClick={() => openAdminPage(p)}
          >
            {adminText(locale, TITLES[p])}
          </button>
        ))}
      </nav>
      <main className="admin__main">
        {page === 'official-channels' ? (
          <OfficialChannels canEdit={role === 'admin'} />
        ) : page === 'email' ? (
          <EmailInboxes canEdit={role === 'admin'} />
        ) : page === 'telegram' ? (
          <TelegramInboxes canEdit={role === 'admin'} />
        ) : page === 'retention' ? (
          <Retention canEdit={role === 'admin'} />
        ) : page === 'agents' ? (
          <AgentsAdmin canEdit={role === 'admin'} />
        ) : (
          <PlatformStatus />
        )}
      </main>
    </div>
  );
}
