import type { KbArticleSummary, KbLocale } from '../../../contracts/kb.ts';
import { useI18n } from '../../i18n/locale.tsx';
import { kbText } from './strings.ts';

/** Pieces both the article list and the editor show. */

export type KbOutcome = { kind: 'ok' | 'error'; text: string };

/** An outcome line in the console's alert style: errors announced at once, the rest politely. */
export function KbMessage({ message }: { message: KbOutcome | null }) {
  if (!message) return null;
  return (
    <div
      className={`alert${message.kind === 'error' ? ' alert--error' : ''}`}
      role={message.kind === 'error' ? 'alert' : 'status'}
      data-testid="kb-message"
    >
      {message.text}
    </div>
  );
}

/** Short locale names for the state badges. */
export const LOCALE_SHORT: Record<KbLocale, string> = { 'zh-CN': '简', 'zh-TW': '繁', en: 'EN' };

export function StateBadge({ locale, state }: { locale: KbLocale; state: KbArticleSummary['states'][KbLocale] }) {
  const { locale: ui } = useI18n();
  return (
    <span className={`kb-state kb-state--${state}`} data-testid={`kb-state-${locale}`} data-state={state}>
      {LOCALE_SHORT[locale]} · {kbText(ui, `state.${state}`)}
    </span>
  );
}

/** An article's title in the agent's language, else in the first language that has one, else its slug. */
export function titleOf(article: Pick<KbArticleSummary, 'titles' | 'slug'>, ui: KbLocale): string {
  return article.titles[ui] ?? article.titles['zh-CN'] ?? article.titles.en ?? article.titles['zh-TW'] ?? article.slug;
}
