import { useI18n } from '../../i18n/locale.tsx';
import { type AdminPage, canSeeAdminPages, openAdminPage, useAdminPage } from './admin-route.ts';
import { adminText } from './strings.ts';

/** The header's way into the admin pages, for admins and supervisors; on an admin page it leads back to the inbox. */
export function AdminLink({ role }: { role: string }) {
  const { locale } = useI18n();
  const page = useAdminPage();
  if (!canSeeAdminPages(role)) return null;
  const first: AdminPage = role === 'admin' ? 'official-channels' : 'platform-status';
  return (
    <button
      type="button"
      className="button button--ghost button--small"
      data-testid="admin-link"
      aria-pressed={page !== null}
      onClick={() => openAdminPage(page ? null : first)}
    >
      {page ? adminText(locale, 'back') : adminText(locale, 'admin')}
    </button>
  );
}
