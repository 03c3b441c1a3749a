import { useI18n } from '../../i18n/locale.tsx';
import { openKb, useKbRoute } from './kb-route.ts';
import { kbText } from './strings.ts';

/** The header's way into the knowledge base (every agent reads it); on a knowledge-base page it leads back. */
export function KbLink() {
  const { locale } = useI18n();
  const route = useKbRoute();
  return (
    <button
      type="button"
      className="button button--ghost button--small"
      data-testid="kb-link"
      aria-pressed={route !== null}
      onClick={() => openKb(route ? null : { view: 'list' })}
    >
      {route ? kbText(locale, 'back') : kbText(locale, 'kb')}
    </button>
  );
}
