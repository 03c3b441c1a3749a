import { useI18n } from '../i18n/locale.tsx';
import { LOCALE_NAMES, UI_LOCALES, type UiLocale } from '../i18n/messages.ts';
import { GlobeIcon } from './icons.tsx';

/** The one place the console's language is chosen: on the sign-in page and at the right of the top bar. */
export function LocaleSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <label className="locale-switch" title={t('header.language')}>
      <GlobeIcon />
      <span className="visually-hidden">{t('header.language')}</span>
      <select
        className="select select--compact"
        data-testid="locale-switch"
        value={locale}
        onChange={(event) => setLocale(event.target.value as UiLocale)}
      >
        {UI_LOCALES.map((value) => (
          <option key={value} value={value}>
            {LOCALE_NAMES[value]}
          </option>
        ))}
      </select>
    </label>
  );
}
