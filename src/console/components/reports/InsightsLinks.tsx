import type { SessionResponse } from '../../../contracts/api.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { canSee, type InsightsPage, openInsights, useInsightsPage } from './page-route.ts';
import { reportsText } from './strings.ts';

const PAGES: InsightsPage[] = ['reports', 'workforce', 'wallboard'];

/** The header's links to reports, workforce and the wallboard, for the roles that may open them. */
export function InsightsLinks({ agent }: { agent: SessionResponse['agent'] }) {
  const { locale } = useI18n();
  const current = useInsightsPage();
  const pages = PAGES.filter((page) => canSee(agent, page));
  if (pages.length === 0) return null;
  return (
    <>
      {pages.map((page) => (
        <button
          key={page}
          type="button"
          className="button button--ghost button--small"
          data-testid={`nav-${page}`}
          aria-pressed={current === page}
          onClick={() => openInsights(current === page ? null : page)}
        >
          {reportsText(locale, `nav.${page}`)}
        </button>
      ))}
    </>
  );
}
